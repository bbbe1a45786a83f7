"""Assurance evidence: SBOM import, offline vulnerability matching, binary equivalence,
and what the resulting records say about product versions.

Modules: :mod:`~fiveguard.evidence.sbom` (CycloneDX and SPDX into one component model),
:mod:`~fiveguard.evidence.osv` (matching against a local directory of OSV records),
:mod:`~fiveguard.evidence.equivalence` (reviewed against deployed file trees),
:mod:`~fiveguard.evidence.assurance` (per product version and supplier, and the assets
that run versions needing attention). The records are kept in the evidence directories
a model names, read and written by :mod:`fiveguard.modelio.evidence_store`.
"""
