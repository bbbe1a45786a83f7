"""Change over time: two assessments of one country compared (pure; no file, no clock)."""

from __future__ import annotations

from fiveguard.compare.engine import ComparisonError, compare_assessments
from fiveguard.compare.results import Comparison

__all__ = ["Comparison", "ComparisonError", "compare_assessments"]
