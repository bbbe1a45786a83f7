"""``fiveguard keys``: an organisation's Ed25519 key pair for signing what it exchanges."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from fiveguard.cli.app import app, console
from fiveguard.domain.base import ID_RE
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PASSPHRASE_ENV = "FIVEGUARD_KEY_PASSPHRASE"

keys_app = typer.Typer(
    help="Organisations' signing keys (Ed25519, private keys encrypted).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


def passphrase(confirm: bool) -> bytes:
    """The key passphrase: FIVEGUARD_KEY_PASSPHRASE, else asked for in the terminal."""
    from fiveguard.exchange.keys import check_passphrase

    given = os.environ.get(PASSPHRASE_ENV)
    if given is None:
        if not sys.stdin.isatty():
            raise InputError.at(
                f"no passphrase for the private key: set {PASSPHRASE_ENV} or run in a terminal",
                COMMAND_LINE,
            )
        given = typer.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)
    return check_passphrase(given, PASSPHRASE_ENV if PASSPHRASE_ENV in os.environ else "prompt")


def load_signing_key(path: Path) -> tuple[str, Ed25519PrivateKey]:
    """A private key file and its key id (the passphrase as :func:`passphrase` finds it)."""
    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.keys import keyid_of, load_private_key, public_hex

    pem = read_limited(path, 64 * 1024, "key file")
    key = load_private_key(pem, passphrase(confirm=False), str(path))
    return keyid_of(public_hex(key.public_key())), key


@keys_app.command("new")
def keys_new(
    organisation: Annotated[str, typer.Argument(help="The organisation's id, e.g. XA-NCA.")],
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the key files.", file_okay=False)
    ] = Path("."),
) -> None:
    """Make an Ed25519 key pair for an organisation: ORG-KEYID.key (PKCS#8 PEM, encrypted
    with the passphrase from FIVEGUARD_KEY_PASSPHRASE or a prompt) and ORG-KEYID.pub.json
    (the public key, for the keyring administrator).

    Example: `fiveguard keys new XA-NCA --out keys/`
    """
    from fiveguard.exchange.files import write_files
    from fiveguard.exchange.keys import describe, new_key, private_pem

    if not ID_RE.fullmatch(organisation):
        raise InputError.at(
            f"{organisation!r} is not an organisation id (letters, digits and . _ : -)",
            COMMAND_LINE,
            path="ORG",
        )
    secret = passphrase(confirm=True)
    key = new_key()
    public = describe(organisation, key)
    stem = f"{organisation}-{public.keyid[:8]}"
    private_path, public_path = out / f"{stem}.key", out / f"{stem}.pub.json"
    write_files(
        {
            private_path: private_pem(key, secret),
            public_path: (public.model_dump_json(indent=2) + "\n").encode(),
        },
        private={private_path},
        replace=False,
    )
    console.print(
        f"key {public.keyid} for {escape(organisation)}\n"
        f"private (encrypted, keep it secret): {escape(str(private_path))}\n"
        f"public (give it to the keyring administrator): {escape(str(public_path))}",
        soft_wrap=True,
    )
