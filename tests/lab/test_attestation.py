"""Signed lab attestations: built, signed, verified and recorded; every tampering refused."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.dsse import Envelope, Signature
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import KeyringBody
from fiveguard.lab.attestation import PREDICATE_TYPE, Accepted, accept, build_statement, sign
from fiveguard.modelio.lab_files import import_attestation
from fiveguard.modelio.registry_files import attestation_integrity, read_registry
from lab_world import event, finding, keyring, registry, signer, write_registry

ISSUED = dt.datetime(2026, 8, 1, 9, 0, tzinfo=dt.UTC)
NOW = ISSUED + dt.timedelta(days=1)


def check(raw: bytes, ring: KeyringBody, reg: object, **options: object) -> Accepted:
    return accept(raw, "env.json", ring, reg, now=NOW, **options)  # type: ignore[arg-type]


def attested(tlp: Tlp = Tlp.AMBER, recipients: tuple[str, ...] = (), **more: object) -> bytes:
    reg = registry()
    record = finding(affected=("9.0",), **more)  # type: ignore[arg-type]
    reg.records[record.id] = record
    draft = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [record], ISSUED, tlp, recipients)
    made, _ = signer()
    return sign(draft, made).to_json()


def messages(exc: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def test_statement_is_an_in_toto_statement_about_the_versions_digests() -> None:
    raw = attested()
    envelope = json.loads(raw)
    payload = base64.b64decode(envelope["payload"])
    statement = json.loads(payload)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == PREDICATE_TYPE
    assert statement["subject"] == [
        {"name": "korvath.gnb@9.0/gnb-9.0.img", "digest": {"sha256": "a" * 64}}
    ]
    assert canonical(statement) == payload, "the payload is RFC 8785 JSON"
    assert raw == canonical(envelope) + b"\n"


def test_a_verified_attestation_is_accepted_and_names_its_signer() -> None:
    _, trust = signer()
    accepted = check(attested(), trust, registry(), importer="xcsa")
    assert accepted.signed.organisation == "xec"
    [record] = accepted.records("attestations/x.dsse.json", dt.date(2026, 8, 2))
    assert record.attestation is not None and record.attestation.signer == "xec"


def test_a_changed_payload_is_refused() -> None:
    data = json.loads(attested())
    statement = json.loads(base64.b64decode(data["payload"]))
    statement["predicate"]["records"][0]["severity"] = "low"
    data["payload"] = base64.b64encode(canonical(statement)).decode()
    _, trust = signer()
    with pytest.raises(InputError) as exc:
        check(canonical(data), trust, registry())
    assert "does not verify" in messages(exc)


def test_an_unknown_key_is_refused() -> None:
    made, ring = signer("xec", b"someone else")
    reg = registry()
    record = finding(affected=("9.0",))
    draft = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [record], ISSUED, Tlp.AMBER)
    with pytest.raises(InputError) as exc:
        check(sign(draft, made).to_json(), ring, reg)
    assert "signatures[0]: signature by key" in messages(exc)
    assert "not a key of any organisation in the keyring (version 1)" in messages(exc)


def test_signer_must_be_the_lab_it_claims_to_be() -> None:
    reg = registry()
    record = finding(affected=("9.0",))
    draft = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [record], ISSUED, Tlp.AMBER)
    impostor, trust = signer("xtl")
    raw = sign(draft, impostor).to_json()
    with pytest.raises(InputError) as exc:
        check(raw, trust, reg)
    assert "signed by xtl, but issued as xec" in messages(exc)


def test_a_non_canonical_payload_is_refused() -> None:
    made, trust = signer()
    reg = registry()
    draft = build_statement(
        reg, "xec", "korvath.gnb", ["9.0"], [finding(affected=("9.0",))], ISSUED, Tlp.AMBER
    )
    loose = json.dumps(json.loads(draft.payload()), indent=1).encode()
    raw = made.sign(loose).to_json()
    with pytest.raises(InputError, match="RFC 8785"):
        check(raw, trust, reg)


def test_a_version_without_digests_cannot_be_attested() -> None:
    reg = registry()
    with pytest.raises(InputError, match=r"knows no artefact digest of korvath\.gnb@8\.2"):
        build_statement(reg, "xec", "korvath.gnb", ["8.2"], [finding()], ISSUED, Tlp.AMBER)


def test_a_subject_digest_the_registry_does_not_know_is_refused() -> None:
    raw = attested()
    reg = registry()
    product = reg.products["korvath.gnb"]
    versions = tuple(
        v.model_copy(
            update={"artefacts": (a.model_copy(update={"sha256": "b" * 64}) for a in v.artefacts)}
        )
        if v.version == "9.0"
        else v
        for v in product.versions
    )
    reg.products["korvath.gnb"] = product.model_copy(update={"versions": versions})
    _, trust = signer()
    with pytest.raises(InputError, match="not the build the registry knows"):
        check(raw, trust, reg)


def test_embargoed_findings_are_withheld_unless_red() -> None:
    reg = registry()
    hidden = finding("f-hidden", affected=("9.0",), embargo_until=dt.date(2026, 12, 1))
    shown = finding("f-shown", affected=("9.0",))
    draft = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [hidden, shown], ISSUED, Tlp.AMBER)
    assert [r.id for r in draft.statement.predicate.records] == ["f-shown"]
    assert [w.id for w in draft.withheld] == ["f-hidden"]
    red = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [hidden], ISSUED, Tlp.RED, ["xcsa"])
    assert [r.id for r in red.statement.predicate.records] == ["f-hidden"]


def test_recipients_are_enforced() -> None:
    raw = attested(Tlp.RED, ("xcsa",))
    _, trust = signer()
    with pytest.raises(InputError, match="say who imports it"):
        check(raw, trust, registry())
    with pytest.raises(InputError, match="addressed to xcsa, not xop"):
        check(raw, trust, registry(), importer="xop")
    with pytest.raises(InputError, match="--as: other is not an organisation of the keyring"):
        check(raw, trust, registry(), importer="other")
    assert check(raw, trust, registry(), importer="xcsa")


def test_red_without_recipients_is_refused() -> None:
    raw = attested(Tlp.RED)
    _, trust = signer()
    with pytest.raises(InputError, match="TLP:RED names its recipients"):
        check(raw, trust, registry(), importer="xcsa")


def test_import_records_the_envelope_and_refuses_an_older_one(tmp_path: Path) -> None:
    files = read_registry(write_registry(tmp_path))
    made, trust = signer()
    newer = tmp_path / "newer.json"
    newer.write_bytes(attested())
    accepted, written = import_attestation(
        files, newer, trust, dt.date(2026, 8, 2), "xcsa", now=NOW
    )
    stored = tmp_path / "attestations" / f"{accepted.payload_sha256}.dsse.json"
    assert stored.read_bytes() == newer.read_bytes() and stored in written
    again = read_registry(tmp_path)
    assert attestation_integrity(again) == {"f-1": None}
    # an attestation issued earlier does not replace the recorded one
    reg = registry()
    older = build_statement(
        reg,
        "xec",
        "korvath.gnb",
        ["9.0"],
        [finding(affected=("9.0",))],
        ISSUED - dt.timedelta(days=30),
        Tlp.AMBER,
    )
    old = tmp_path / "older.json"
    old.write_bytes(sign(older, made).to_json())
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(InputError, match="older attestation never replaces"):
        import_attestation(again, old, trust, dt.date(2026, 8, 3), "xcsa", now=NOW)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_a_record_edited_after_import_no_longer_holds(tmp_path: Path) -> None:
    files = read_registry(write_registry(tmp_path))
    _, trust = signer()
    path = tmp_path / "env.json"
    path.write_bytes(attested())
    import_attestation(files, path, trust, dt.date(2026, 8, 2), "xcsa", now=NOW)
    record = tmp_path / "records" / "f-1.yaml"
    record.write_text(record.read_text().replace("severity: high", "severity: low"))
    why = attestation_integrity(read_registry(tmp_path))["f-1"]
    assert why is not None and "edited since import" in why


def test_a_closed_finding_history_travels_whole() -> None:
    record = finding(
        "f-2",
        event("2025-03-01", "open"),
        event("2025-04-01", "fixed", fixed_in="9.1"),
        event("2025-05-01", "retested", retest_passed=True),
        event("2025-05-02", "closed"),
        affected=("9.0",),
    )
    draft = build_statement(registry(), "xec", "korvath.gnb", ["9.0"], [record], ISSUED, Tlp.GREEN)
    assert draft.statement.predicate.records[0] == record


def test_envelope_shape_is_checked(tmp_path: Path) -> None:
    _, trust = signer()
    for raw, expected in (
        (b"[]", "an object with payload, payloadType and signatures"),
        (b'{"payload":"!!","payloadType":"x","signatures":[]}', "padded base64"),
        (b"\xff", "not UTF-8"),
        (
            Envelope(b"{}", "text/plain", (Signature("a" * 64, b"x" * 64),)).to_json(),
            "not a key of any organisation in the keyring",
        ),
        (b'{"payload": "", "payloadType": "x", "signatures": []}', "canonical form"),
    ):
        with pytest.raises(InputError, match=expected):
            check(raw, trust, registry())


def test_the_published_attestation_schema_describes_real_payloads() -> None:
    import jsonschema

    from fiveguard.modelio.schema import schema_json

    root = Path(__file__).parents[2]
    published = (root / "docs" / "schema" / "lab-attestation.schema.json").read_text()
    assert published == schema_json("lab-attestation"), "run `make schema`"
    payload = json.loads(base64.b64decode(json.loads(attested())["payload"]))
    jsonschema.validate(payload, json.loads(published))
    record = (root / "docs" / "schema" / "lab-record.schema.json").read_text()
    assert record == schema_json("lab-record"), "run `make schema`"
    jsonschema.validate(payload["predicate"]["records"][0], json.loads(record))


def test_an_amber_attestation_names_its_importer_of_the_keyring() -> None:
    raw = attested()
    _, ring = signer()
    with pytest.raises(InputError, match=r"TLP:AMBER is for the keyring's organisations"):
        check(raw, ring, registry())
    assert check(raw, ring, registry(), importer="xop").signed.organisation == "xec"
    green = attested(Tlp.GREEN)
    assert check(green, ring, registry()).predicate.tlp is Tlp.GREEN


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {
                "status": "revoked",
                "revoked_at": ISSUED - dt.timedelta(days=3),
                "reason": "laptop stolen",
            },
            "revoked on 2026-07-29 (laptop stolen), before issued_at",
        ),
        ({"not_after": ISSUED - dt.timedelta(days=1)}, "expired on 2026-07-31, before issued_at"),
        (
            {"status": "retired", "retired_at": ISSUED - dt.timedelta(days=10)},
            "retired on 2026-07-22, before issued_at",
        ),
    ],
)
def test_a_key_not_valid_at_issue_is_refused(change: dict[str, object], expected: str) -> None:
    ring = keyring(xec=change)
    with pytest.raises(InputError) as exc:
        check(attested(), ring, registry(), importer="xcsa")
    assert "env.json: signatures[0]: signature by key" in messages(exc)
    assert f"(xec) {expected}" in messages(exc)


def test_a_revocation_after_issue_keeps_the_attestation() -> None:
    later = {"status": "revoked", "revoked_at": NOW, "reason": "rotated"}
    accepted = check(attested(), keyring(xec=later), registry(), importer="xcsa")
    assert accepted.signed.organisation == "xec"


@pytest.mark.parametrize(
    ("org", "kind"), [("xcsa", "a national-authority"), ("xop", "an operator")]
)
def test_an_attestation_signed_by_an_organisation_that_is_not_a_lab_is_refused(
    org: str, kind: str
) -> None:
    reg = registry()
    record = finding(affected=("9.0",))
    draft = build_statement(reg, "xec", "korvath.gnb", ["9.0"], [record], ISSUED, Tlp.AMBER)
    made, ring = signer(org)
    with pytest.raises(InputError) as exc:
        check(sign(draft, made).to_json(), ring, reg, importer="xcsa")
    assert messages(exc) == (
        f"env.json: signatures: {org} is {kind} in the keyring; a lab attestation is signed by "
        "an evaluation-lab"
    )


def test_an_attestation_from_the_future_is_refused() -> None:
    _, ring = signer()
    with pytest.raises(InputError, match="is in the future"):
        accept(attested(), "env.json", ring, registry(), now=ISSUED - dt.timedelta(hours=1))


def test_signing_checks_the_lab_and_its_keys_in_the_keyring() -> None:
    from fiveguard.lab.signing import lab_signer

    _, ring = signer()
    made, _ = signer("xec")
    keys = list(made.keys)
    assert lab_signer(ring, "xec", keys, ISSUED).organisation == "xec"
    with pytest.raises(InputError, match="--as: xcsa is a national-authority in the keyring"):
        lab_signer(ring, "xcsa", list(signer("xcsa")[0].keys), ISSUED)
    with pytest.raises(InputError, match="--as: nobody is not an organisation of the keyring"):
        lab_signer(ring, "nobody", keys, ISSUED)
    with pytest.raises(InputError, match=r"--key: key .{8}… is not a key of xec in the keyring"):
        lab_signer(ring, "xec", list(signer("xec", b"other")[0].keys), ISSUED)
    expired = keyring(xec={"not_after": ISSUED - dt.timedelta(days=1)})
    with pytest.raises(InputError, match=r"of xec: expired on 2026-07-31, before now"):
        lab_signer(expired, "xec", keys, ISSUED)
