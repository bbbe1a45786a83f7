"""Exchange speed: exporting a national summary on top of the assessment, verifying and
coordinating 27 member states' envelopes.

1. A generated 1,000,000-site model is written and loaded; the assessment runs (with its
   default Monte Carlo); then the export alone is timed: the summary (what-ifs of every
   supplier's and deployed product version's fault on the compiled network), the check
   that no asset or site id leaves, the snapshot digest (hashing the model's files), the
   statement in RFC 8785 form and its signature. Peer in the same run: the assessment
   itself, and writing its JSON, the national output the export sits beside.
2. 27 envelopes (the Xandria demo's summary as 27 states, each signed by its own
   authority) are verified in full: size, canonical JSON, signatures, threshold, key
   validity, schema, origin, recipient. Peer in the same run: securesystemslib's DSSE
   verification of the same envelopes (signatures only).
3. The coordinated view of the 27: coordinate, coordination.json and report.html.

Targets: export < 2 s at a million sites; verify 27 < 1 s; coordinate 27 < 3 s.
Run: .venv/bin/python benchmarks/bench_exchange.py [--sites N]
Writes benchmarks/out/bench_exchange.json and prints the lines for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import describe_machine, machine_markdown

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).parents[1]
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
STATES = 27


def best(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def export_phase(sites: int) -> dict[str, float]:
    from fiveguard.app.national import national_assessment
    from fiveguard.catalog import default_catalogue
    from fiveguard.domain.parties import Tlp
    from fiveguard.exchange import keys
    from fiveguard.exchange.build import (
        Addressing,
        build_summary,
        check_no_inventory,
        snapshot_digest,
        unsigned_envelope,
    )
    from fiveguard.exchange.dsse import sign_envelope
    from fiveguard.exchange.files import model_snapshot
    from fiveguard.modelio.dump import write_model
    from fiveguard.modelio.generate import generate_model
    from fiveguard.modelio.load import load_model

    cat = default_catalogue()
    key = keys.new_key()
    keyid = keys.describe("XG-NCA", key).keyid
    to = Addressing("bench-bundle-1", "XG-NCA", 1, NOW, ("EU-COORD",), Tlp.AMBER)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.yaml"
        write_model(generate_model(sites, seed=1), path)
        model = load_model(path, cat)
        start = time.perf_counter()
        assessment, engine = national_assessment(
            model, cat, None, trials=cat.simulation.assess_trials, seed=0
        )
        assess_seconds = time.perf_counter() - start
        json_seconds, _ = best(lambda: assessment.model_dump_json(indent=2), 1)

        def export() -> int:
            summary = build_summary(model, assessment, engine.compiled, to, catalogue=cat)
            check_no_inventory(summary, model, "model.yaml")
            doc = model.document
            digest = snapshot_digest(model_snapshot(path, doc.sites, doc.evidence_dirs, None))
            envelope = sign_envelope(unsigned_envelope(summary, digest), key, keyid)
            return len(envelope.to_json())

        export_seconds, size = best(export)
    return {
        "sites": sites,
        "assessment_s": assess_seconds,
        "assessment_json_s": json_seconds,
        "export_s": export_seconds,
        "envelope_bytes": float(size),  # type: ignore[arg-type]
    }


def states_phase() -> dict[str, float]:
    from importlib import resources

    from securesystemslib.dsse import Envelope as ReferenceEnvelope
    from securesystemslib.signer import SSlibKey

    from fiveguard.app.national import national_assessment
    from fiveguard.catalog import default_catalogue
    from fiveguard.domain.model import NetworkModel
    from fiveguard.domain.network import Scope
    from fiveguard.domain.parties import OrganisationKind, Tlp
    from fiveguard.exchange import keyring_edit, keys
    from fiveguard.exchange.build import Addressing, build_summary, unsigned_envelope
    from fiveguard.exchange.coordinate import coordinate
    from fiveguard.exchange.dsse import sign_envelope
    from fiveguard.exchange.keyring import Organisation, verify_keyring
    from fiveguard.exchange.verify import verify_all
    from fiveguard.modelio.load import load_model
    from fiveguard.report.coordination import render_coordination

    cat = default_catalogue()
    demo = resources.files("fiveguard.examples") / "demo" / "model.yaml"
    with resources.as_file(demo) as path:
        model = load_model(path, cat)
    assessment, engine = national_assessment(model, cat, None, trials=256, seed=1)
    # user-assigned codes (XA … XZ, QA), as many as the EU's member states
    countries = ([f"X{chr(ord('A') + i)}" for i in range(26)] + ["QA"])[:STATES]
    root = keys.new_key()
    ring = keyring_edit.new_keyring(
        [keys.describe("root", root)], 1, NOW - dt.timedelta(days=1), NOW.replace(year=2030)
    )
    ring, _ = keyring_edit.add_organisation(
        ring,
        Organisation(id="EU-COORD", name="EU", kind=OrganisationKind.EU_COORDINATOR, threshold=1),
        NOW,
    )
    inputs, reference = [], []
    for country in countries:
        org = f"{country}-NCA"
        key = keys.new_key()
        public = keys.describe(org, key)
        ring, _ = keyring_edit.add_organisation(
            ring,
            Organisation(
                id=org,
                name=org,
                kind=OrganisationKind.NATIONAL_AUTHORITY,
                country=country,
                threshold=1,
            ),
            NOW,
        )
        ring, _ = keyring_edit.add_key(
            ring, org, public, NOW - dt.timedelta(days=1), NOW.replace(year=2030), NOW
        )
        scope = Scope(country=country, name=country, as_of=model.document.scope.as_of)
        state = NetworkModel(model.document.model_copy(update={"scope": scope}), model.sites)
        to = Addressing(f"{org}-bundle-1", org, 1, NOW, ("EU-COORD",), Tlp.AMBER)
        summary = build_summary(state, assessment, engine.compiled, to, catalogue=cat)
        envelope = sign_envelope(unsigned_envelope(summary, "0" * 64), key, public.keyid)
        inputs.append((f"{country}.dsse.json", envelope.to_json()))
        reference.append(
            SSlibKey.from_dict(
                public.keyid,
                {"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": public.public}},
            )
        )
    ring, _ = keyring_edit.sign_keyring(ring, root, keys.describe("root", root).keyid)
    keyring = verify_keyring(ring, "keyring.json")
    verify_s, verified = best(lambda: verify_all(inputs, keyring, now=NOW, as_org="EU-COORD"))

    def reference_verify() -> None:
        for (_, raw), key in zip(inputs, reference, strict=True):
            ReferenceEnvelope.from_dict(json.loads(raw)).verify([key], 1)

    reference_s, _ = best(reference_verify)

    def coordinated() -> int:
        view = coordinate(verified, coordinator="EU-COORD", audience=("EU-COORD",), now=NOW)  # type: ignore[arg-type]
        return len(view.model_dump_json(indent=2)) + len(render_coordination(view))

    coordinate_s, size = best(coordinated)
    return {
        "states": STATES,
        "envelope_bytes": float(len(inputs[0][1])),
        "verify_s": verify_s,
        "reference_signature_only_s": reference_s,
        "coordinate_s": coordinate_s,
        "coordinate_output_bytes": float(size),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1_000_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = {
        "machine": describe_machine(),
        "export": export_phase(args.sites),
        "states": states_phase(),
    }
    (OUT / "bench_exchange.json").write_text(json.dumps(results, indent=2) + "\n")
    e, s = results["export"], results["states"]
    print(machine_markdown())
    print(
        f"| export on top of the assessment, {e['sites']:,} sites (summary with every what-if, "
        f"inventory check, snapshot digest, RFC 8785, signature) | {e['export_s']:.2f} s | < 2 s |"
    )
    print(
        f"| peer: the assessment itself (default Monte Carlo) / its JSON | "
        f"{e['assessment_s']:.2f} s / {e['assessment_json_s']:.2f} s | |"
    )
    print(
        f"| verify {s['states']} envelopes of {s['envelope_bytes']:,.0f} bytes (every check) | "
        f"{s['verify_s']:.3f} s | < 1 s |"
    )
    print(
        f"| peer: securesystemslib DSSE verification of the same (signatures only) | "
        f"{s['reference_signature_only_s']:.3f} s | |"
    )
    print(
        f"| coordinate {s['states']} (view, coordination.json, report.html) | "
        f"{s['coordinate_s']:.3f} s | < 3 s |"
    )


if __name__ == "__main__":
    main()
