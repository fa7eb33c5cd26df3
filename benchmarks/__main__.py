"""`python -m benchmarks`: run every case and write the results.

Example:
    python -m benchmarks --quick        # tiny models, a few seconds
    python -m benchmarks                # the real sizes, several minutes
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from .cases import FULL, QUICK, Results, run_all
from .report import copy_plot, growth_rows, rich_table, write_all

RESULTS = Path(__file__).parent / "results"
DOCS = Path(__file__).parent.parent / "docs"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; print the table; write results. Returns 0."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny models and few rounds: a smoke run")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)

    # A quick run must not overwrite the real results on the docs site.
    out = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    # Wide enough for every column, even when the output goes to a file.
    console = Console(width=max(Console().width, 160))
    results = run_all(QUICK if args.quick else FULL, Results(), progress=console.log)

    console.print(rich_table(results))
    for method, torch_slope, clone_slope, target, met in growth_rows(results):
        console.print(f"growth of {method}: torch {torch_slope}, clone {clone_slope} (target {target}): {met}")
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    paths = write_all(results, out, command)
    # Only a full run into the default folder updates the docs page.
    if not args.quick and args.out is None:
        paths["plot"] = copy_plot(paths, DOCS)
    for path in paths.values():
        console.print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
