"""Process settings: typed readers that name the variable when a value is wrong."""

from pathlib import Path

import pytest

from opiekun.env import ConfigError, Env, parse_database_url

BASE = Path("/srv/opiekun")


def test_it_reads_a_relative_sqlite_path_under_the_base_dir() -> None:
    db = parse_database_url("DATABASE_URL", "sqlite:///var/x.sqlite3", BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/opiekun/var/x.sqlite3"
    # Web process and worker both write (ARCHITECTURE: WAL, busy timeout, IMMEDIATE).
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_it_reads_an_absolute_sqlite_path() -> None:
    assert parse_database_url("D", "sqlite:////srv/a.db", BASE)["NAME"] == "/srv/a.db"


def test_it_reads_a_postgres_url() -> None:
    db = parse_database_url(
        "D", "postgres://u:p%40ss@db.example:6543/opiekun?sslmode=require", BASE
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "opiekun",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://root@localhost/x", "unsupported database URL"),
        ("postgres://localhost:5432/", "needs a database name"),
        ("postgres://localhost:port/x", "port"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_it_names_the_variable_of_a_broken_database_url(url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as exc:
        parse_database_url("DATABASE_URL", url, BASE)
    assert str(exc.value).startswith("DATABASE_URL: ")


def test_it_reads_flags_numbers_lists_and_time_zones() -> None:
    env = Env(
        {"A": "yes", "B": "off", "N": "587", "L": "a.example, b.example,", "TZ": "Europe/Warsaw"}
    )
    assert env.flag("A", False) is True
    assert env.flag("B", True) is False
    assert env.flag("MISSING", True) is True
    assert env.number("N", 25) == 587
    assert env.items("L", []) == ["a.example", "b.example"]
    assert env.time_zone("TZ", "UTC") == "Europe/Warsaw"


@pytest.mark.parametrize(
    ("source", "read", "message"),
    [
        ({"DEBUG": "maybe"}, lambda e: e.flag("DEBUG", False), "DEBUG: expected true/false"),
        (
            {"EMAIL_PORT": "25x"},
            lambda e: e.number("EMAIL_PORT", 25),
            "EMAIL_PORT: expected a whole number",
        ),
        (
            {"EMAIL_PORT": "0"},
            lambda e: e.number("EMAIL_PORT", 25, minimum=1),
            "EMAIL_PORT: must be at least 1",
        ),
        (
            {"TIME_ZONE": "Europe/Warszawa"},
            lambda e: e.time_zone("TIME_ZONE", "UTC"),
            "TIME_ZONE: unknown time zone",
        ),
        ({}, lambda e: e.text("SECRET_KEY"), "SECRET_KEY: is required"),
        (
            {"LANGUAGE_CODE": "de"},
            lambda e: e.choice("LANGUAGE_CODE", "pl", ("pl", "en")),
            "LANGUAGE_CODE: expected one of pl, en",
        ),
    ],
)
def test_it_stops_on_a_bad_value_naming_the_variable(source, read, message) -> None:
    with pytest.raises(ConfigError, match=message):
        read(Env(source))
