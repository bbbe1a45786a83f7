"""The reference catalogue: packaged data (asset kinds, the EU toolbox, supplier criteria,
restriction-policy presets, the ENISA controls matrix …) and its loader with user overrides."""

from fiveguard.catalog.loader import default_catalogue, load_catalogue

__all__ = ["default_catalogue", "load_catalogue"]
