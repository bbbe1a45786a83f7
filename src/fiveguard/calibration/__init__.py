"""Checks of the simulation against the incident record (see docs/calibration.md)."""
