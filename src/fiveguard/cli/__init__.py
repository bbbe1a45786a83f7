"""The ``fiveguard`` command line: one thin module per command group."""

from __future__ import annotations

from fiveguard.cli import assess as _assess  # noqa: F401
from fiveguard.cli import catalog as _catalog  # noqa: F401  (registers commands)
from fiveguard.cli import catalog_record as _catalog_record  # noqa: F401
from fiveguard.cli import compare as _compare  # noqa: F401
from fiveguard.cli import coordinate as _coordinate  # noqa: F401
from fiveguard.cli import evidence as _evidence  # noqa: F401
from fiveguard.cli import exchange as _exchange  # noqa: F401
from fiveguard.cli import generate as _generate  # noqa: F401
from fiveguard.cli import keyring as _keyring  # noqa: F401
from fiveguard.cli import keys as _keys  # noqa: F401
from fiveguard.cli import lab as _lab  # noqa: F401
from fiveguard.cli import lab_attest as _lab_attest  # noqa: F401
from fiveguard.cli import lab_findings as _lab_findings  # noqa: F401
from fiveguard.cli import model as _model  # noqa: F401
from fiveguard.cli import record as _record  # noqa: F401
from fiveguard.cli import record_envelopes as _record_envelopes  # noqa: F401
from fiveguard.cli import registry as _registry  # noqa: F401
from fiveguard.cli import registry_store as _registry_store  # noqa: F401
from fiveguard.cli import serve as _serve  # noqa: F401
from fiveguard.cli import simulate as _simulate  # noqa: F401
from fiveguard.cli import store as _store  # noqa: F401
from fiveguard.cli import store_parts as _store_parts  # noqa: F401
from fiveguard.cli import store_runs as _store_runs  # noqa: F401
from fiveguard.cli.app import app


def main() -> None:
    """Entry point of the ``fiveguard`` console script."""
    app()


__all__ = ["app", "main"]
