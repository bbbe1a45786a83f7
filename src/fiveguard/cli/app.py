"""The Typer application object, shared options and the edge where input errors
become exit code 2 with located messages (never a traceback)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fiveguard import __version__
from fiveguard.cli.terminal import TerminalConsole, escape_controls
from fiveguard.cli.usage import NoArgsIsHelp, UsageError, usage_problem
from fiveguard.domain.errors import InputError, Problem

console = TerminalConsole(highlight=False, emoji=False)
err_console = TerminalConsole(stderr=True, highlight=False, emoji=False)

EXIT_BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 200


def report_problems(exc: InputError) -> None:
    """Print every problem, one per line, as FILE:LINE:COL: path: message (warnings as
    FILE:LINE:COL: path: warning: message), then how many there are."""
    problems = exc.problems
    print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    counts = [_count(errors, "problem")] if errors else []
    counts += [_count(warnings, "warning")] if warnings else []
    err_console.print(f"error: {' and '.join(counts)} found.", markup=False)


def print_problems(problems: Sequence[Problem]) -> None:
    """Problems one per line on stderr, at most :data:`MAX_PROBLEMS_SHOWN` of them."""
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        line = escape_controls(str(problem), one_line=True)
        err_console.print(line, markup=False, soft_wrap=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        err_console.print(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems", markup=False)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class _Group(TyperGroup):
    """Root command group: turns :class:`InputError`, and mistakes on the command line
    (the framework's usage errors, whichever command or option they are about), into
    located problems and exit code 2."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        with _bad_input_exits():  # the options given before the command
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _bad_input_exits():  # the command, its options and what it runs
            return super().invoke(ctx)


@contextmanager
def _bad_input_exits() -> Iterator[None]:
    try:
        yield
    except InputError as exc:
        report_problems(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except UsageError as exc:
        if NoArgsIsHelp is not None and isinstance(exc, NoArgsIsHelp):
            raise  # a group without its command: the framework shows its help
        report_problems(InputError(usage_problem(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None


app = typer.Typer(
    cls=_Group,
    name="fiveguard",
    help="Risk-based security assessment of 5G networks, after the EU toolbox.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


CATALOG_VARIABLE = "FIVEGUARD_CATALOG"


class Settings:
    """Options given before the command, shared by every command. ``catalog_from_env``:
    the catalogue file was named by :data:`CATALOG_VARIABLE`, not on the command line."""

    def __init__(self, catalog: Path | None = None, catalog_from_env: bool = False) -> None:
        self.catalog = catalog
        self.catalog_from_env = catalog_from_env


def _version(value: bool) -> None:
    if value:
        console.print(f"fiveguard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            envvar=CATALOG_VARIABLE,
            help="A catalogue file of your own, merged over the packaged catalogue.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """fiveguard: describe a country's 5G networks in a model file, check it, assess it.

    Example: `fiveguard validate national.yaml`
    """
    from fiveguard.cli.tables import TableFormat, use_format

    # every invocation starts with plain tables: a command's --format never carries over to
    # the next command run in the same process (tests, the web app's workers)
    use_format(TableFormat.TEXT)
    source = ctx.get_parameter_source("catalog")
    from_env = source is not None and source.name == "ENVIRONMENT"
    ctx.obj = Settings(catalog=catalog, catalog_from_env=from_env)


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
