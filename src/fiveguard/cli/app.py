"""The Typer application object, shared options and the edge where input errors
become exit code 2 with located messages (never a traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fiveguard import __version__
from fiveguard.cli.terminal import TerminalConsole, escape_controls
from fiveguard.domain.errors import InputError

console = TerminalConsole(highlight=False, emoji=False)
err_console = TerminalConsole(stderr=True, highlight=False, emoji=False)

EXIT_BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 200


def report_problems(exc: InputError) -> None:
    """Print every problem, one per line, as FILE:LINE:COL: path: message."""
    problems = exc.problems
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        line = escape_controls(str(problem), one_line=True)
        err_console.print(line, markup=False, soft_wrap=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        err_console.print(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems", markup=False)
    noun = "problem" if len(problems) == 1 else "problems"
    err_console.print(f"error: {len(problems)} {noun} found.", markup=False)


class _Group(TyperGroup):
    """Root command group: turns :class:`InputError` into exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            report_problems(exc)
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
    source = ctx.get_parameter_source("catalog")
    from_env = source is not None and source.name == "ENVIRONMENT"
    ctx.obj = Settings(catalog=catalog, catalog_from_env=from_env)


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
