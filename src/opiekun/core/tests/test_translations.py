"""Every string of the templates and the code is in the Polish catalogue and translated
(issue 7: a test fails on an untranslated string in the templates), and no translation
is a guess or drops a placeholder."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2]
CATALOGUE = SRC / "locale" / "pl" / "LC_MESSAGES" / "django.po"
TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1""")
BLOCK = re.compile(
    r"{%\s*blocktranslate[^%]*%}(.*?)(?:{%\s*plural\s*%}.*?)?{%\s*endblocktranslate\s*%}", re.S
)
GETTEXT = re.compile(r"""\b_\((["'])(.*?)\1\)""")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdr%]")


def modules() -> list[Path]:
    skip = ("tests", "migrations", "testing")
    return [p for p in SRC.rglob("*.py") if not set(p.relative_to(SRC).parts) & set(skip)]


def wanted() -> dict[str, str]:
    found: dict[str, str] = {}
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text()
        for match in TRANSLATE.finditer(text):
            found[match.group(2)] = str(template.relative_to(SRC))
        for match in BLOCK.finditer(text):
            # Django's catalogue names a block's variables %(name)s.
            # A literal % is doubled in the catalogue, as Django does for blocks.
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", match.group(1).replace("%", "%%"))
            found[msgid] = str(template.relative_to(SRC))
    for module in modules():
        for match in GETTEXT.finditer(module.read_text()):
            literal = match.group(0)[2:-1]  # the string as written, escapes and all
            found[ast.literal_eval(literal)] = str(module.relative_to(SRC))
    return found


def test_every_web_string_has_a_polish_translation() -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="pl")
    missing = []
    strings = wanted()
    assert len(strings) > 500  # the extraction itself works
    for msgid, where in sorted(strings.items()):
        message = catalogue.get(msgid)
        text = message.string if message else ""
        if isinstance(text, tuple | list):
            text = text[0] if all(text) else ""
        if not text:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run makemessages -l pl, then translate):\n" + "\n".join(
        missing
    )


def test_no_translation_is_a_guess_or_loses_a_placeholder() -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="pl")
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else [message.id])]
        texts = [
            str(t)
            for t in (message.string if isinstance(message.string, tuple) else [message.string])
        ]
        if "fuzzy" in message.flags or not all(texts):
            wrong.append(f"untranslated or fuzzy: {ids[0]!r}")
        elif len(ids) == 1 and sorted(PLACEHOLDER.findall(ids[0])) != sorted(
            PLACEHOLDER.findall(texts[0])
        ):
            wrong.append(f"placeholders differ: {ids[0]!r} -> {texts[0]!r}")
    assert not wrong, "\n".join(wrong)
