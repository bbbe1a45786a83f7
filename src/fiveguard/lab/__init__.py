"""Evaluation labs: the lifecycle of findings, engineering-practice audits, equivalence
against build provenance, and signed attestations of what a lab found. Pure: no file, no
clock; reading and writing is :mod:`fiveguard.modelio.registry_files`'s.
"""
