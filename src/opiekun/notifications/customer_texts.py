"""The words of customer notifications: each kind's placeholders, the defaults shipped in
Polish and English, the check a template passes on save, and the rendering.

A template is filled by name only (``{reference}``): no attribute, index, conversion or
format spec, so a vendor's text can never reach into an object; every value is a string
made before rendering."""

from __future__ import annotations

import string
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opiekun.notifications.customer_kinds import CustomerKind

_COMMON = {
    "contact_name": gettext_lazy("the contact's full name"),
    "organisation": gettext_lazy("the contact's organisation"),
}
_TICKET = {
    "reference": gettext_lazy("the ticket's reference"),
    "subject": gettext_lazy("the ticket's subject"),
    "ticket_url": gettext_lazy("the ticket's page in the portal"),
}

PLACEHOLDERS: dict[str, dict[str, object]] = {
    CustomerKind.RECEIPT: {
        **_COMMON,
        **_TICKET,
        "deadline": gettext_lazy("the promised reaction deadline, or why there is none"),
    },
    CustomerKind.ANSWER: {**_COMMON, **_TICKET},
    CustomerKind.WAITING: {**_COMMON, **_TICKET},
    CustomerKind.RESOLVED: {
        **_COMMON,
        **_TICKET,
        "rating_url": gettext_lazy("a link to rate the answer, 1 to 5 (no sign-in needed)"),
    },
    CustomerKind.BANK_USAGE: {
        **_COMMON,
        "bank": gettext_lazy("the hour bank's name"),
        "percent": gettext_lazy("the share used: 50, 80 or 100"),
        "used": gettext_lazy("hours used"),
        "left": gettext_lazy("hours left"),
        "expires": gettext_lazy("the bank's expiry date"),
    },
    CustomerKind.PACKAGE_EXPIRY: {
        **_COMMON,
        "bank": gettext_lazy("the hour bank's name"),
        "left": gettext_lazy("hours left"),
        "expires": gettext_lazy("the bank's expiry date"),
    },
    CustomerKind.STATEMENT_READY: {
        **_COMMON,
        "period": gettext_lazy("the month, e.g. 2026-11"),
        "document_url": gettext_lazy("the statement's page in the portal"),
    },
    CustomerKind.REGISTER_READY: {
        **_COMMON,
        "period": gettext_lazy("the month, e.g. 2026-11"),
        "document_url": gettext_lazy("the register's page in the portal"),
    },
    CustomerKind.DISPUTE_ANSWER: {
        **_COMMON,
        "period": gettext_lazy("the month, e.g. 2026-11"),
        "document_url": gettext_lazy("the statement's page in the portal"),
        "status": gettext_lazy("the question's status: open, accepted or rejected"),
        "answer": gettext_lazy("the vendor's words"),
    },
    CustomerKind.TOPUP_OFFER: {
        **_COMMON,
        "explanation": gettext_lazy(
            "why and what is offered: the hours used, left, the run-out day, the price"
        ),
        "hours": gettext_lazy("hours offered"),
        "price": gettext_lazy("the net price with its currency"),
        "expires": gettext_lazy("the day the offer stands until"),
        "offer_url": gettext_lazy("the page in the portal to accept or decline it"),
    },
}

