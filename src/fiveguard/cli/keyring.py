"""``fiveguard keyring``: create, change, sign and verify the keyring of organisations.

Every change makes or changes a draft version, which is in force only once root keys sign
it (``keyring sign``); see docs/exchange.md, "Managing keys".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from fiveguard.cli.app import app, console
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from fiveguard.exchange.keyring import KeyringFile
    from fiveguard.exchange.keys import PublicKeyFile

keyring_app = typer.Typer(
    help="The keyring: organisations, their keys and thresholds, signed by root keys.",
    no_args_is_help=True,
)
app.add_typer(keyring_app, name="keyring")

KeyringArg = Annotated[Path, typer.Argument(help="The keyring file (JSON).", show_default=False)]
PublicArg = Annotated[
    Path, typer.Argument(help="A public key file (from 'fiveguard keys new').", show_default=False)
]
MAX_PUBLIC_KEY_BYTES = 64 * 1024
DEFAULT_VALID_DAYS = 730


def now() -> dt.datetime:
    """The current time in UTC, to the second: the only place the keyring reads the clock."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def moment(text: str | None, option: str, default: dt.datetime) -> dt.datetime:
    """A date (midnight UTC) or an RFC 3339 time from an option."""
    if text is None:
        return default
    try:
        if len(text) == len("2026-05-02"):
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InputError.at(
            f"expected a date (2026-05-02) or a time with its zone (2026-05-02T10:00:00Z), "
            f"got {text!r}",
            COMMAND_LINE,
            path=option,
        )
    return value.astimezone(dt.UTC)


def read_public(path: Path) -> PublicKeyFile:
    from pydantic import ValidationError

    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.jsonio import parse_strict, validation_problems
    from fiveguard.exchange.keys import PublicKeyFile

    raw = read_limited(path, MAX_PUBLIC_KEY_BYTES, "public key file")
    try:
        return PublicKeyFile.model_validate(parse_strict(raw, str(path), MAX_PUBLIC_KEY_BYTES))
    except ValidationError as exc:
        raise InputError(validation_problems(exc, str(path))) from None


def load(path: Path) -> KeyringFile:
    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.keyring import MAX_KEYRING_BYTES, read_keyring

    return read_keyring(read_limited(path, MAX_KEYRING_BYTES, "keyring"), str(path))


def save(path: Path, keyring: KeyringFile, note: str, *, replace: bool = True) -> None:
    from fiveguard.exchange.files import write_files
    from fiveguard.exchange.keyring import keyring_json

    write_files({path: keyring_json(keyring)}, replace=replace)
    console.print(f"{escape(note)}; wrote {escape(str(path))}", soft_wrap=True)


@keyring_app.command("init")
def keyring_init(
    out: Annotated[Path, typer.Argument(help="The keyring file to create.", show_default=False)],
    root: Annotated[
        list[Path], typer.Option("--root", help="A root public key file (repeat for several).")
    ],
    threshold: Annotated[int, typer.Option("--threshold", help="Root signatures needed.")] = 1,
    valid_days: Annotated[int, typer.Option("--valid-days", help="Root keys' validity.")] = (
        DEFAULT_VALID_DAYS
    ),
) -> None:
    """Create a keyring (version 1, a draft until its root keys sign it).

    Example: `fiveguard keyring init keyring.json --root EU-root-1.pub.json --root
    EU-root-2.pub.json --threshold 2`
    """
    from fiveguard.exchange.keyring_edit import new_keyring

    start = now()
    keys = [read_public(p) for p in root]
    if not 1 <= threshold <= len(keys):
        raise InputError.at(
            f"expected a threshold from 1 to {len(keys)} (the root keys given), got {threshold}",
            COMMAND_LINE,
            path="--threshold",
        )
    keyring = new_keyring(keys, threshold, start, start + dt.timedelta(days=valid_days))
    save(out, keyring, f"created draft version 1 with {len(keys)} root key(s)", replace=False)


@keyring_app.command("add-org")
def keyring_add_org(
    keyring: KeyringArg,
    organisation: Annotated[str, typer.Argument(help="Its id, e.g. XA-NCA.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Its name.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="national-authority, operator, eu-coordinator or evaluation-lab."
        ),
    ],
    country: Annotated[
        str | None, typer.Option("--country", help="Its member state (ISO 3166 code).")
    ] = None,
    threshold: Annotated[int, typer.Option("--threshold", help="Signatures it needs.")] = 1,
) -> None:
    """Add an organisation (its keys come next, with add-key).

    Example: `fiveguard keyring add-org keyring.json XA-NCA --name "Xandria NCA" --kind
    national-authority --country XA --threshold 2`
    """
    from pydantic import ValidationError

    from fiveguard.exchange.jsonio import validation_problems
    from fiveguard.exchange.keyring import Organisation
    from fiveguard.exchange.keyring_edit import add_organisation

    current = load(keyring)
    try:
        org = Organisation.model_validate(
            {
                "id": organisation,
                "name": name,
                "kind": kind,
                "country": country,
                "threshold": threshold,
            }
        )
    except ValidationError as exc:
        raise InputError(validation_problems(exc, COMMAND_LINE)) from None
    save(keyring, *add_organisation(current, org, now()))


