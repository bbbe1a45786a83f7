"""Passwords: Argon2id hashes (pwdlib) and the rules a new password must meet."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from fiveguard.domain.errors import COMMAND_LINE, InputError

MIN_LENGTH = 15
"""NIST SP 800-63B-4 (2025), 3.1.1.2: at least 15 characters for a password that is
the only factor (the command line and a web login without a second factor)."""
MAX_LENGTH = 256
"""Long enough for any passphrase or manager; bounds the hashing work of one attempt."""
MIN_DISTINCT = 5
"""A password of fewer distinct characters (``aaaaaaaaaaaaaaab``) is refused."""

ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
"""Argon2id at 19 MiB, 2 passes, 1 lane: the first configuration the OWASP Password
Storage Cheat Sheet recommends (after RFC 9106), affordable on a shared two-core server."""

_HASHER = PasswordHash(
    (
        Argon2Hasher(
            time_cost=ARGON2_TIME_COST,
            memory_cost=ARGON2_MEMORY_KIB,
            parallelism=ARGON2_PARALLELISM,
        ),
    )
)


def check_new_password(password: str, user: str, where: str = "FIVEGUARD_PASSWORD") -> None:
    """Refuse an empty, short, repetitive or over-long password, or one holding the user name."""
    problem = None
    if not password:
        problem = "the password is empty"
    elif len(password) < MIN_LENGTH:
        problem = f"the password has {len(password)} characters; expected at least {MIN_LENGTH}"
    elif len(password) > MAX_LENGTH:
        problem = f"the password has {len(password)} characters; expected at most {MAX_LENGTH}"
    elif len(set(password)) < MIN_DISTINCT:
        problem = (
            f"the password repeats itself; expected at least {MIN_DISTINCT} different characters"
        )
    elif user.lower() in password.lower():
        problem = "the password contains the user name"
    if problem:
        raise InputError.at(f"{problem} (the user was not added)", COMMAND_LINE, path=where)


def hash_password(password: str) -> str:
    """An Argon2id hash (PHC string) of ``password``."""
    return _HASHER.hash(password)


def password_matches(password: str, stored: str) -> bool:
    return _HASHER.verify(password, stored)
