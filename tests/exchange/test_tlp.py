"""TLP enforced: re-sharing is a new signed envelope, refused where the label forbids it;
publishing is CLEAR counts with a minimum cell size, saying what it withheld."""

from __future__ import annotations

import datetime as dt

import pytest
from exchange_helpers import ISSUED, Ring, addressing, export_envelope, make_ring, sign_payload

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.build import statement_payload
from fiveguard.exchange.keyring import verify_keyring
from fiveguard.exchange.summary import Reshare, Section
from fiveguard.exchange.tlp import publish_counts, reshare_summary
from fiveguard.exchange.verify import Verified, verify_envelope

NOW = ISSUED + dt.timedelta(days=1)


def verify(raw: bytes, ring: Ring, as_org: str) -> Verified:
    return verify_envelope(
        raw, "in.json", verify_keyring(ring.keyring, "r"), now=NOW, as_org=as_org
    )


def received(model: NetworkModel, catalogue: Catalogue, ring: Ring, **to: object) -> Verified:
    raw = export_envelope(model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA", **to))
    return verify(raw, ring, "EU-COORD")


def reshared_bytes(original: Verified, ring: Ring, **options: object) -> tuple[bytes, list[str]]:
    summary, notes = reshare_summary(
        original,
        resharer="EU-COORD",
        recipients=["XA-NCA"],
        bundle_id="bundle-EU-1",
        sequence=1,
        issued_at=NOW,
        **options,  # type: ignore[arg-type]
    )
    payload = statement_payload(summary, original.statement.subject[0].digest["sha256"])
    return sign_payload(payload, [ring.first("EU-COORD")]), notes


def test_a_reshare_is_a_new_envelope_signed_by_the_resharer(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    original = received(small_model, catalogue, ring)
    raw, notes = reshared_bytes(original, ring)
    assert notes == []
    got = verify(raw, ring, "XA-NCA")
    assert got.organisation == "EU-COORD"
    summary = got.summary
    assert (summary.origin, summary.country, summary.recipients) == ("EU-COORD", "XS", ("XA-NCA",))
    assert summary.reshared_from == Reshare(
        origin="XS-NCA",
        bundle_id="bundle-XS-NCA-1",
        sequence=1,
        tlp=Tlp.AMBER,
        payload_sha256=original.payload_sha256,
    )
    assert summary.suppliers == original.summary.suppliers


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (Tlp.RED, "TLP:RED may not be re-shared: it goes to the named recipients only"),
        (Tlp.AMBER_STRICT, r"TLP:AMBER\+STRICT may not be re-shared"),
    ],
)
def test_strict_labels_may_not_be_reshared(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring, label: Tlp, message: str
) -> None:
    original = received(small_model, catalogue, ring, tlp=label)
    with pytest.raises(InputError, match=message):
        reshared_bytes(original, ring)


def test_strict_sections_are_withheld_from_a_reshare(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    original = received(small_model, catalogue, ring, section_tlp={Section.SUPPLIERS: Tlp.RED})
    raw, notes = reshared_bytes(original, ring)
    assert notes == [
        "withheld suppliers: TLP:RED may not be re-shared: it goes to the named recipients only"
    ]
    summary = verify(raw, ring, "XA-NCA").summary
    assert summary.suppliers is None
    assert Section.SUPPLIERS in summary.withheld
    assert summary.risk_register == original.summary.risk_register


def test_a_reshare_may_not_loosen_the_label(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    original = received(small_model, catalogue, ring)
    with pytest.raises(
        InputError, match="TLP:GREEN is less restrictive than the original's TLP:AMBER"
    ):
        reshared_bytes(original, ring, tlp=Tlp.GREEN)


def test_a_forged_reshare_of_red_is_refused_on_verification(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    """Built by hand (around the refusal), signed by a real key: verification refuses it."""
    original = received(small_model, catalogue, ring, tlp=Tlp.RED)
    forged = original.summary.model_copy(
        update={
            "origin": "EU-COORD",
            "bundle_id": "bundle-forged",
            "recipients": ("XA-NCA",),
            "tlp": Tlp.AMBER,
            "reshared_from": Reshare(
                origin="XS-NCA",
                bundle_id="bundle-XS-NCA-1",
                sequence=1,
                tlp=Tlp.RED,
                payload_sha256=original.payload_sha256,
            ),
        }
    )
    raw = sign_payload(statement_payload(forged, "0" * 64), [ring.first("EU-COORD")])
    with pytest.raises(InputError) as caught:
        verify(raw, ring, "XA-NCA")
    assert [str(p) for p in caught.value.problems] == [
        "in.json: payload.predicate.reshared_from: re-shared from XS-NCA's TLP:RED bundle "
        "bundle-XS-NCA-1: that label forbids re-sharing",
        "in.json: payload.predicate.tlp: re-shared as TLP:AMBER, less restrictive than the "
        "original's TLP:RED",
    ]


def test_publishing_counts_suppresses_small_cells_and_says_what_it_withheld(
    small_model: NetworkModel, catalogue: Catalogue, ring: Ring
) -> None:
    amber = received(small_model, catalogue, ring).summary
    red_register = received(
        small_model, catalogue, ring, section_tlp={Section.REGISTER: Tlp.RED}
    ).summary
    published = publish_counts(
        [amber, amber, red_register], publisher="EU-COORD", min_cell=3, now=NOW
    )
    assert published.tlp is Tlp.CLEAR and published.states == 3
    sm03 = next(line for line in published.measures if line.row == "SM03")
    assert sm03.counts["implemented"] == 3
    r1 = next(line for line in published.risks if line.row == "R1")
    # two states counted: every non-zero count is below the cell size of 3
    assert set(r1.counts.values()) <= {0, None} and None in r1.counts.values()
    assert "register of 1 state(s), labelled TLP:RED: not counted" in published.withheld
    assert any("suppressed (null)" in line for line in published.withheld)
    text = published.model_dump_json()
    for name in ("XS", "nordvik", "Nordvik", "EU-COORD-1"):
        assert name not in text.replace('"published_by":"EU-COORD"', "")


def test_a_reshare_by_an_operator_is_refused_on_verification(
    small_model: NetworkModel, catalogue: Catalogue
) -> None:
    ring = make_ring({"XS-NCA": 1, "XS-OP": 1, "EU-COORD": 1, "XA-NCA": 1})
    raw = export_envelope(
        small_model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA", recipients=("XS-OP",))
    )
    original = verify(raw, ring, "XS-OP")
    summary, _ = reshare_summary(
        original,
        resharer="XS-OP",
        recipients=["XA-NCA"],
        bundle_id="bundle-OP-1",
        sequence=1,
        issued_at=NOW,
    )
    payload = statement_payload(summary, original.statement.subject[0].digest["sha256"])
    with pytest.raises(InputError) as caught:
        verify(sign_payload(payload, [ring.first("XS-OP")]), ring, "XA-NCA")
    assert [str(p) for p in caught.value.problems] == [
        "in.json: signatures: XS-OP is an operator in the keyring and may not re-share a "
        "national summary; only a national-authority or eu-coordinator may"
    ]
