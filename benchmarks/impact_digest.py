"""A digest of every trial's impacts, to check that a change meant to be faster gives the
same results bit for bit.

On a generated model (3 operators, 5 suppliers, seed 1), the Monte Carlo's trials
(``run_trials``, one process) are hashed field by field (SHA-256 of the int64 arrays)
for each seed, and the time each took is printed beside. Run it on the code before and
after the change, alternating, and compare the digests:

    PYTHONPATH=<old tree>/src .venv/bin/python benchmarks/impact_digest.py --sites 200000
    PYTHONPATH=src .venv/bin/python benchmarks/impact_digest.py --sites 200000
"""

from __future__ import annotations

import argparse
import hashlib
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200_000)
    parser.add_argument("--trials", type=int, default=4096)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    args = parser.parse_args()

    from fiveguard.catalog import default_catalogue
    from fiveguard.modelio.generate import generate_model
    from fiveguard.simulate import prepare
    from fiveguard.simulate.engines import run_trials

    model = generate_model(sites=args.sites, operators=3, suppliers=5, seed=1)
    ready = prepare(model, default_catalogue())
    print(f"classes {ready.compiled.n_classes}")
    for seed in (int(s) for s in args.seeds.split(",")):
        started = time.perf_counter()
        impacts = run_trials(ready.compiled, ready.sources, args.trials, seed)
        seconds = time.perf_counter() - started
        digest = hashlib.sha256()
        arrays = [
            impacts.national,
            impacts.by_operator,
            impacts.by_region,
            impacts.service_assets,
            impacts.partial_by_operator,
            impacts.partial_by_region,
            impacts.storms,
        ]
        for cells in (impacts.by_service, impacts.roaming):
            if cells is not None:
                arrays += [cells.national, cells.by_operator, cells.by_region]
        for array in arrays:
            digest.update(b"-" if array is None else np.ascontiguousarray(array).tobytes())
        print(f"seed {seed}: {digest.hexdigest()[:16]}  ({seconds:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
