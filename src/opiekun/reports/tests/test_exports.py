"""Large reports as background exports (issue 20, item 4): a report above the row
threshold is asked for with a POST and becomes a job the worker writes a chunk at a
time, counting progress; the requester (or a support manager) downloads the file when
it is ready, anyone else gets 404; old files expire with the retention job."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from opiekun.celery import app
from opiekun.core import exports
from opiekun.core.models import AuditEvent
from opiekun.datastore import Retention
from opiekun.lifecycle import actions as lifecycle
from opiekun.reports import export_work, exporting, exportjobs, tables
from opiekun.reports.models import ExportJob
from opiekun.reports.tests.conftest import OCTOBER
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import PASSWORD, Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db

SLA = {"from": "2026-10", "to": "2026-10"}


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every report counts as large, and the file is written a row at a time."""
    monkeypatch.setattr(exportjobs, "INLINE_ROWS", 0)
    monkeypatch.setattr(exportjobs, "CHUNK", 1)


@pytest.fixture
def eager() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def requested(client: Client, key: str, fmt: str, capture: Any, **form: str) -> Any:
    with capture(execute=True):
        return client.post(f"/console/reports/{key}/export", {**form, "format": fmt})


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_issue_20_item_4_a_large_report_is_written_in_the_background_and_downloaded(
    office: Personas, large: None, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    agent = client_of(office, "agent")
    sent = requested(agent, "sla", "csv", django_capture_on_commit_callbacks, **SLA)
    assert sent.status_code == 302 and sent["Location"] == "/console/reports/exports/"
    job = ExportJob.objects.get()
    assert (job.kind, job.format, job.parameters) == ("sla", "csv", SLA)
    assert (job.status, job.done, job.total, job.attempt) == ("ready", 2, 2, 1)
    assert job.requested_by == office.agent.user and job.filename == "sla-2026-10-2026-10.csv"
    listed = agent.get("/console/reports/exports/").content.decode()
    assert f"/console/reports/exports/{job.pk}/file" in listed and "every 2s" not in listed
    got = agent.get(f"/console/reports/exports/{job.pk}/file")
    assert got["Content-Disposition"] == 'attachment; filename="sla-2026-10-2026-10.csv"'
    whole = tables.sla_report(OCTOBER, OCTOBER)
    assert body(got) == whole.export("csv")  # the same file as the one made at once
    assert [r[1] for r in rows_of(whole.export("csv"))[1:]] == ["Firma A", "Firma B"]
    kinds = list(
        AuditEvent.objects.filter(subject_type="reports.exportjob")
        .order_by("pk")
        .values_list("kind")
    )
    assert kinds == [("export.requested",), ("export.ready",)]


def test_issue_20_item_4_xlsx_export_has_typed_cells(
    office: Personas, large: None, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    agent = client_of(office, "agent")
    requested(agent, "sla", "xlsx", django_capture_on_commit_callbacks, **SLA)
    job = ExportJob.objects.get()
    assert job.status == "ready" and job.size > 0
    book = openpyxl.load_workbook(
        io.BytesIO(body(agent.get(f"/console/reports/exports/{job.pk}/file")))
    )
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    expected = tables.sla_report(OCTOBER, OCTOBER).rows
    assert len(rows) == len(expected) + 1 and job.total == len(expected) == 2
    assert [r[1] for r in rows[1:]] == ["Firma A", "Firma B"]
    assert [list(r) for r in rows[1:]] == [[c if c != "" else None for c in r] for r in expected]


def test_issue_20_item_4_the_progress_row_polls_until_ready(
    office: Personas, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    agent = client_of(office, "agent")
    with django_capture_on_commit_callbacks(execute=False):
        agent.post("/console/reports/sla/export", {**SLA, "format": "csv"})
    job = ExportJob.objects.get()
    row = agent.get(f"/console/reports/exports/{job.pk}/", HTTP_HX_REQUEST="true").content
    assert b'hx-trigger="every 2s"' in row and b'data-status="queued"' in row
    not_yet = agent.get(f"/console/reports/exports/{job.pk}/file", follow=True)
    assert "not ready" in not_yet.content.decode() or "nie jest gotowy" in not_yet.content.decode()
    export_work.perform(job.pk)
    row = agent.get(f"/console/reports/exports/{job.pk}/", HTTP_HX_REQUEST="true").content
    assert b"hx-trigger" not in row and b'data-status="ready"' in row and b'value="2"' in row


def test_issue_20_item_4_only_the_requester_or_a_manager_sees_an_export(
    office: Personas, large: None, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    requested(client_of(office, "agent"), "sla", "csv", django_capture_on_commit_callbacks, **SLA)
    job = ExportJob.objects.get()
    urls = [
        f"/console/reports/exports/{job.pk}/",
        f"/console/reports/exports/{job.pk}/file",
        f"/api/v1/exports/{job.pk}",
        f"/api/v1/exports/{job.pk}/file",
    ]
    # The account manager persona is staff but not a support manager: not theirs.
    for who in ("account_manager", "customer_a", "customer_b", "outsider"):
        client = client_of(office, who)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        if who != "account_manager":
            assert client.post("/console/reports/sla/export", SLA).status_code == 404, who
            assert client.get("/console/reports/exports/").status_code == 404, who
    assert (
        "sla-2026-10"
        not in client_of(office, "account_manager")
        .get("/console/reports/exports/")
        .content.decode()
    )
    boss = staff_actions.create_staff_member(
        "p-boss",
        full_name="Szef",
        email="boss@vendor.example",
        password=PASSWORD,
        roles=("manager",),
    )
    manager = Client()
    verified_login(manager, boss.user)
    assert body(manager.get(f"/console/reports/exports/{job.pk}/file")).startswith(b"\xef\xbb\xbf")
    assert ExportJob.objects.count() == 1


def test_issue_20_item_4_a_small_report_still_downloads_at_once(office: Personas) -> None:
    agent = client_of(office, "agent")
    posted = agent.post("/console/reports/sla/export", {**SLA, "format": "csv"})
    assert posted["Content-Disposition"] == 'attachment; filename="sla-2026-10-2026-10.csv"'
    assert agent.get("/console/reports/sla/", {**SLA, "format": "csv"})["Content-Type"].startswith(
        "text/csv"
    )
    assert not ExportJob.objects.exists()


def test_issue_20_item_4_a_get_of_a_large_report_starts_no_job(
    office: Personas, large: None
) -> None:
    """A GET never writes: the old ?format= link of a large report shows the page with
    the way to the export instead of a file."""
    agent = client_of(office, "agent")
    shown = agent.get("/console/reports/sla/", {**SLA, "format": "csv"})
    assert shown.status_code == 200 and "Content-Disposition" not in shown
    assert "console:report-export" not in shown.content.decode()
    assert 'action="/console/reports/sla/export"' in shown.content.decode()
    pdf = agent.post("/console/reports/sla/export", {**SLA, "format": "pdf"}, follow=True)
    assert "PDF" in pdf.content.decode() and not ExportJob.objects.exists()


def test_issue_20_item_4_a_later_delivery_takes_the_job_over(
    office: Personas, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = exporting.request_export("sla", "csv", SLA, actor=office.agent.user)
    real_write = exports.SheetWriter.write

    def overtaken(self: exports.SheetWriter, rows: Any) -> None:
        # Another delivery of the task takes the job while this one writes.
        ExportJob.objects.filter(pk=job.pk).update(attempt=5)
        real_write(self, rows)

    monkeypatch.setattr(exports.SheetWriter, "write", overtaken)
    assert export_work.perform(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.attempt, job.file.name) == ("running", 5, "")
    monkeypatch.setattr(exports.SheetWriter, "write", real_write)
    done = export_work.perform(job.pk)
    assert done is not None and (done.status, done.attempt, done.done) == ("ready", 6, 2)
    assert export_work.perform(job.pk) is None  # a finished job is not written twice


def test_issue_20_item_4_old_export_files_expire_with_the_retention_job(
    office: Personas, large: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RETENTION = Retention(0, 0, 0, export_days=7)
    old = exporting.request_export("sla", "csv", SLA, actor=office.agent.user)
    new = exporting.request_export("sla", "xlsx", SLA, actor=office.agent.user)
    for job in (old, new):
        export_work.perform(job.pk)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    old.refresh_from_db()
    name = old.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        done = lifecycle.apply_retention()
    assert done.exports == 1 and "report exports: 1 file(s)" in "; ".join(done.lines())
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.file.name) == ("expired", "") and not default_storage.exists(name)
    assert new.status == "ready" and default_storage.exists(new.file.name)
    gone = client_of(office, "agent").get(f"/api/v1/exports/{old.pk}/file")
    assert gone.status_code == 400 and gone.json()["field"] == "file"
    assert AuditEvent.objects.filter(kind="export.expired", subject_id=str(old.pk)).exists()


def test_issue_20_item_4_an_export_is_stored_on_s3(
    office: Personas, large: None, s3_bucket: str
) -> None:
    job = exporting.request_export("sla", "csv", SLA, actor=office.agent.user)
    export_work.perform(job.pk)
    job.refresh_from_db()
    assert job.status == "ready" and job.file.name.startswith("exports/")
    got = client_of(office, "agent").get(f"/console/reports/exports/{job.pk}/file")
    assert body(got) == tables.sla_report(OCTOBER, OCTOBER).export("csv")


def test_issue_20_item_4_the_api_requests_follows_and_downloads_an_export(
    office: Personas, large: None, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    agent = client_of(office, "agent")
    with django_capture_on_commit_callbacks(execute=True):
        made = agent.post(
            "/api/v1/exports",
            {"kind": "sla", "format": "csv", "first_month": "2026-10", "last_month": "2026-10"},
            content_type="application/json",
        )
    assert made.status_code == 202 and made.json()["status"] == "queued"
    one = agent.get(f"/api/v1/exports/{made.json()['id']}").json()
    assert (one["status"], one["done"], one["total"]) == ("ready", 2, 2)
    assert one["download"] == f"/api/v1/exports/{one['id']}/file"
    assert rows_of(body(agent.get(one["download"])))[1][1] == "Firma A"
    assert agent.get("/api/v1/exports").json()["count"] == 1
    bad = agent.post(
        "/api/v1/exports",
        {"kind": "sla", "first_month": "2026-11", "last_month": "2026-10"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "to"
    month = agent.post(
        "/api/v1/exports", {"kind": "hours", "month": "2026-13"}, content_type="application/json"
    )
    assert month.status_code == 400 and month.json()["field"] == "month"
    kind = agent.post("/api/v1/exports", {"kind": "register"}, content_type="application/json")
    assert kind.status_code in (400, 422) and ExportJob.objects.count() == 1


def test_the_account_manager_persona_is_no_support_manager(office: Personas) -> None:
    # The access test above relies on it.
    assert not StaffMember.objects.get(pk=office.account_manager.pk).is_manager
