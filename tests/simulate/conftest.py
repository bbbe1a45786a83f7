"""Fixtures of the simulation tests: the oracle and strategies sit beside the tests."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
if str(HERE) not in sys.path:  # oracle.py and strategies.py are imported by name
    sys.path.insert(0, str(HERE))
