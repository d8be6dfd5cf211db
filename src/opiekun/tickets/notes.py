"""Why a ticket has no guaranteed reaction, why its channel is closed at this hour, and
how its deadline was set and how a piece of work is billed.

The notes are stored on the ticket in English, written from the fixed sentences below,
so a record never mixes two languages and the API gives everyone the same text.
`for_reader` says a stored note again in the reader's language. Writer and reader share
the sentences, so they cannot drift apart; a note that matches none (written before a
sentence changed) is shown as it was stored."""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

from opiekun.catalog.choices import Channel, Severity, WorkKind
from opiekun.core.language import stored_label

SENTENCES = {
    "no_contract": gettext_noop("no contract in force"),
    "no_guarantee": gettext_noop("the plan gives no reaction guarantee"),
    "only_for": gettext_noop("the plan guarantees a reaction only for: %(names)s"),
    "only_by": gettext_noop("the plan guarantees a reaction only for tickets sent by %(names)s"),
    "not_opened": gettext_noop("the plan does not open the %(channel)s channel"),
    "limit_used": gettext_noop(
        "this month's guaranteed-support limit of %(limit)s is used (%(used)s)"
    ),
    "plan_closes": gettext_noop("%(plan)s does not open the %(channel)s channel"),
    "open_hours": gettext_noop("%(channel)s is open %(hours)s"),
    "restricted": gettext_noop("%(channel)s: %(restriction)s"),
}
# The words of a working calendar's description (workcal.describe, pure and English).
CALENDAR_WORDS = {
    "Mon": gettext_noop("Mon"),
    "Tue": gettext_noop("Tue"),
    "Wed": gettext_noop("Wed"),
    "Thu": gettext_noop("Thu"),
    "Fri": gettext_noop("Fri"),
    "Sat": gettext_noop("Sat"),
    "Sun": gettext_noop("Sun"),
    "closed on public holidays": gettext_noop("closed on public holidays"),
    "holidays included": gettext_noop("holidays included"),
}
JOIN = "; "

# The lines that explain a ticket's deadlines (tickets.sla.decide and the calendar's
# explain_add), read back the same way, one line at a time.
LINES = {
    "plan_hours": gettext_noop("Plan %(plan)s: service hours %(hours)s."),
    "received_in": gettext_noop(
        "Received %(when)s, within working time: the clock starts at once."
    ),
    "received_out": gettext_noop(
        "Received %(when)s, outside working time: the clock starts at the next working "
        "moment, %(start)s."
    ),
    "no_target": gettext_noop("No guaranteed reaction time: %(reason)s."),
    "no_contract_line": gettext_noop("No contract in force: no reaction guarantee."),
    "target": gettext_noop("Reaction target: %(amount)s of working time%(scope)s."),
    "paused": gettext_noop("Paused while waiting for the customer: %(amount)s added."),
    "due": gettext_noop("Reaction due %(when)s."),
    "receipt": gettext_noop(
        "Receipt to be confirmed by the end of the next working day, %(when)s."
    ),
    "working_time": gettext_noop("Working time: %(hours)s."),
    "outside": gettext_noop("%(when)s is outside working time; counting starts at %(start)s."),
    "closed_day": gettext_noop("Not a working day: %(day)s (%(why)s)."),
    "dst": gettext_noop("The span crosses a daylight-saving change: minutes are real minutes."),
    "span": gettext_noop("%(minutes)s working minutes from %(start)s end at %(end)s."),
    # How a piece of work is billed (tariff.bill, pure and English).
    "work": gettext_noop("%(raw)s min of %(work_kind)s work under %(plan)s."),
    "documented": gettext_noop("+%(extra)s min to write down what was done: %(minutes)s min."),
    "per_started": gettext_noop("Billed per started %(unit)s min: %(minutes)s min."),
    "rounded_up": gettext_noop("Rounded up to the started %(unit)s min: %(minutes)s min."),
    "rounded_near": gettext_noop("Rounded to the nearest %(unit)s min: %(minutes)s min."),
    "emergency": gettext_noop("Out-of-hours emergency, x%(factor)s: %(minutes)s min."),
    "after_hours_emergency": gettext_noop("Out of the plan's hours (emergency)."),
    "after_hours": gettext_noop("Out of the plan's hours."),
    "draws": gettext_noop("Draws %(minutes)s min on the hour banks."),
    "no_draw": gettext_noop("Does not draw on the hour package."),
}
# Words inside a target's scope: "(critical tickets, sent by e-mail), counted in ...".
SCOPE_WORDS = {
    "critical tickets": gettext_noop("critical tickets"),
    "high tickets": gettext_noop("high-severity tickets"),
    "normal tickets": gettext_noop("normal tickets"),
    "sent by": gettext_noop("sent by"),
    "counted in": gettext_noop("counted in"),
}


