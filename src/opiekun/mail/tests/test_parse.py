"""parse(bytes) on real-world mail: charsets, HTML, attachments, automatic mail."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opiekun.mail import charsets
from opiekun.mail.parse import ParseError, header_text, parse
from opiekun.mail.tests.conftest import eml


def test_outlook_windows_1250_quoted_printable() -> None:
    m = parse(eml("outlook-cp1250.eml"))
    assert m.subject == "Błąd przy zamknięciu miesiąca"
    assert m.sender == "adam@a.example"  # lower-cased for lookups
    assert m.sender_name == "Adam Kowalski"
    assert "Nie można zapisać dokumentu" in m.text
    assert "Łukasiewicz" in m.text
    assert m.message_id == "<AM0PR02MB1234ABCD@AM0PR02MB1234.eurprd02.prod.outlook.com>"
    [shot] = m.attachments
    assert (shot.filename, shot.content_type, shot.inline) == (
        "zrzut ekranu.png",
        "image/png",
        False,
    )
    assert shot.content.startswith(b"\x89PNG")


def test_iso_8859_2_html_is_sanitised_and_keeps_text_and_inline_image() -> None:
    m = parse(eml("thunderbird-latin2-html.eml"))
    assert m.subject == "Zgłoszenie: wydruk faktury"
    assert "<script" not in m.html and "onclick" not in m.html and "javascript:" not in m.html
    assert 'src="cid:logo@a.example"' in m.html  # the inline image stays referable
    assert "Wydruk faktury nie działa, żółw." in m.text  # plain text made from the HTML
    [logo] = m.attachments
    assert logo.inline and logo.content_id == "<logo@a.example>"


def test_koi8_r_under_an_unknown_charset_label() -> None:
    m = parse(eml("koi8r-undeclared.eml"))
    assert m.subject == "Привет"
    assert m.text == "Привет, программа не запускается."


def test_iso_2022_jp() -> None:
    m = parse(eml("iso2022jp.eml"))
    assert m.subject == "請求書の印刷"
    assert m.text == "請求書が印刷できません。"


def test_wrong_declarations_raw_8bit_subject_and_no_message_id() -> None:
    m = parse(eml("wrong-declaration.eml"))
    assert m.subject == "Pilne: błąd księgowania"  # raw windows-1250 bytes in the header
    assert m.text == "Księgowanie zwraca błąd, proszę o pomoc."  # UTF-8 labelled us-ascii
    assert m.message_id == ""


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("Zażółć gęślą jaźń".encode("cp1250"), None, "Zażółć gęślą jaźń"),
        ("Zażółć gęślą jaźń".encode("iso-8859-2"), None, "Zażółć gęślą jaźń"),
        ("Zażółć gęślą jaźń".encode("cp1250"), "utf-8", "Zażółć gęślą jaźń"),
        ("Zażółć gęślą jaźń".encode(), "iso-8859-1", "Zażółć gęślą jaźń"),
        ("Zażółć gęślą jaźń".encode(), "utf8mb4", "Zażółć gęślą jaźń"),
        ("Zażółć gęślą jaźń".encode("iso-8859-2"), "iso-8859-2", "Zażółć gęślą jaźń"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        ("Привет, как дела".encode("cp1251"), "bogus-charset", "Привет, как дела"),
    ],
)
def test_decode_real_and_wrong_labels(data: bytes, declared: str | None, expected: str) -> None:
    assert charsets.decode(data, declared) == expected


def test_an_encoded_word_split_inside_a_character_is_joined() -> None:
    # "łódź" in UTF-8 cut between two base64 words in the middle of "ó".
    raw = "łódź".encode()
    import base64

    first, second = base64.b64encode(raw[:3]).decode(), base64.b64encode(raw[3:]).decode()
    assert header_text(f"=?utf-8?B?{first}?= =?utf-8?B?{second}?=") == "łódź"


@pytest.mark.parametrize(
    ("header", "reason_starts"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted"),
        ("Auto-Submitted: auto-generated", "Auto-Submitted"),
        ("Precedence: bulk", "Precedence"),
        ("Precedence: junk", "Precedence"),
        ("Precedence: list", "Precedence"),
        ("X-Autoreply: yes", "X-Autoreply"),
        ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress"),
        ("List-Id: <news.a.example>", "List-Id"),
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(header: str, reason_starts: str) -> None:
    raw = f"From: adam@a.example\r\nSubject: hello\r\n{header}\r\n\r\nbody\r\n".encode()
    assert parse(raw).automatic.startswith(reason_starts)


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: invoice",
        "Automatic reply: x",
        "Odpowiedź automatyczna: x",
        "Poza biurem",
    ],
)
def test_out_of_office_subjects(subject: str) -> None:
    raw = f"From: adam@a.example\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()
    assert parse(raw).automatic.startswith("an out-of-office reply")


def test_people_s_mail_is_not_automatic() -> None:
    assert parse(eml("outlook-cp1250.eml")).automatic == ""
    raw = b"From: adam@a.example\r\nSubject: x\r\nAuto-Submitted: no\r\n\r\nbody\r\n"
    assert parse(raw).automatic == ""


def test_a_delivery_report_names_our_message_and_why() -> None:
    raw = eml("bounce-dsn.eml").replace(b"ORIGINAL_MESSAGE_ID", b"<abc@kjm.example>")
    m = parse(raw)
    assert m.automatic  # never answered
    assert m.delivery_report is not None
    assert m.delivery_report.original_message_id == "<abc@kjm.example>"
    assert m.delivery_report.recipient == "gone@a.example"
    assert "User unknown" in m.delivery_report.diagnostic


def test_not_an_email_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="message: no headers"):
        parse(eml("not-an-email.eml"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_parser(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "ascii", "x-bogus", "iso-2022-jp"]))
def test_decode_never_raises(data: bytes, declared: str | None) -> None:
    assert isinstance(charsets.decode(data, declared), str)


def test_the_parser_imports_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, opiekun.mail.parse; "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "sys.exit(1 if loaded else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


def test_the_message_id_is_read_from_the_headers_alone() -> None:
    from opiekun.mail.parse import message_id_of
    from opiekun.testing.mailcorpus import generate

    folded = b"From: a@b\r\nMessage-Id:\r\n  <folded@x>\r\nSubject: y\r\n\r\nbody\r\n"
    assert message_id_of(folded) == "<folded@x>"
    in_body = b"From: a@b\r\nSubject: y\r\n\r\nMessage-ID: <not-a-header@x>\r\n"
    assert message_id_of(in_body) == ""
    for raw in generate(60, ["adam@a.example"]):
        assert message_id_of(raw) == parse(raw).message_id


def test_it_drops_what_no_column_can_store_from_a_message() -> None:
    # Mail is taken whatever it holds (issue 13): a NUL (PostgreSQL refuses it), an
    # escape and an undecodable byte are dropped, never a reason to lose the message.
    raw = (
        b"From: Adam <adam@a.example>\r\n"
        b"Subject: =?utf-8?q?B=C5=82=C4=85d=00_w=1B_raporcie?=\r\n"
        b"Message-ID: <nul@a.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Linia\x00 pierwsza\x1b\r\nDruga \x07linia\r\n"
    )
    m = parse(raw)
    assert m.subject == "Błąd w raporcie"
    assert m.text == "Linia pierwsza\nDruga linia"
