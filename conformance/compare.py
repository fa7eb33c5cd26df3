"""`minitorch-module compare`: every scenario on torch and on the clone, as tables."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .backends import get_backend
from .usage import UsageError
from .registry import TOPICS, all_scenarios
from .runner import Comparison, compare


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--topic", action="append", metavar="T", help="only this topic (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument(
        "--impl", default="clone", metavar="DIR", help="what to compare with torch: 'clone' (default) or a folder"
    )
    parser.add_argument("--show", type=int, default=5, metavar="N", help="show details of the first N differences")


def run(args: argparse.Namespace) -> int:
    scenarios = all_scenarios()
    if args.topic:
        unknown = [t for t in args.topic if t not in TOPICS]
        if unknown:
            raise UsageError(f"unknown topic {unknown[0]!r}; choose from: {', '.join(TOPICS)}")
        scenarios = [s for s in scenarios if s.topic in args.topic]
    try:
        backend = get_backend(args.impl)
    except (FileNotFoundError, ImportError, SyntaxError) as error:
        raise UsageError(f"cannot load {args.impl}: {error}") from None

    console = Console()
    results: list[Comparison] = []
    with Progress(
        TextColumn("[bold]comparing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(scenarios))
        for scenario in scenarios:
            progress.update(task, description=scenario.name)
            results.append(compare(scenario, backend))
            progress.advance(task)

    _print_tables(console, results, backend.name)
    differ = [r for r in results if not r.agree]
    for result in differ[: args.show]:
        console.rule(f"[red]{result.scenario.topic} / {result.scenario.name}")
        console.print(result.side_by_side(), markup=False, highlight=False)
    if args.json:
        _write_json(Path(args.json), results, backend.name)
    return 1 if differ else 0


def _print_tables(console: Console, results: list[Comparison], backend_name: str) -> None:
    total = Counter(r.scenario.topic for r in results)
    agree = Counter(r.scenario.topic for r in results if r.agree)
    table = Table(title=f"torch {torch.__version__} vs {backend_name}")
    table.add_column("topic")
    table.add_column("scenarios", justify="right")
    table.add_column("agree", justify="right", style="green")
    table.add_column("differ", justify="right")
    for topic in TOPICS:
        if total[topic]:
            differ = total[topic] - agree[topic]
            table.add_row(topic, str(total[topic]), str(agree[topic]), f"[red]{differ}" if differ else "0")
    n, ok = sum(total.values()), sum(agree.values())
    table.add_section()
    table.add_row("[bold]all", f"[bold]{n}", f"[bold]{ok}", f"[bold red]{n - ok}" if n - ok else "[bold]0")
    console.print(table)


def _write_json(path: Path, results: list[Comparison], backend_name: str) -> None:
    data = {
        "torch_version": torch.__version__,
        "backend": backend_name,
        "summary": {
            "scenarios": len(results),
            "agree": sum(r.agree for r in results),
            "differ": sum(not r.agree for r in results),
        },
        "scenarios": [
            {
                "name": r.scenario.name,
                "topic": r.scenario.topic,
                "agree": r.agree,
                "torch": r.expected.comparable(),
                "impl": r.actual.comparable(),
            }
            for r in results
        ],
    }
    path.write_text(json.dumps(data, indent=1, default=repr))
