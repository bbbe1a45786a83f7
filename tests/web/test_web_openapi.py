"""schemathesis over the API's OpenAPI document: for every operation, generated requests
(as an API token, and anonymously) get no 500 and answers that match the document.
Bounded: a few examples per operation, so it stays fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from web_world import StubJobs, build_world, fresh_record

from fiveguard.web.app import OPENAPI_URL, create_app

TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def web_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    db = fresh_record(tmp_path_factory.mktemp("openapi"))
    world = build_world(db)
    TOKEN["run"] = world.tokens["run"]
    app = create_app(db)
    app.state.jobs = StubJobs()
    yield schemathesis.openapi.from_asgi(OPENAPI_URL, app)
    db.close()


BOUNDED = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# Data the document allows may still be refused on its meaning with 422, every problem
# located (a model file that does not validate, an unknown policy or token scope); what
# is checked is no 500, and answers, status codes and headers as the document says.


def _check_every_operation(schema: Any, headers: dict[str, str]) -> int:
    """Run the bounded examples of every operation; how many operations were checked."""
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        checked += 1
    return checked


def test_the_api_answers_as_its_document_says_to_a_token(web_schema: Any) -> None:
    checked = _check_every_operation(web_schema, {"Authorization": f"Bearer {TOKEN['run']}"})
    assert checked >= 20  # every operation of the document, not an empty run


def test_the_api_answers_as_its_document_says_to_strangers(web_schema: Any) -> None:
    assert _check_every_operation(web_schema, {}) >= 20