def write(key: str, **params: str) -> str:
    """A note as stored: the English sentence with its values."""
    return SENTENCES[key] % params


def _labels() -> dict[str, str]:
    return {stored_label(c): str(c.label) for choices in (Channel, Severity) for c in choices}


def _hours(text: str) -> str:
    return _words(text, CALENDAR_WORDS)


def _words(text: str, words: dict[str, str]) -> str:
    found = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.sub(rf"\b({found})\b", lambda m: gettext(words[m.group(1)]), text)


def _param(name: str, value: str, labels: dict[str, str]) -> str | None:
    """The value in the reader's language; None when it cannot be what the sentence says."""
    if name == "channel":
        return labels.get(value)
    if name == "names":
        shown = [labels.get(part) for part in value.split(", ")]
        return None if None in shown else ", ".join(s for s in shown if s)
    if name == "work_kind":
        return str(WorkKind(value).label) if value in WorkKind.values else None
    if name in ("hours", "when", "start", "end", "day"):
        return _hours(value)
    if name == "reason":
        return _parse(value, labels) or value
    if name == "scope":
        for english, label in labels.items():
            value = value.replace(f"sent by {english}", f"sent by {label}")
        return _hours(_words(value, SCOPE_WORDS))
    return value


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
    )
    return re.compile(rf"^{regex}$", re.S)


PATTERNS = {key: _pattern(template) for key, template in SENTENCES.items()}
LINE_PATTERNS = {key: _pattern(template) for key, template in LINES.items()}


def _sentence(
    text: str, labels: dict[str, str], patterns: dict[str, re.Pattern[str]] = PATTERNS
) -> str | None:
    templates = SENTENCES if patterns is PATTERNS else LINES
    for key, pattern in patterns.items():
        match = pattern.match(text)
        if match is None:
            continue
        shown = {name: _param(name, value, labels) for name, value in match.groupdict().items()}
        if None not in shown.values():
            return gettext(templates[key]) % shown
    return None


def _parse(text: str, labels: dict[str, str]) -> str | None:
    """``text`` as sentences joined by JOIN, or as one; None when it is neither. Joined
    sentences are tried first, because a calendar's description has JOIN inside it too
    and would otherwise swallow the restriction that follows it."""
    at = text.find(JOIN)
    while at != -1:
        head = _sentence(text[:at], labels)
        if head is not None:
            rest = _parse(text[at + len(JOIN) :], labels)
            if rest is not None:
                return f"{head}{JOIN}{rest}"
        at = text.find(JOIN, at + 1)
    return _sentence(text, labels)


def for_reader(text: str) -> str:
    """A stored note in the reader's language (as stored when it matches no sentence)."""
    if not text:
        return text
    return _parse(text, _labels()) or text


def lines_for_reader(lines: list[str]) -> list[str]:
    """A ticket's deadline explanation in the reader's language, line by line."""
    labels = _labels()
    return [_sentence(line, labels, LINE_PATTERNS) or line for line in lines]