@keyring_app.command("add-key")
def keyring_add_key(
    keyring: KeyringArg,
    public: PublicArg,
    org: Annotated[str | None, typer.Option("--org", help="The organisation it signs for.")] = (
        None
    ),
    root: Annotated[bool, typer.Option("--root", help="A root key of the keyring.")] = False,
    not_before: Annotated[
        str | None, typer.Option("--not-before", help="Valid from (default: now).")
    ] = None,
    not_after: Annotated[
        str | None,
        typer.Option("--not-after", help=f"Valid until (default: {DEFAULT_VALID_DAYS} days on)."),
    ] = None,
) -> None:
    """Add a public key to an organisation (--org) or to the root (--root).

    Example: `fiveguard keyring add-key keyring.json keys/XA-NCA-3fa1b2c4.pub.json --org XA-NCA`
    """
    from fiveguard.exchange.keyring_edit import add_key

    if (org is None) is (root is False):
        raise InputError.at("give either --org ORG or --root", COMMAND_LINE, path="--org")
    start = now()
    begin = moment(not_before, "--not-before", start)
    end = moment(not_after, "--not-after", begin + dt.timedelta(days=DEFAULT_VALID_DAYS))
    save(keyring, *add_key(load(keyring), org, read_public(public), begin, end, start))


@keyring_app.command("set-threshold")
def keyring_set_threshold(
    keyring: KeyringArg,
    threshold: Annotated[int, typer.Argument(help="Signatures needed.", show_default=False)],
    org: Annotated[str | None, typer.Option("--org", help="The organisation.")] = None,
    root: Annotated[bool, typer.Option("--root", help="The root.")] = False,
) -> None:
    """Set how many signatures an organisation (--org) or the root (--root) needs.

    Example: `fiveguard keyring set-threshold keyring.json 2 --org XA-NCA`
    """
    from fiveguard.exchange.keyring_edit import set_threshold

    if (org is None) is (root is False):
        raise InputError.at("give either --org ORG or --root", COMMAND_LINE, path="--org")
    save(keyring, *set_threshold(load(keyring), org, threshold, now()))


@keyring_app.command("retire")
def keyring_retire(
    keyring: KeyringArg,
    keyid: Annotated[str, typer.Argument(help="Key id (at least 8 digits).", show_default=False)],
    at: Annotated[str | None, typer.Option("--at", help="From when (default: now).")] = None,
) -> None:
    """Retire a key: signatures it makes from --at on no longer count.

    Example: `fiveguard keyring retire keyring.json 3fa1b2c4 --at 2027-01-01`
    """
    from fiveguard.exchange.keyring import KeyStatus
    from fiveguard.exchange.keyring_edit import change_status

    start = now()
    when = moment(at, "--at", start)
    save(keyring, *change_status(load(keyring), keyid, KeyStatus.RETIRED, when, start))


@keyring_app.command("revoke")
def keyring_revoke(
    keyring: KeyringArg,
    keyid: Annotated[str, typer.Argument(help="Key id (at least 8 digits).", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why, in words.")],
    at: Annotated[str | None, typer.Option("--at", help="From when (default: now).")] = None,
    compromised: Annotated[
        bool,
        typer.Option(
            "--compromised",
            help="The private key may be in others' hands: no signature by it counts, "
            "whatever its date.",
        ),
    ] = False,
) -> None:
    """Revoke a key, with a reason: signatures from --at on (or all, --compromised) fail.

    Example: `fiveguard keyring revoke keyring.json 3fa1b2c4 --reason "laptop stolen"
    --compromised`
    """
    from fiveguard.exchange.keyring import KeyStatus
    from fiveguard.exchange.keyring_edit import change_status

    start = now()
    when = moment(at, "--at", start)
    current = load(keyring)
    save(
        keyring,
        *change_status(current, keyid, KeyStatus.REVOKED, when, start, reason, compromised),
    )


@keyring_app.command("sign")
def keyring_sign(
    keyring: KeyringArg,
    key: Annotated[Path, typer.Option("--key", help="A root private key file.")],
) -> None:
    """Sign the latest version with a root key (passphrase: FIVEGUARD_KEY_PASSPHRASE).

    Example: `fiveguard keyring sign keyring.json --key keys/EU-root-1-0a1b2c3d.key`
    """
    from fiveguard.cli.keys import load_signing_key
    from fiveguard.exchange.keyring_edit import sign_keyring

    current = load(keyring)
    keyid, private = load_signing_key(key)
    save(keyring, *sign_keyring(current, private, keyid))


@keyring_app.command("verify")
def keyring_verify(keyring: KeyringArg) -> None:
    """Verify the chain of versions and print the version in force.

    Exit code 2 when a version is not signed as its predecessor's root requires.

    Example: `fiveguard keyring verify keyring.json`
    """
    from fiveguard.exchange.keyring import verify_keyring

    checked = verify_keyring(load(keyring), str(keyring))
    body = checked.current
    console.print(
        f"[green]verified[/green] {escape(str(keyring))}: version {body.version} in force "
        f"(issued {body.issued_at.isoformat()}), {checked.versions} version(s) in the chain\n"
        f"anchor (version 1, compare out of band): {checked.anchor}\n"
        f"root: {body.root.threshold} of {len(body.root.keys)} key(s)",
        soft_wrap=True,
    )
    for org in body.organisations:
        console.print(
            f"  {escape(org.id)} ({org.kind.value}{', ' + org.country if org.country else ''}): "
            f"{escape(org.name)}; threshold {org.threshold}",
            soft_wrap=True,
        )
        for k in org.keys:
            state = k.status.value
            if k.revoked_at:
                state += f" {k.revoked_at.date()} ({k.reason})"
            elif k.retired_at:
                state += f" {k.retired_at.date()}"
            console.print(
                f"    {k.keyid[:16]}… {state}, valid {k.not_before.date()} to {k.not_after.date()}",
                markup=False,
                soft_wrap=True,
            )
    for note in checked.notes:
        console.print(f"note: {escape(note)}", soft_wrap=True)
