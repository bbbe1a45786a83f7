"""The API's answers that are the record's views are derived from those views: each
publishes exactly the view's fields (less what it leaves out on purpose), so a field
added to a view reaches the API without a second copy to keep in step."""

from __future__ import annotations

import dataclasses

import pytest

from fiveguard.store import accounts, assessments, envelopes, evidence_records, slices, snapshots
from fiveguard.store.chain import Link
from fiveguard.web import schemas
from fiveguard.web.jobs import JobView

DERIVED = [
    (schemas.OrganisationOut, accounts.OrganisationView, set()),
    (schemas.SnapshotOut, snapshots.SnapshotView, set()),
    (schemas.RunOut, assessments.RunView, {"inputs"}),
    (schemas.JobOut, JobView, set()),
    (schemas.EvidenceOut, evidence_records.EvidenceView, set()),
    (schemas.EnvelopeOut, envelopes.EnvelopeView, set()),
    (schemas.AuditRowOut, Link, set()),
    (schemas.TokenOut, accounts.TokenView, set()),
    (schemas.SliceOut, slices.SliceView, set()),
]


@pytest.mark.parametrize(
    ("out", "view", "left_out"), DERIVED, ids=lambda v: getattr(v, "__name__", "")
)
def test_an_answer_has_exactly_its_views_fields(out: type, view: type, left_out: set[str]) -> None:
    expected = [f.name for f in dataclasses.fields(view) if f.name not in left_out]
    assert list(out.model_fields) == expected


def test_a_field_added_to_a_view_is_published() -> None:
    @dataclasses.dataclass(frozen=True)
    class Thing:
        id: int
        note: str | None = None

    model = schemas.derived(Thing)
    assert model.model_validate(dataclasses.asdict(Thing(1, "x"))).model_dump() == {
        "id": 1,
        "note": "x",
    }
    assert model.model_json_schema()["required"] == ["id"]
