"""Every string of the web's templates and views is in the Polish catalogue and
translated (issue 7: a test fails on an untranslated string in the templates)."""

from __future__ import annotations

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
WEB_VIEWS = ("console/views.py", "portal/views.py")


def wanted() -> dict[str, str]:
    found: dict[str, str] = {}
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text()
        for match in TRANSLATE.finditer(text):
            found[match.group(2)] = str(template.relative_to(SRC))
        for match in BLOCK.finditer(text):
            # Django's catalogue names a block's variables %(name)s.
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", match.group(1))
            found[msgid] = str(template.relative_to(SRC))
    for view in WEB_VIEWS:
        for match in GETTEXT.finditer((SRC / view).read_text()):
            found[match.group(2)] = view
    return found


def test_every_web_string_has_a_polish_translation() -> None:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="pl")
    missing = []
    strings = wanted()
    assert len(strings) > 60  # the extraction itself works
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
