"""Public holidays by name, in the reader's language (issue 16, item 7). Pure Python:
the `holidays` package names each country's days in the languages it ships (Poland:
Polish, English, German, Ukrainian); a language it lacks reads the country's own."""

from __future__ import annotations

import datetime as dt


def holiday_names(
    country: str, subdivision: str, first: dt.date, last: dt.date, language: str
) -> list[tuple[dt.date, str]]:
    """The holidays from ``first`` to ``last`` (both included), named in ``language``
    ("en", "pl", or a `holidays` code such as "en_US")."""
    import holidays  # imported here: a calendar without holidays never needs it

    if not country:
        return []
    kind = holidays.country_holidays(country, subdiv=subdivision or None, years=first.year)
    supported = getattr(kind, "supported_languages", ())
    chosen = next(
        (code for code in supported if code == language or code.split("_")[0] == language),
        None,
    )
    years = range(first.year, last.year + 1)
    named = holidays.country_holidays(
        country, subdiv=subdivision or None, years=years, language=chosen
    )
    return sorted((day, name) for day, name in named.items() if first <= day <= last)