# (subject, body) per kind and language: what a fresh installation sends until a vendor
# edits the templates in the admin (a data migration stores them as rows).
DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    CustomerKind.RECEIPT: {
        "pl": (
            "[{reference}] Przyjęliśmy zgłoszenie: {subject}",
            "Dzień dobry,\n\nprzyjęliśmy zgłoszenie {reference}: {subject}.\n"
            "Termin reakcji: {deadline}\n\nStatus zgłoszenia: {ticket_url}\n"
            "Odpowiadając, prosimy zachować znak zgłoszenia w temacie.\n",
        ),
        "en": (
            "[{reference}] We have received your request: {subject}",
            "Hello,\n\nwe have received your request {reference}: {subject}.\n"
            "Reaction deadline: {deadline}\n\nFollow it here: {ticket_url}\n"
            "When you reply, please keep the reference in the subject.\n",
        ),
    },
    CustomerKind.ANSWER: {
        "pl": (
            "[{reference}] Odpowiedź na zgłoszenie: {subject}",
            "Dzień dobry,\n\nodpowiedzieliśmy na zgłoszenie {reference}: {subject}.\n"
            "Odpowiedź jest w portalu: {ticket_url}\n",
        ),
        "en": (
            "[{reference}] Your request was answered: {subject}",
            "Hello,\n\nwe have answered your request {reference}: {subject}.\n"
            "Read the answer in the portal: {ticket_url}\n",
        ),
    },
    CustomerKind.WAITING: {
        "pl": (
            "[{reference}] Czekamy na Państwa odpowiedź: {subject}",
            "Dzień dobry,\n\nzgłoszenie {reference} ({subject}) czeka na Państwa "
            "odpowiedź.\nSzczegóły: {ticket_url}\n",
        ),
        "en": (
            "[{reference}] We are waiting for your reply: {subject}",
            "Hello,\n\nyour request {reference} ({subject}) is waiting for your reply.\n"
            "Details: {ticket_url}\n",
        ),
    },
    CustomerKind.RESOLVED: {
        "pl": (
            "[{reference}] Zgłoszenie rozwiązane: {subject}",
            "Dzień dobry,\n\nzgłoszenie {reference} ({subject}) zostało rozwiązane.\n"
            "Szczegóły: {ticket_url}\n\nJak oceniają Państwo naszą pomoc? {rating_url}\n",
        ),
        "en": (
            "[{reference}] Your request is resolved: {subject}",
            "Hello,\n\nyour request {reference} ({subject}) has been resolved.\n"
            "Details: {ticket_url}\n\nHow did we do? Rate our help: {rating_url}\n",
        ),
    },
    CustomerKind.BANK_USAGE: {
        "pl": (
            "Wykorzystano {percent}% puli godzin: {bank}",
            "Dzień dobry,\n\npula {bank} ({organisation}) jest wykorzystana w {percent}%: "
            "wykorzystano {used} h, zostało {left} h. Ważna do: {expires}.\n",
        ),
        "en": (
            "{percent}% of the hour bank used: {bank}",
            "Hello,\n\n{percent}% of {bank} ({organisation}) is used: {used} h used, "
            "{left} h left. Valid until: {expires}.\n",
        ),
    },
    CustomerKind.PACKAGE_EXPIRY: {
        "pl": (
            "Pakiet godzin wygasa {expires}: {bank}",
            "Dzień dobry,\n\npakiet {bank} ({organisation}) wygasa {expires}; "
            "zostało w nim {left} h.\n",
        ),
        "en": (
            "Hour package expires on {expires}: {bank}",
            "Hello,\n\nthe package {bank} ({organisation}) expires on {expires}; "
            "{left} h are left in it.\n",
        ),
    },
    CustomerKind.STATEMENT_READY: {
        "pl": (
            "Zestawienie za {period} czeka na akceptację",
            "Dzień dobry,\n\nzestawienie za {period} ({organisation}) czeka na "
            "akceptację: {document_url}\n",
        ),
        "en": (
            "The statement of {period} is ready to approve",
            "Hello,\n\nthe statement of {period} ({organisation}) is ready to approve: "
            "{document_url}\n",
        ),
    },
    CustomerKind.REGISTER_READY: {
        "pl": (
            "Rejestr za {period} czeka na akceptację",
            "Dzień dobry,\n\nrejestr pytań i odpowiedzi za {period} ({organisation}) "
            "czeka na akceptację: {document_url}\n",
        ),
        "en": (
            "The register of {period} is ready to approve",
            "Hello,\n\nthe register of questions and answers of {period} "
            "({organisation}) is ready to approve: {document_url}\n",
        ),
    },
    CustomerKind.DISPUTE_ANSWER: {
        "pl": (
            "Odpowiedź na zastrzeżenie do zestawienia za {period}",
            "Dzień dobry,\n\nodpowiedzieliśmy na zastrzeżenie do zestawienia za {period} "
            "({organisation}), status: {status}.\n\n{answer}\n\nSzczegóły: {document_url}\n",
        ),
        "en": (
            "An answer to your question about the statement of {period}",
            "Hello,\n\nwe answered your question about the statement of {period} "
            "({organisation}), status: {status}.\n\n{answer}\n\nDetails: {document_url}\n",
        ),
    },
    CustomerKind.TOPUP_OFFER: {
        "pl": (
            "Propozycja doładowania: {hours} h przed wyczerpaniem pakietu",
            "Dzień dobry,\n\nproponujemy doładowanie puli godzin ({organisation}).\n"
            "{explanation}\n\nOfertę można przyjąć lub odrzucić w portalu do {expires}: "
            "{offer_url}\n",
        ),
        "en": (
            "A top-up offer: {hours} h before your package runs out",
            "Hello,\n\nwe offer a top-up of your hours ({organisation}).\n"
            "{explanation}\n\nAccept or decline it in the portal until {expires}: "
            "{offer_url}\n",
        ),
    },
}


def names(text: str) -> list[str]:
    """The placeholders of ``text``; ValueError when it is not a template at all."""
    found = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        # An unpaired brace: Python's own message is English and technical.
        raise ValueError("{" if text.count("{") > text.count("}") else "}") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            shown = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError("{" + shown + "}")
        found.append(field)
    return found


def problem(kind: str, text: str) -> str:
    """Why ``text`` cannot be this kind's template, in the reader's language; ""
    when it can."""
    allowed = PLACEHOLDERS.get(kind, {})
    try:
        used = names(text)
    except ValueError as exc:
        return _(
            "A placeholder is written {name}, with a name only; "
            "write {{ or }} for a brace. Not accepted: %(field)s"
        ) % {"field": str(exc)}
    unknown = sorted({n for n in used if n not in allowed})
    if unknown:
        return _("Unknown placeholder %(unknown)s. This kind accepts: %(allowed)s") % {
            "unknown": ", ".join("{" + n + "}" for n in unknown),
            "allowed": ", ".join("{" + n + "}" for n in allowed),
        }
    return ""


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced; one a template no longer accepts (a
    template stored before the check) is left as written rather than failing a send."""
    out = []
    for literal, field, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(values.get(field, "{" + field + "}"))
    return "".join(out)


def sample(kind: str) -> dict[str, str]:
    """Values for the admin's preview."""
    return {
        "contact_name": "Anna Nowak",
        "organisation": "Urząd Gminy Przykładowo",
        "reference": "T-2026-00042",
        "subject": _("The report prints blank pages"),
        "ticket_url": "https://desk.example/portal/tickets/42/",
        "deadline": "2026-12-07 12:00",
        "bank": _("prepaid package"),
        "percent": "80",
        "used": "8.0",
        "left": "2.0",
        "expires": "2026-12-31",
        "period": "2026-11",
        "document_url": "https://desk.example/portal/statements/7/",
        "status": _("accepted"),
        "answer": _("The call took 15 minutes; the statement was issued again."),
        "explanation": _(
            "Used 14 h in the last 30 days; 6 h left, runs out about 12 Dec; offered 10 h "
            "(1 package of KJM-PACKAGE) at 1,500.00 PLN net, valid until 15 Dec 2026 10:00."
        ),
        "hours": "10",
        "price": "1500.00 PLN",
        "offer_url": "https://desk.example/portal/hours/",
    }
