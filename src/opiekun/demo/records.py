"""The demo's records: staff, customers on the seed plans, tickets, work, knowledge.

Plain data, keyed on natural keys (username, short name, contract number, ticket subject)
so that `load.load_demo` finds what a first run created and changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    who: str


# Demo NIPs of the customers (gap 2): an invoice's buyer needs one. Check digits are
# right so invoicing can be tried; runs of ones (1111111...) mark them as made up.
TAX_IDS = {
    "nowak": "1111111068",
    "lis": "1111111074",
    "mewa": "1111111080",
    "ug-debnica": "1111111097",
    "bor": "1111111105",
    "sosna": "1111111128",
}

STAFF = [
    # username, full name, roles, mobile, password
    ("kierownik", "Krystyna Kierownik", ("manager", "agent"), "", "demo-kierownik"),
    ("opiekun", "Olaf Opiekun", ("account_manager", "agent"), "+48600100200", "demo-opiekun"),
    ("agent", "Anna Agentka", ("agent",), "", "demo-agent"),
    ("dyzurny", "Dariusz Dyżurny", ("agent", "on_call"), "+48600100300", "demo-dyzurny"),
]

CUSTOMERS = [
    # short name, name, kind, plan, contract number, start, seats, price, contact, e-mail,
    # phone, portal login, single point of contact
    (
        "nowak",
        "Hurtownia Nowak sp. z o.o.",
        "company",
        "KJM-CARE",
        "KJM/OA/2026/001",
        dt.date(2026, 1, 1),
        1,
        Decimal("650.00"),
        "Jan Nowak",
        "jan.nowak@nowak.example",
        "+48601111111",
        "nowak",
        False,
    ),
    (
        "lis",
        "Biuro Rachunkowe Lis",
        "company",
        "KJM-PACKAGE",
        "KJM/PK/2026/014",
        dt.date(2026, 10, 5),
        1,
        None,
        "Ewa Lis",
        "ewa@lis.example",
        "+48602222222",
        "lis",
        False,
    ),
    (
        "mewa",
        "Sklep Wysyłkowy Mewa",
        "company",
        "SHIP-START",
        "SHIP/2026/0042",
        dt.date(2026, 6, 1),
        1,
        None,
        "Marek Mewa",
        "marek@mewa.example",
        "+48603333333",
        "mewa",
        True,
    ),
    (
        "ug-debnica",
        "Urząd Gminy Dębnica",
        "public_office",
        "EKS-HOTLINE",
        "34DI/PN/2018",
        dt.date(2026, 1, 1),
        1,
        None,
        "Halina Urzędnik",
        "h.urzednik@debnica.example",
        "+48594001122",
        "debnica",
        False,
    ),
    (
        "bor",
        "Magazyny Bór",
        "company",
        "PWSK-SUPERVISION",
        "PWSK/N/2026/007",
        dt.date(2026, 3, 1),
        3,
        None,
        "Piotr Bór",
        "piotr@bor.example",
        "+48604444444",
        "bor",
        False,
    ),
    (
        "sosna",
        "Fabryka Okien Sosna",
        "company",
        "MER-SOS",
        "SOS/2026/019",
        dt.date(2026, 2, 1),
        1,
        Decimal("1200.00"),
        "Zofia Sosna",
        "zofia@sosna.example",
        "+48605555555",
        "sosna",
        False,
    ),
]

TICKETS = [
    # organisation, contact's portal login, channel, severity, subject, received (Warsaw)
    (
        "nowak",
        "nowak",
        "mobile",
        "normal",
        "Rozdzielenie lat w F-K",
        dt.datetime(2026, 11, 16, 9, 15, tzinfo=WARSAW),
    ),
    (
        "nowak",
        "nowak",
        "email",
        "critical",
        "Kadry-Płace nie uruchamia się na żadnym stanowisku",
        dt.datetime(2026, 11, 20, 20, 40, tzinfo=WARSAW),
    ),
    (
        "lis",
        "lis",
        "email",
        "normal",
        "Korekta raportu VAT po błędzie operatora",
        dt.datetime(2026, 11, 18, 17, 5, tzinfo=WARSAW),
    ),
    (
        "mewa",
        "mewa",
        "email",
        "normal",
        "Etykiety kuriera drukują się obrócone",
        dt.datetime(2026, 11, 20, 15, 30, tzinfo=WARSAW),
    ),
    (
        "ug-debnica",
        "debnica",
        "fax",
        "normal",
        "Gdzie znaleźć rejestr decyzji?",
        dt.datetime(2026, 11, 19, 16, 20, tzinfo=WARSAW),
    ),
    (
        "bor",
        "bor",
        "phone",
        "high",
        "Kolektor danych nie łączy się z programem",
        dt.datetime(2026, 11, 17, 10, 0, tzinfo=WARSAW),
    ),
]


WORK = [
    # ticket subject, kind, raw minutes, started (Warsaw)
    (
        "Etykiety kuriera drukują się obrócone",
        "phone",
        17,
        dt.datetime(2026, 11, 20, 15, 40, tzinfo=WARSAW),
    ),
    (
        "Korekta raportu VAT po błędzie operatora",
        "remote",
        40,
        dt.datetime(2026, 11, 19, 9, 0, tzinfo=WARSAW),
    ),
    (
        "Kolektor danych nie łączy się z programem",
        "remote",
        95,
        dt.datetime(2026, 11, 17, 10, 30, tzinfo=WARSAW),
    ),
]


# October's work for Mewa (SHIP START), so November's portal has a statement to approve.
OCTOBER_WORK = (
    "Konfiguracja kuriera InPost",
    dt.datetime(2026, 10, 14, 10, 0, tzinfo=WARSAW),
    [("phone", 25), ("remote", 70)],
)

ARTICLES = [
    # vendor code, title, question, answer, documentation reference
    (
        "kjm",
        "Rozdzielenie lat obrachunkowych w F-K",
        "Jak rozdzielić bazę F-K na dwa lata obrachunkowe?",
        "Zamknij rok w menu Rok → Zamknięcie roku; program utworzy nowy rok z bilansem "
        "otwarcia. Poprzedni rok pozostaje do odczytu.",
        "Podręcznik F-K, rozdz. 7.3",
    ),
    (
        "ship",
        "Etykiety kuriera drukują się obrócone",
        "Etykieta drukuje się obrócona o 90 stopni.",
        "W ustawieniach drukarki wybierz orientację pionową i format 100 x 150 mm; "
        "w programie: Ustawienia → Wydruk → Etykiety → Obrót 0°.",
        "Podręcznik użytkownika, rozdz. 4.2",
    ),
    (
        "eks",
        "Gdzie znaleźć rejestr decyzji?",
        "",
        "Rejestr decyzji jest w menu Rejestry → Decyzje; filtr dat zawęża wydruk do okresu.",
        "Instrukcja administratora, s. 41",
    ),
]

FORUM = (
    "ship",
    "mewa",
    "Jak drukować etykiety A6 na arkuszu A4?",
    "Mam tylko drukarkę laserową A4. Czy da się drukować 4 etykiety na arkuszu?",
    "Tak: Ustawienia → Wydruk → Etykiety → Układ 2 x 2 na A4.",
)
