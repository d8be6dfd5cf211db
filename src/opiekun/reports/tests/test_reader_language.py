"""Issue 16, item 7: what a page shows is in the reader's language. Statement lines and
bank names are stored in English (immutable documents, ledger reasons) and read again in
the reader's language; holidays are named in it; refusals never show a field's name.
Walked with the demo's data, in Polish and in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from opiekun.catalog.calendars import upcoming_holidays
from opiekun.catalog.models import WorkingCalendar
from opiekun.contracts.models import Statement
from opiekun.core.forms import sentence
from opiekun.customers.models import Contact
from opiekun.demo import load as demo
from opiekun.reports import wording
from opiekun.staff.models import StaffMember
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db

# Words of the stored English that must not reach a Polish page.
ENGLISH = ("Used from the", "monthly allotment", "package of", "beyond the banks", "not drawn")


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def _contact_client(login: str, language: str) -> Client:
    Contact.objects.filter(user__username=login).update(language=language)
    client = Client()
    client.force_login(User.objects.get(username=login))
    return client


def _staff_client(language: str) -> Client:
    StaffMember.objects.filter(user__username="kierownik").update(language=language)
    client = Client()
    verified_login(client, User.objects.get(username="kierownik"))
    return client


@pytest.fixture
def demo_data(presets: None) -> Iterator[None]:
    demo.load_demo()
    yield
    # A request leaves its reader's language active in the thread; later tests expect
    # the site's default.
    translation.activate(settings.LANGUAGE_CODE)


def test_statement_lines_and_banks_read_in_the_readers_language(demo_data: None) -> None:
    statement = Statement.objects.get(contract__organisation__short_name="mewa")
    assert statement.lines.filter(description__startswith="Used from the").exists()
    url = f"/portal/statements/{statement.pk}/"
    polish = _text(_contact_client("mewa", "pl").get(url))
    assert "Wykorzystano (pula miesięczna 2026-10): 120 min" in polish
    assert not [word for word in ENGLISH if word in polish]
    english = _text(_contact_client("mewa", "en").get(url))
    assert "Used from the monthly allotment 2026-10: 120 min" in english
    assert "pula miesięczna" not in english and "Wykorzystano" not in english
    # The stored document stays as issued (its hash covers these words).
    assert statement.lines.filter(description__startswith="Used from the").exists()


def test_the_hours_report_names_banks_in_the_readers_language(demo_data: None) -> None:
    polish = _text(_staff_client("pl").get("/console/reports/hours/?month=2026-10"))
    assert "pakiet z 2026-10-05" in polish and "package of" not in polish
    english = _text(_staff_client("en").get("/console/reports/hours/?month=2026-10"))
    assert "package of 2026-10-05" in english and "pakiet z" not in english


def test_the_consoles_tabs_follow_the_reader(demo_data: None) -> None:
    polish = _text(_staff_client("pl").get("/console/"))
    assert "Wszystkie" in polish and "Moi klienci" in polish and "My customers" not in polish
    english = _text(_staff_client("en").get("/console/"))
    assert "My customers" in english and "Moi klienci" not in english
    reports = _text(_staff_client("en").get("/console/reports/sla/"))
    assert "Backlog" in reports and "Zaległości" not in reports


def test_holidays_are_named_in_the_readers_language(demo_data: None) -> None:
    calendar = WorkingCalendar.objects.filter(observes_holidays=True, holiday_country="PL").first()
    assert calendar is not None
    today = dt.date(2026, 12, 1)
    with translation.override("pl"):
        polish = dict(upcoming_holidays(calendar, today=today))
    with translation.override("en"):
        english = dict(upcoming_holidays(calendar, today=today))
    assert polish[dt.date(2026, 12, 25)] == "Boże Narodzenie (pierwszy dzień)"
    assert english[dt.date(2026, 12, 25)] == "Christmas Day"
    # R-CAL: 24 December is a holiday in Poland from 2025.
    assert dt.date(2026, 12, 24) in english and dt.date(2027, 1, 6) in english
    assert dt.date(2027, 2, 1) not in english  # past the 60 days


@pytest.mark.parametrize(
    ("language", "words"),
    [("pl", "nie jest miesiącem w postaci 2026-11"), ("en", "is not a month like 2026-11")],
)
def test_a_refusal_never_shows_a_field_name(demo_data: None, language: str, words: str) -> None:
    page = _text(_staff_client(language).get("/console/dashboards/?month=2026-13"))
    assert words in page and "month:" not in page


def test_sentence_drops_only_an_identifier() -> None:
    assert sentence("period: this month is not over yet") == "this month is not over yet"
    assert sentence("Ticket KJM/1: closed") == "Ticket KJM/1: closed"
    assert wording.line("Konfiguracja kuriera: drukarka") == "Konfiguracja kuriera: drukarka"
