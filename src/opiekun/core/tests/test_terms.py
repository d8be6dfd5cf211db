"""The search words are the same on every database, and cope with Polish inflection."""

from __future__ import annotations

from opiekun.core import terms


def test_words_fold_case_and_drop_stop_words_and_short_ones() -> None:
    assert terms.words("Czy DRUKARKA nie drukuje na A4?") == ["drukarka", "drukuje"]
    assert terms.words("Błąd 1045 w Łączeniu") == ["błąd", "1045", "łączeniu"]


def test_long_words_are_searched_by_a_prefix_that_matches_their_other_forms() -> None:
    assert terms.stems("drukarki drukarka drukarkę") == ["drukar"]
    assert all(s in "drukarka" for s in terms.stems("drukarki drukarkę"))
    assert terms.stem("faktur") == "fakt" and "fakt" in "faktury"


def test_similarity_treats_different_forms_of_a_word_as_one() -> None:
    same = terms.similarity(
        terms.stems("Drukarka nie drukuje faktur"), terms.stems("drukarka nie drukuje faktury")
    )
    assert same == 1.0
    assert terms.similarity(terms.stems("eksport JPK"), terms.stems("drukarka etykiet")) == 0.0
    assert terms.similarity([], ["a"]) == 0.0
