"""Reporting: the terminal table, latest.json, latest.md and scaling.png."""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

import torch
from rich.table import Table

from .cases import SCALED, Results, Row, growth_exponent

# Growth of case 6 counts as linear while the log-log slope stays below this.
LINEAR_SLOPE = 1.1

COLUMNS = ["case", "what", "torch", "clone", "spread t/c", "clone/torch", "floor", "clone/floor", "target", "met?"]


def machine() -> dict[str, Any]:
    """Where the numbers came from: CPU, cores, Python and torch versions."""
    cpu = platform.processor() or platform.machine()
    # On Linux the CPU model name is in /proc/cpuinfo.
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def seconds(value: float) -> str:
    """A time with a unit that keeps it short.

    Example:
        >>> seconds(0.000123)
        '123.0 µs'
    """
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value / 1e-9:.0f} ns"


def target_text(row: Row) -> str:
    """The row's targets, such as 'c/t ≤ 1.0, c/f ≤ 1.05'."""
    parts = []
    if row.ratio_target is not None:
        parts.append(f"c/t ≤ {row.ratio_target:g}")
    if row.floor_target is not None:
        parts.append(f"c/f ≤ {row.floor_target:g}")
    return ", ".join(parts) or "-"


def cells(row: Row) -> list[str]:
    """The text of each column for one row (the same in every format)."""
    met = {True: "yes", False: "no", None: "-"}[row.met]
    return [
        row.case,
        row.name,
        seconds(row.torch.median),
        seconds(row.clone.median),
        f"{row.torch.spread:.0%} / {row.clone.spread:.0%}",
        f"{row.ratio:.2f}",
        seconds(row.floor.median) if row.floor else "-",
        f"{row.floor_ratio:.2f}" if row.floor_ratio is not None else "-",
        target_text(row),
        met,
    ]


def growth_rows(results: Results) -> list[list[str]]:
    """One line per scaled method: the growth exponent of each side."""
    lines = []
    for method in SCALED:
        curves = results.scaling.get(method)
        if not curves:
            continue
        slopes = {side: growth_exponent(points) for side, points in curves.items()}
        met = "yes" if slopes["clone"] <= LINEAR_SLOPE else "no"
        lines.append([method, f"{slopes['torch']:.2f}", f"{slopes['clone']:.2f}", f"≤ {LINEAR_SLOPE}", met])
    return lines


def rich_table(results: Results) -> Table:
    """The results as a rich table for the terminal."""
    table = Table(title="minitorch_module vs torch.nn (medians)")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("case", "what", "target") else "right")
    for row in results.rows:
        table.add_row(*cells(row))
    return table


def markdown(results: Results, info: dict[str, Any], command: str) -> str:
    """The results as a Markdown page fragment (tables, machine, command)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in results.rows]
    lines += [
        "",
        "Growth of case 6 (slope of log time against log modules; 1.0 is linear):",
        "",
        "| method | torch | clone | target | met? |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(line) + " |" for line in growth_rows(results)]
    lines += [
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores ({info['torch_threads']} torch threads), "
        f"Python {info['python']}, torch {info['torch']}, {info['platform']}. Measured {info['date']}.",
        "",
        f"Reproduce with `{command}`.",
        "",
    ]
    return "\n".join(lines)


def to_json(results: Results, info: dict[str, Any]) -> dict[str, Any]:
    """The results as plain data for latest.json."""
    rows = []
    for row in results.rows:
        rows.append(
            {
                "case": row.case,
                "name": row.name,
                "torch": row.torch.to_dict(),
                "clone": row.clone.to_dict(),
                "floor": row.floor.to_dict() if row.floor else None,
                "clone_over_torch": row.ratio,
                "clone_over_floor": row.floor_ratio,
                "ratio_target": row.ratio_target,
                "floor_target": row.floor_target,
                "met": row.met,
            }
        )
    growth = {line[0]: {"torch": float(line[1]), "clone": float(line[2])} for line in growth_rows(results)}
    return {"machine": info, "rows": rows, "scaling": results.scaling, "growth_exponent": growth}


def plot(results: Results, path: Path) -> None:
    """Draw case 6: time against number of modules, log-log, one line per side."""
    # Imported here: matplotlib is only in the `bench` extra, and a plain
    # import of this module should not need it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results.scaling), figsize=(5 * len(results.scaling), 4))
    for ax, (method, curves) in zip(axes, results.scaling.items()):
        for side, points in curves.items():
            ax.plot([n for n, _ in points], [t for _, t in points], marker="o", label=side)
        # A dashed line of slope 1 through torch's first point: linear growth
        # looks like this line, whatever the speed.
        first_n, first_t = curves["torch"][0]
        sizes = [n for n, _ in curves["torch"]]
        ax.plot(sizes, [first_t * n / first_n for n in sizes], "--", color="gray", label="linear growth")
        ax.set(xscale="log", yscale="log", title=method, xlabel="modules in the tree", ylabel="seconds (median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_all(results: Results, folder: Path, command: str) -> dict[str, Path]:
    """Write latest.json, latest.md and scaling.png into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    info = machine()
    paths = {"json": folder / "latest.json", "md": folder / "latest.md", "png": folder / "scaling.png"}
    paths["json"].write_text(json.dumps(to_json(results, info), indent=2) + "\n")
    paths["md"].write_text(markdown(results, info, command))
    plot(results, paths["png"])
    return paths


# The Performance page of the docs site includes `latest.md` (a snippet),
# and shows this copy of the plot: a full run updates the page.
def copy_plot(paths: dict[str, Path], docs: Path) -> Path:
    """Copy the plot of a full run to docs/assets/performance/."""
    assets = docs / "assets" / "performance"
    assets.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(paths["png"], assets / "scaling.png"))
