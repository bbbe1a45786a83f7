"""Mistakes on the command line (an unknown option, a value of the wrong type, a missing
argument) as located problems: ``command line: --trials: expected …``, exit code 2,
like every other input error, instead of the command-line framework's own boxed text."""

from __future__ import annotations

import difflib
import importlib
import re
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from fiveguard.domain.errors import COMMAND_LINE, Location, Problem
from fiveguard.modelio.messages import describe


def _click_module(name: str) -> ModuleType:
    """A module of the Click that Typer runs on: its own copy in recent Typer, Click
    itself before."""
    try:
        return importlib.import_module(f"typer._click.{name}")
    except ImportError:  # pragma: no cover - depends on the installed Typer
        return importlib.import_module(f"click.{name}")


_errors = _click_module("exceptions")
_ENVIRONMENT = _click_module("core").ParameterSource.ENVIRONMENT

UsageError: type[Exception] = _errors.UsageError
"""What the command-line framework raises for a mistake on the command line."""
NoArgsIsHelp: type[Exception] | None = getattr(_errors, "NoArgsIsHelpError", None)
"""Raised for a command group given no command: its help is shown, not an error."""


def usage_problem(error: Any) -> Problem:
    """The problem a :data:`UsageError` reports, located at the option or argument."""
    path, message = _what(error)
    return Problem(Location(COMMAND_LINE, path=path), message)


def _what(error: Any) -> tuple[str | None, str]:
    """The option or argument (None for the command line as a whole) and the message."""
    if isinstance(error, _errors.MissingParameter):
        kind = "option" if _is_option(error.param) else "argument"
        return _name(error), f"missing {kind}{_help_hint(error)}"
    if isinstance(error, _errors.BadParameter):
        return _name(error), _invalid_value(error)
    if isinstance(error, _errors.NoSuchOption):
        near = sorted(error.possibilities or ())
        suggestion = f" (did you mean {' or '.join(near)}?)" if near else ""
        return error.option_name, f"no such option{suggestion}{_help_hint(error)}"
    if isinstance(error, _errors.BadOptionUsage):
        if "requires an argument" in error.message:
            return error.option_name, "expected a value after it"
        return error.option_name, _sentence(error.message)
    unknown = _UNKNOWN_COMMAND.match(error.message)
    if unknown:
        return None, f"no such command {unknown.group(1)}{_commands(error)}{_help_hint(error)}"
    return None, _sentence(error.message) + _help_hint(error)


def _invalid_value(error: Any) -> str:
    """What was wrong with a value: the type checks' own words where they are pydantic's
    (which fiveguard words as it words the same errors in files)."""
    cause = error.__cause__
    details = cause.errors(include_url=False) if isinstance(cause, ValidationError) else []
    message = _sentence(describe(details[0], Any, ()) if details else error.message)
    # the framework's own words for a few checks, said as fiveguard says them elsewhere
    wrong_kind = _PATH_OF_WRONG_KIND.fullmatch(message)
    if wrong_kind:
        path, found = wrong_kind.groups()
        expected = "a directory" if found == "a file" else "a file"
        return f"{path} is {found}; expected {expected}"
    not_a_choice = _NOT_A_CHOICE.fullmatch(message)
    if not_a_choice:
        value, choices = not_a_choice.groups()
        return f"expected one of {choices}, got {value}"
    not_a_date = _NOT_A_DATE.fullmatch(message)
    if not_a_date:
        return f"expected a date YYYY-MM-DD, got {not_a_date.group(1)}"
    return message


_PATH_OF_WRONG_KIND = re.compile(r"(?:file|dir|directory|path) ('.*') is (a file|a directory)")
_NOT_A_CHOICE = re.compile(r"('.*') is not one of (.*)")
_NOT_A_DATE = re.compile(r"('.*') does not match the formats? '%Y-%m-%d'")


def _name(error: Any) -> str | None:
    """``--trials`` for an option (with the environment variable it came from, if so),
    ``MODEL`` for an argument; the hint given instead, if any."""
    param = error.param
    if param is None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else (" / ".join(hint) if hint else None)
    if not _is_option(param):
        metavar = getattr(param, "metavar", None)
        return metavar if isinstance(metavar, str) else str(param.name or "").upper() or None
    opts: list[str] = list(getattr(param, "opts", ()))
    name = max(opts, key=len) if opts else str(param.name)
    ctx = error.ctx
    source = ctx.get_parameter_source(param.name) if ctx and param.name else None
    envvar = getattr(param, "envvar", None)
    if source is _ENVIRONMENT and isinstance(envvar, str):
        return f"{name} (from {envvar})"
    return name


def _is_option(param: object) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _sentence(message: str) -> str:
    """Click's message as the rest of fiveguard writes them: lower case, no full stop."""
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:]


def _help_hint(error: Any) -> str:
    ctx = error.ctx
    return f"; see '{ctx.command_path} -h'" if ctx is not None else ""


_UNKNOWN_COMMAND = re.compile(r"No such command ('[^']*')")


def _commands(error: Any) -> str:
    """For an unknown command, the nearest one and the commands there are."""
    ctx = error.ctx
    names = getattr(ctx.command, "list_commands", None) if ctx is not None else None
    if not callable(names):
        return ""
    known = list(names(ctx))
    given = _UNKNOWN_COMMAND.match(error.message)
    near = difflib.get_close_matches(given.group(1).strip("'") if given else "", known, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"{hint}; expected one of: {', '.join(known)}"
