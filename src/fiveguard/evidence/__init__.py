"""Assurance evidence: SBOM import, offline vulnerability matching, binary equivalence,
where the resulting records are stored, and what they say about product versions.

Modules: :mod:`~fiveguard.evidence.sbom` (CycloneDX and SPDX into one component model),
:mod:`~fiveguard.evidence.osv` (matching against a local directory of OSV records),
:mod:`~fiveguard.evidence.equivalence` (reviewed against deployed file trees),
:mod:`~fiveguard.evidence.store` (evidence directories a model names) and
:mod:`~fiveguard.evidence.assurance` (per product version and supplier, and the assets
that run versions needing attention). This package imports nothing heavy at import time:
the model loader uses the store on every load.
"""
