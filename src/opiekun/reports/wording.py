"""Statement lines and bank names in the reader's language (issue 16, item 7).

A statement is immutable and its lines, like ledger reasons, are stored once in English
(core/language.py: one record never mixes two languages, and the content hash covers
the stored words). A page reads them through these functions, which recognise the few
sentences the statement builder writes and say them again in the active language;
anything else (a ticket's subject, a work note: the customer's own words) passes as it
is."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opiekun.contracts.models import HourBank
from opiekun.core.language import stored_label

_DAY = r"\d{4}-\d{2}-\d{2}"
_MONTH = r"\d{4}-\d{2}"


def _bank_patterns() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    found: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
        (
            re.compile(rf"package of (?P<day>{_DAY})"),
            lambda m: _("package of %(day)s") % {"day": m["day"]},
        )
    ]
    for kind in HourBank.Kind:
        found.append(
            (re.compile(rf"{re.escape(stored_label(kind))} (?P<month>{_MONTH})"), _kind_says(kind))
        )
    return found


def _kind_says(kind: HourBank.Kind) -> Callable[[re.Match[str]], str]:
    def say(matched: re.Match[str]) -> str:
        return f"{kind.label} {matched['month']}"

    return say


def bank_name(stored: str) -> str:
    """A bank's stored label ("package of 2026-10-05", "monthly allotment 2026-10")."""
    for pattern, say in _bank_patterns():
        matched = pattern.fullmatch(stored)
        if matched:
            return say(matched)
    return stored


def drawn(stored: str) -> str:
    """What a line or a register row drew: "<bank> 30 min, beyond the banks 5 min", or
    a bank alone."""
    if stored == "not drawn":
        return _("not drawn")
    if not stored:
        return stored
    parts = []
    for part in stored.split(", "):
        matched = re.fullmatch(r"(?P<what>.+) (?P<minutes>\d+) min", part)
        if matched is None:
            parts.append(bank_name(part))
        elif matched["what"] == "beyond the banks":
            parts.append(_("beyond the banks %(minutes)s min") % {"minutes": matched["minutes"]})
        else:
            parts.append(f"{bank_name(matched['what'])} {matched['minutes']} min")
    return ", ".join(parts)


_LINES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (
        r"Hour package, (?P<bank>.+)",
        lambda m: _("Hour package, %(bank)s") % {"bank": bank_name(m["bank"])},
    ),
    (
        r"Used from the (?P<bank>.+): (?P<minutes>\d+) min",
        lambda m: (
            _("Used from the %(bank)s: %(minutes)s min")
            % {"bank": bank_name(m["bank"]), "minutes": m["minutes"]}
        ),
    ),
    (
        r"Beyond the hour banks: (?P<minutes>\d+) min \(no hourly rate agreed: priced separately\)",
        lambda m: (
            _("Beyond the hour banks: %(minutes)s min (no hourly rate agreed: priced separately)")
            % {"minutes": m["minutes"]}
        ),
    ),
    (
        r"Beyond the hour banks: (?P<minutes>\d+) min",
        lambda m: _("Beyond the hour banks: %(minutes)s min") % {"minutes": m["minutes"]},
    ),
    (
        r"Out-of-hours emergency, (?P<ticket>\S+) \(drawn from the banks\)",
        lambda m: (
            _("Out-of-hours emergency, %(ticket)s (drawn from the banks)") % {"ticket": m["ticket"]}
        ),
    ),
    (
        r"Out-of-hours emergency, (?P<ticket>\S+)",
        lambda m: _("Out-of-hours emergency, %(ticket)s") % {"ticket": m["ticket"]},
    ),
    (
        r"Annual update (?P<year>\d{4}): (?P<months>\d+)/12 without care",
        lambda m: (
            _("Annual update %(year)s: %(months)s/12 without care")
            % {"year": m["year"], "months": m["months"]}
        ),
    ),
    (
        r"(?P<plan>.+), (?P<seats>\d+) workstations",
        lambda m: _("%(plan)s, %(seats)s workstations") % {"plan": m["plan"], "seats": m["seats"]},
    ),
    (
        r"(?P<text>.+) \(corrected: (?P<reasons>.+)\)",
        lambda m: (
            _("%(text)s (corrected: %(reasons)s)") % {"text": m["text"], "reasons": m["reasons"]}
        ),
    ),
]


_MOMENT = r"\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}"
_PENALTY = re.compile(
    rf"ticket (?P<ticket>\S+): (?P<what>reaction due|receipt confirmation due|answer promised for)"
    rf" (?P<due>{_MOMENT}), given (?P<given>{_MOMENT}): (?P<late>.+?)"
    r" \N{MULTIPLICATION SIGN} (?P<unit>[\d.]+) (?P<currency>[A-Z]{3})"
    r"(?: \(monthly cap (?P<cap>[\d.]+) [A-Z]{3}: (?P<credited>[\d.]+) [A-Z]{3} credited\))?"
)


def _penalty(m: re.Match[str]) -> str:
    """A penalty line (issue 21, reports/penalties.py) in the reader's language."""
    what = {
        "reaction due": _("reaction due"),
        "receipt confirmation due": _("receipt confirmation due"),
        "answer promised for": _("answer promised for"),
    }[m["what"]]
    late = m["late"]
    hours = re.fullmatch(r"(?P<n>\d+) working hours? late", late)
    breach = re.fullmatch(r"(?P<time>.+) of working time late, 1 breach", late)
    if hours:
        n = int(hours["n"])
        late = ngettext("%(hours)s working hour late", "%(hours)s working hours late", n) % {
            "hours": n
        }
    elif breach:
        late = _("%(time)s of working time late, 1 breach") % {"time": breach["time"]}
    text = _("ticket %(ticket)s: %(what)s %(due)s, given %(given)s: %(late)s") % {
        "ticket": m["ticket"],
        "what": what,
        "due": m["due"],
        "given": m["given"],
        "late": late,
    }
    text += f" \N{MULTIPLICATION SIGN} {m['unit']} {m['currency']}"
    if m["cap"]:
        text += " " + _(
            "(monthly cap %(cap)s %(currency)s: %(credited)s %(currency)s credited)"
        ) % {
            "cap": m["cap"],
            "credited": m["credited"],
            "currency": m["currency"],
        }
    return text


def line(stored: str) -> str:
    """A statement line's description as the reader reads it."""
    penalty = _PENALTY.fullmatch(stored)
    if penalty:
        return _penalty(penalty)
    for pattern, say in _LINES:
        matched = re.fullmatch(pattern, stored)
        if matched:
            return say(matched)
    return stored
