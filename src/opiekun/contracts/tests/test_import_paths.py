"""The import's three doors (issue 17, item 8): the console page (upload, errors,
confirm), the API route and the command. Managers only; nothing written until right."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from opiekun.contracts.imports import reading
from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db

HEADER = ";".join(reading.COLUMNS)
GOOD = (
    HEADER + "\r\n"
    "alfa;Alfa;;;;;Anna;anna@alfa.example;601234567;K/1;KJM-CARE;2024-01-01;;;;\r\n"
    "beta;Beta;;;;;Ewa;ewa@beta.example;;;;;;;;\r\n"
    "gamma;Gamma;;;;;;;;;;;;;;\r\n"
).encode()
BAD = (HEADER + "\r\nalfa;Alfa;;;;;;;;K/1;NOPLAN;2024-01-01;;;;\r\n").encode()


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas()


@pytest.fixture
def manager(people: Personas) -> Client:
    member = people.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def _upload(data: bytes, name: str = "klienci.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_console_lists_the_errors_then_imports_a_right_file_on_confirm(manager: Client):
    template = manager.get("/console/import/template")
    assert template.status_code == 200 and template.content == reading.template()

    bad = manager.post("/console/import/check", {"file": _upload(BAD)}).content.decode()
    assert 'id="import-problems"' in bad and "NOPLAN" in bad and 'name="payload"' not in bad
    assert not Organisation.objects.filter(short_name="alfa").exists()

    good = manager.post("/console/import/check", {"file": _upload(GOOD)}).content.decode()
    assert (
        'id="import-preview"' in good
        and not Organisation.objects.filter(short_name="alfa").exists()
    )
    payload = good.split('name="payload" value="', 1)[1].split('"', 1)[0]
    done = manager.post("/console/import/confirm", {"payload": payload, "filename": "klienci.csv"})

    assert done.status_code == 302
    assert set(
        Organisation.objects.filter(short_name__in=["alfa", "beta", "gamma"]).values_list(
            "short_name", flat=True
        )
    ) == {"alfa", "beta", "gamma"}
    assert Contract.objects.get(number="K/1").organisation.short_name == "alfa"


def test_console_confirm_with_a_broken_payload_imports_nothing(manager: Client):
    page = manager.post("/console/import/confirm", {"payload": "!!", "filename": "x.csv"})
    assert page.status_code == 200 and 'id="import-problems"' in page.content.decode()


def test_agents_and_customers_get_404(people: Personas):
    agent = Client()
    verified_login(agent, people.agent.user)
    customer = Client()
    customer.force_login(people.user("customer_a"))
    for client in (agent, customer):
        assert client.get("/console/import/").status_code == 404
        assert client.post("/console/import/check", {"file": _upload(GOOD)}).status_code == 404
        assert (
            client.post(
                "/api/v1/imports/customers?dry_run=false", {"file": _upload(GOOD)}
            ).status_code
            == 404
        )
    assert not Organisation.objects.filter(short_name="alfa").exists()


def test_api_dry_run_then_import(manager: Client):
    dry = manager.post("/api/v1/imports/customers", {"file": _upload(GOOD)})
    assert dry.status_code == 200 and dry.json()["organisations"] == 3
    assert not Organisation.objects.filter(short_name="alfa").exists()

    bad = manager.post("/api/v1/imports/customers?dry_run=false", {"file": _upload(BAD)})
    assert bad.status_code == 200 and bad.json()["imported"] is False
    # In the reader's language: Polish by default, English when asked.
    assert bad.json()["problems"][0] == {
        "row": 2,
        "column": "plan",
        "message": "nie ma planu o kodzie 'NOPLAN'",
    }
    english = manager.post(
        "/api/v1/imports/customers?dry_run=false",
        {"file": _upload(BAD)},
        headers={"accept-language": "en"},
    )
    assert english.json()["problems"][0]["message"] == "no plan with the code 'NOPLAN'"

    done = manager.post("/api/v1/imports/customers?dry_run=false", {"file": _upload(GOOD)})
    assert done.status_code == 201 and done.json()["imported"] is True
    assert Organisation.objects.filter(short_name="gamma").exists()


def test_command_dry_run_writes_nothing_and_errors_exit_1(people: Personas, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)

    call_command("import", "customers", str(good), "--dry-run")
    assert "would import: 3 organisations" in capsys.readouterr().out
    assert not Organisation.objects.filter(short_name="alfa").exists()
    with pytest.raises(CommandError) as refused:
        call_command("import", "customers", str(bad))
    assert refused.value.returncode == 1
    assert "row 2, plan:" in capsys.readouterr().err
    with pytest.raises(CommandError) as missing:
        call_command("import", "customers", str(tmp_path / "none.csv"))
    assert missing.value.returncode == 2

    call_command("import", "customers", str(good))
    assert Organisation.objects.filter(short_name="gamma").exists()
