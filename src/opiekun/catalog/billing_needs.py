"""Which billing rules a plan needs: every open channel brings work of some kind, and
work of a kind without a rule cannot be logged (issue 17: a plan saved without rules
stopped every work log). Pure: channels and kinds in, missing kinds out."""

from __future__ import annotations

from collections.abc import Iterable

# The work an answer on each channel is logged as: a call is phone work, a written
# answer (e-mail, portal, forum, fax) is e-mail work, a remote session remote work.
WORK_FOR_CHANNEL = {
    "phone": "phone",
    "mobile": "phone",
    "email": "email",
    "portal": "email",
    "forum": "email",
    "fax": "email",
    "remote": "remote",
}


def missing_work_kinds(channels: Iterable[str], ruled_kinds: Iterable[str]) -> list[str]:
    needed = {WORK_FOR_CHANNEL[c] for c in channels if c in WORK_FOR_CHANNEL}
    return sorted(needed - set(ruled_kinds))
