"""`opiekun sla due`: the deadline, when the clock starts and why, as text or JSON."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def sla_due(*args: str) -> str:
    out = io.StringIO()
    call_command("sla", "due", *args, stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object(presets: None) -> None:
    data = json.loads(sla_due("--plan", "SHIP-START", "--received", "2026-11-20T15:30", "--json"))
    assert data == {
        "plan": "SHIP-START",
        "received_at": "2026-11-20T15:30:00+01:00",
        "clock_starts_at": "2026-11-20T15:30:00+01:00",
        "due_at": "2026-11-23T15:30:00+01:00",
        "guaranteed": True,
        "explanation": data["explanation"],
    }
    assert data["explanation"][-1] == "Reaction due Mon 2026-11-23 15:30."


def test_it_reads_offsets_and_crosses_dst(presets: None) -> None:
    data = json.loads(
        sla_due(
            "--plan",
            "SHIP-PREMIUM",
            "--received",
            "2026-03-28T22:00:00Z",
            "--channel",
            "email",
            "--json",
        )
    )
    assert data["received_at"] == "2026-03-28T23:00:00+01:00"
    assert data["guaranteed"] is False  # PREMIUM targets are individual: none by default


def test_it_explains_no_guarantee(presets: None) -> None:
    data = json.loads(
        sla_due(
            "--plan", "SHIP-START", "--received", "2026-11-20T15:30", "--channel", "phone", "--json"
        )
    )
    assert data["due_at"] is None
    assert data["guaranteed"] is False
    assert "only for tickets sent by e-mail" in data["explanation"][-1]


def test_it_prints_text(presets: None) -> None:
    text = sla_due("--plan", "KJM-CARE", "--received", "2026-11-21T21:30", "--severity", "critical")
    assert text.splitlines()[:2] == [
        "clock starts: Sat 2026-11-21 21:30",
        "reaction due: Sun 2026-11-22 08:30",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "ACME", "--received", "2026-11-20T15:30"], "unknown plan 'ACME'"),
        (
            ["--plan", "SHIP-START", "--received", "Friday"],
            "--received: 'Friday' is not an ISO 8601 moment",
        ),
    ],
)
def test_bad_input_is_one_clear_error_with_exit_2(
    presets: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as exc:
        sla_due(*args)
    assert exc.value.returncode == 2
