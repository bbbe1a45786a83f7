"""fiveguard: risk-based security assessment of 5G networks."""

__version__ = "0.1.0"
