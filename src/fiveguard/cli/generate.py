"""The ``generate`` command: write a synthetic national model of any size."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fiveguard.cli import common
from fiveguard.cli.app import app, console
from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem


@app.command()
def generate(
    sites: Annotated[
        int, typer.Option("--sites", help="Radio sites to generate (one CSV row each).")
    ],
    operators: Annotated[int, typer.Option("--operators", help="Mobile network operators.")] = 3,
    suppliers: Annotated[
        int, typer.Option("--suppliers", help="Suppliers (at least 2: one low-, one high-risk).")
    ] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 0,
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write model.yaml and sites.csv to.")
    ] = Path("generated"),
    regions: Annotated[
        int | None,
        typer.Option("--regions", help="Regions (default: grows with the number of sites)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite DIR/model.yaml and DIR/sites.csv if they exist."),
    ] = False,
) -> None:
    """Write a synthetic but structurally realistic national model, for trying fiveguard
    out and for benchmarks: DIR/model.yaml and DIR/sites.csv.

    The same arguments always write the same files, and the model is valid as written.
    Existing files are not overwritten unless --force is given.

    Example: `fiveguard generate --sites 100000 --operators 4 --seed 1 --out big`
    """
    from fiveguard.modelio.dump import write_model
    from fiveguard.modelio.generate import MAX_SITES, MIN_SUPPLIERS, SITES_FILE, generate_model

    _check_arguments(sites, operators, suppliers, regions, seed, MAX_SITES, MIN_SUPPLIERS)
    common.check_out_dir(out)
    if not force:
        _check_not_overwriting(out, ("model.yaml", SITES_FILE))

    model = generate_model(sites, operators, suppliers, seed=seed, regions=regions)
    target = out / "model.yaml"
    try:
        write_model(model, target)
    except OSError as exc:
        raise InputError.at(f"cannot write {target}: {exc.strerror or exc}", COMMAND_LINE) from None
    document = model.document
    residents = sum(r.population for r in document.regions)
    # as `validate` counts them: each operator's users on its radio assets (only radio
    # assets may have a population)
    served = int(model.sites.population.sum()) + sum(a.population for a in document.assets)
    console.print(
        f"wrote {target} and {out / SITES_FILE}: {len(model.sites):,} radio sites, "
        f"{len(document.operators)} operators, {len(document.suppliers)} suppliers, "
        f"{len(document.regions)} regions with {residents:,} residents, "
        f"{served:,} people served by radio (seed {seed})",
        markup=False,
        soft_wrap=True,  # paths stay whole, to copy
    )


def _check_arguments(
    sites: int,
    operators: int,
    suppliers: int,
    regions: int | None,
    seed: int,
    max_sites: int,
    min_suppliers: int,
) -> None:
    problems = [
        (option, message)
        for option, bad, message in (
            ("--sites", sites < 1, f"expected at least 1 site, got {sites}"),
            (
                "--sites",
                sites > max_sites,
                f"expected at most {max_sites:,} sites (what one machine's memory can load), "
                f"got {sites:,}",
            ),
            ("--seed", seed < 0, f"expected a seed ≥ 0, got {seed}"),
            ("--operators", operators < 1, f"expected at least 1 operator, got {operators}"),
            (
                "--suppliers",
                suppliers < min_suppliers,
                f"expected at least {min_suppliers} suppliers (one low-, one high-risk "
                f"profile), got {suppliers}",
            ),
            (
                "--regions",
                regions is not None and regions < 1,
                f"expected at least 1 region, got {regions}",
            ),
        )
        if bad
    ]
    if problems:
        raise InputError(
            [Problem(Location(COMMAND_LINE, path=option), message) for option, message in problems]
        )


def _check_not_overwriting(out: Path, names: tuple[str, ...]) -> None:
    """Refuse to replace a model already in DIR (``--out .`` in a model's folder)."""
    existing = [out / name for name in names if (out / name).exists()]
    if existing:
        listed = " and ".join(repr(str(path)) for path in existing)
        raise InputError.at(
            f"{listed} {'exists' if len(existing) == 1 else 'exist'} already; give --force "
            "to overwrite, or another --out directory",
            COMMAND_LINE,
            path="--out",
        )
