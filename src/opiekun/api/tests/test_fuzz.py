"""No input gives a 5xx (issue 13): schemathesis over every API operation, as staff and
as a customer, on whichever database the suite runs on."""

from __future__ import annotations

import os

import pytest

from opiekun.api.tests.fuzzing import fuzz, make_scene
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db
# Generated calls per operation and mode (valid, invalid): about a thousand per persona
# keep CI within a minute or two a database; bench/fuzz_api.py runs thousands.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_it_answers_no_server_error_to_generated_calls(
    contracted_personas: Personas, who: str
) -> None:
    scene = make_scene(contracted_personas)
    tally = fuzz(scene.headers(who), scene.ids, examples=EXAMPLES)
    print(tally.line(who))
    assert tally.calls > 0
    assert not tally.server_errors, "\n".join(tally.server_errors)
