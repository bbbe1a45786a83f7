"""``python -m fiveguard`` runs the command line."""

from fiveguard.cli import main

main()
