"""Property-based fuzzing of the whole API with schemathesis, as one persona: every
operation of /api/v1/openapi.json gets generated calls, valid and invalid, sent to the
WSGI app in this process; a call answered 5xx is a server error (schemathesis'
``not_a_server_error`` check). Used by ``test_fuzz.py`` (small, both databases in CI)
and by ``bench/fuzz_api.py`` (thousands of calls a persona).

Path ids are drawn mostly from rows that exist, so the calls get past the 404 of a
missing ticket into the code that reads and writes it; the rest are generated."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

SCHEMA_PATH = "/api/v1/openapi.json"


@dataclass
class Tally:
    """What one persona's run saw."""

    calls: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def line(self, who: str) -> str:
        spread = " ".join(f"{code}:{n}" for code, n in sorted(self.statuses.items()))
        return f"{who}: {self.calls} calls, {len(self.server_errors)} server errors ({spread})"


@contextlib.contextmanager
def same_transaction() -> Iterator[None]:
    """As Django's test client does: a request must not close the connection a test's
    transaction lives on."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _strategy(operation: Any, mode: GenerationMode, ids: dict[str, list[int]]) -> Any:
    generated = operation.as_strategy(generation_mode=mode)
    known = {
        name: values for name, values in ids.items() if values and name in operation.path_parameters
    }
    if not known:
        return generated
    fixed = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
    existing = fixed.flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
    )
    # Mostly real rows (deep code), sometimes generated ids (404s, bounds).
    return st.one_of(existing, existing, existing, generated)


def fuzz(
    headers: dict[str, str],
    ids: dict[str, list[int]],
    *,
    examples: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    app: Any = None,
) -> Tally:
    """``examples`` generated calls per operation and mode, sent with ``headers``."""
    app = app or WSGIHandler()
    tally = Tally()
    with same_transaction():
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]
            takes = any(True for _ in operation.iter_parameters()) or bool(operation.body)
            for mode in modes:
                if takes or mode is GenerationMode.POSITIVE:  # nothing to make invalid
                    _run(operation, mode, ids, headers, examples, tally)
    return tally


def _run(
    operation: Any,
    mode: GenerationMode,
    ids: dict[str, list[int]],
    headers: dict[str, str],
    examples: int,
    tally: Tally,
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, mode, ids))
    def call(case: Any) -> None:
        # Inside a test's transaction, a savepoint a call: on PostgreSQL one failed
        # statement would otherwise abort the transaction every later call runs in.
        savepoint = transaction.savepoint() if connection.in_atomic_block else None
        response = case.call(headers=headers)
        if savepoint is not None and response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        elif savepoint is not None:
            transaction.savepoint_commit(savepoint)
        tally.calls += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except FailureGroup:
            body = response.content[:300].decode("utf-8", "replace")
            tally.server_errors.append(
                f"{operation.label} [{mode}] -> {response.status_code}: {body}\n"
                f"  {case.as_curl_command(headers=headers)}"
            )

    with contextlib.suppress(Unsatisfiable):
        # Some combinations have nothing invalid to generate; the others still ran.
        call()


@dataclass
class Scene:
    """Rows the fuzzer's path ids point at, and a bearer token per persona."""

    ids: dict[str, list[int]]
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def make_scene(p: Any) -> Scene:
    """Tickets of both customers with a thread, work, a session and an attachment, on
    the personas of ``contracted_personas``."""
    import datetime as dt

    from django.utils import timezone

    from opiekun.core import tokens
    from opiekun.tickets import actions, attachments

    tickets = []
    for org, contact in ((p.org_a, p.customer_a), (p.org_b, p.customer_b)):
        for channel in ("email", "portal", "phone"):
            tickets.append(
                actions.open_ticket(
                    org, channel=channel, subject=f"Pytanie {channel}", contact=contact
                )
            )
    first = tickets[0]
    actions.answer(first, staff=p.agent, body="Odpowiedź.")
    actions.add_note(first, staff=p.agent, body="Notatka.")
    actions.log_work(first, staff=p.agent, kind="phone", raw_minutes=15)
    start = timezone.now() + dt.timedelta(days=1)
    actions.book_remote_session(
        first, staff=p.agent, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    stored = attachments.store(first, "log.txt", b"log", actor=None)
    return Scene(
        ids={
            "ticket_id": [t.pk for t in tickets],
            "organisation_id": [p.org_a.pk, p.org_b.pk],
            "attachment_id": [stored.pk],
        },
        tokens={
            "staff": tokens.create_token(p.agent.user, "fuzz")[1],
            "customer": tokens.create_token(p.user("customer_a"), "fuzz")[1],
        },
    )
