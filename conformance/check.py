"""Check a student copy against torch, exercise by exercise, safely.

Student code can hang, recurse forever, call `sys.exit()` or print megabytes.
So the scenarios run in a worker process (`python -m conformance.check
worker ...`) that reports one JSON line per scenario on its own pipe. The
parent gives each scenario a time limit; on a timeout or a crash it kills the
worker and starts a new one at the next scenario.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .exercises import TRACK, Exercise, by_number_or_tag
from .i18n import resolve_lang, translator

# Limits for one scenario: time, and output kept from its prints.
TIME_LIMIT = 10.0
OUTPUT_LIMIT = 4_000
# After this many timeouts in one exercise the rest is not run: each costs a
# full time limit plus a new worker, and one endless loop is enough to report.
MAX_TIMEOUTS = 2


@dataclass
class Outcome:
    """What happened to one scenario on the student copy."""

    name: str
    status: str  # "pass", "fail", "timeout", "crash", "import"
    detail: str = ""


@dataclass
class ExerciseResult:
    exercise: Exercise
    outcomes: list[Outcome] = field(default_factory=list)
    waiting_for: list[Exercise] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(o.status == "pass" for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.exercise.scenarios)

    @property
    def status(self) -> str:
        if self.waiting_for:
            return "waiting for " + ", ".join(str(n) for n in sorted(e.number for e in self.waiting_for))
        return "pass" if self.passed == self.total else "fail"


# ---------------------------------------------------------------- worker side


class _CappedText(io.TextIOBase):
    """A stdout stand-in that keeps the first OUTPUT_LIMIT characters only."""

    def __init__(self) -> None:
        self.kept, self.dropped = [], 0

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - sum(map(len, self.kept))
        self.kept.append(text[: max(room, 0)])
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)


def worker(folder: str, tag: str, start: int) -> None:
    """Run exercise `tag`'s scenarios from index `start`; one JSON line each."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    # The student's prints go to a capped buffer, never to our pipe.
    sys.stdout = sys.stderr = _CappedText()

    def send(**message: object) -> None:
        channel.write(json.dumps(message) + "\n")

    from .backends import folder_backend
    from .runner import compare

    try:
        backend = folder_backend(folder)
    except BaseException as error:  # noqa: BLE001 - a broken copy is reported
        send(event="import", detail=_import_error_text(error))
        return
    for index, scenario in enumerate(TRACK[tag].scenarios[start:], start=start):
        send(event="start", index=index, name=scenario.name)
        sys.stdout.kept.clear()
        try:
            comparison = compare(scenario, backend)
        except BaseException as error:  # noqa: BLE001 - SystemExit, KeyboardInterrupt...
            send(event="done", name=scenario.name, status="crash", detail=_crash_text(error))
            continue
        detail = "" if comparison.agree else comparison.side_by_side(width=38)
        if not comparison.agree and comparison.actual.uncaught:
            # The table cuts long cells; the student needs the whole message.
            kind, message = comparison.actual.uncaught
            detail += f"\nYour code raised {kind}: {message[:OUTPUT_LIMIT]}"
        send(event="done", name=scenario.name, status="pass" if comparison.agree else "fail", detail=detail)


def _import_error_text(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError in {error.filename}, line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}"


def _crash_text(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"your code called sys.exit({error.code!r}); a method must return or raise instead"
    return f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------- parent side


def run_exercise(folder: Path, exercise: Exercise, time_limit: float = TIME_LIMIT) -> list[Outcome]:
    """Run every scenario of `exercise` on the copy in `folder`, in workers."""
    outcomes: list[Outcome] = []
    names = [s.name for s in exercise.scenarios]
    while len(outcomes) < len(names):
        outcomes.extend(_run_worker(folder, exercise, len(outcomes), names, time_limit))
        if sum(o.status == "timeout" for o in outcomes) >= MAX_TIMEOUTS:
            skipped = "not run: earlier scenarios of this exercise timed out"
            outcomes.extend(Outcome(n, "skipped", skipped) for n in names[len(outcomes):])
    return outcomes


def _run_worker(folder: Path, exercise: Exercise, start: int, names: list[str], limit: float) -> list[Outcome]:
    command = [sys.executable, "-m", "conformance.check", "worker", str(folder), exercise.tag, str(start)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    outcomes: list[Outcome] = []
    current, deadline = None, time.monotonic() + 60  # start-up: importing torch
    try:
        while True:
            if not selector.select(timeout=max(deadline - time.monotonic(), 0)):
                # No word from the worker in time: the scenario hangs.
                name = current or names[start + len(outcomes)]
                outcomes.append(Outcome(name, "timeout", f"no result after {limit:g} s: an endless loop?"))
                return outcomes
            line = process.stdout.readline()
            if not line:  # the worker died
                if current:
                    tail = process.stderr.read()[-OUTPUT_LIMIT:] if process.stderr else ""
                    outcomes.append(Outcome(current, "crash", f"the process died: {tail.strip()}"))
                return outcomes
            message = json.loads(line)
            if message["event"] == "import":
                # Nothing can run: every scenario reports the same error.
                return [Outcome(n, "import", message["detail"]) for n in names[start:]]
            if message["event"] == "start":
                current, deadline = message["name"], time.monotonic() + limit
            else:
                outcomes.append(Outcome(message["name"], message["status"], message["detail"]))
                current = None
                if start + len(outcomes) == len(names):
                    return outcomes
    finally:
        process.kill()
        process.wait()


def check(folder: Path, chosen: list[Exercise], time_limit: float = TIME_LIMIT) -> list[ExerciseResult]:
    """Check exercises in track order; one whose prerequisites fail waits."""
    wanted = {e.tag for e in chosen}
    # Prerequisites are checked too, so "waiting" is known.
    def add_needs(tag: str) -> None:
        for need in TRACK[tag].needs:
            if need not in wanted:
                wanted.add(need)
                add_needs(need)

    for tag in list(wanted):
        add_needs(tag)
    results: dict[str, ExerciseResult] = {}
    for exercise in TRACK.values():
        if exercise.tag not in wanted:
            continue
        result = ExerciseResult(exercise)
        result.waiting_for = [TRACK[n] for n in exercise.needs if results[n].status != "pass"]
        if not result.waiting_for:
            result.outcomes = run_exercise(folder, exercise, time_limit)
        results[exercise.tag] = result
    return [results[e.tag] for e in TRACK.values() if e.tag in {c.tag for c in chosen}]


# ---------------------------------------------------------------- reports

# What the report prints around the results, keyed for the translation
# catalogs (conformance/i18n.py); `{...}` fields are filled in after.
MESSAGES = (
    "Your copy against torch", "exercise", "passed", "status",
    "pass", "fail", "waiting for {numbers}", "timeout", "crash", "import", "skipped",
    "Exercise {number}: {title}",
    "First problem: {name} ({status})",
    "torch on the left, your copy on the right (! marks a difference):",
    "Hint: {hint} Read {page}.",
)


def first_problem(result: ExerciseResult) -> Outcome | None:
    return next((o for o in result.outcomes if o.status != "pass"), None)


def gradescope_json(results: list[ExerciseResult]) -> dict:
    """Results in Gradescope's autograder format: one test per exercise."""
    tests = []
    for r in results:
        problem = first_problem(r)
        output = f"{r.passed}/{r.total} scenarios agree with torch. Status: {r.status}."
        if problem:
            output += f"\nFirst problem: {problem.name} ({problem.status})\n{problem.detail}"
        tests.append({
            "name": f"{r.exercise.number}. {r.exercise.title}",
            "score": r.passed,
            "max_score": r.total,
            "status": "passed" if r.status == "pass" else "failed",
            "visibility": "visible",
            "output": output,
        })
    return {
        "score": sum(t["score"] for t in tests),
        "visibility": "visible",
        "output": f"{sum(r.status == 'pass' for r in results)} of {len(results)} exercises pass.",
        "tests": tests,
    }


def _status_text(result: ExerciseResult, _) -> str:
    if result.waiting_for:
        return _("waiting for {numbers}").format(numbers=", ".join(str(n) for n in sorted(e.number for e in result.waiting_for)))
    return _(result.status)


def print_report(results: list[ExerciseResult], lang: str | None = "en") -> None:
    from rich.console import Console
    from rich.table import Table

    # Headings, goals and hints in the student's language; scenario
    # records and torch's messages stay as torch prints them.
    _ = translator(lang)
    console = Console()
    table = Table(title=_("Your copy against torch"))
    table.add_column("#")
    for column in ("exercise", "passed", "status"):
        table.add_column(_(column))
    for r in results:
        style = "green" if r.status == "pass" else ("yellow" if r.waiting_for else "red")
        table.add_row(str(r.exercise.number), _(r.exercise.title), f"{r.passed}/{r.total}", f"[{style}]{_status_text(r, _)}[/]")
    console.print(table)
    for r in results:
        problem = first_problem(r)
        if not problem:
            continue
        console.rule(_("Exercise {number}: {title}").format(number=r.exercise.number, title=_(r.exercise.title)))
        status = _(problem.status)
        console.print(_("First problem: {name} ({status})").format(name=f"[bold]{problem.name}[/]", status=status), highlight=False)
        if problem.status == "fail":
            console.print(_("torch on the left, your copy on the right (! marks a difference):"), highlight=False)
        console.print(problem.detail, markup=False, highlight=False)
        console.print(_("Hint: {hint} Read {page}.").format(hint=_(r.exercise.hints[0]), page=r.exercise.page), highlight=False)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="a student copy made by `minitorch-module exercises new`")
    parser.add_argument("--exercise", action="append", metavar="N", help="check only exercise N (number or tag); repeatable")
    parser.add_argument("--json", metavar="FILE", help="write the results in Gradescope's format")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="S", help="seconds per scenario")
    parser.add_argument("--lang", metavar="LANG", help="report language: en or zh (default: from LANG)")


def run(args: argparse.Namespace) -> int:
    """`minitorch-module check DIR`: exit 0 all pass, 1 some fail."""
    from .cli import UsageError

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"no folder {folder}")
    try:
        chosen = [by_number_or_tag(key) for key in args.exercise] if args.exercise else list(TRACK.values())
    except KeyError as error:
        raise UsageError(f"unknown exercise {error.args[0]!r}; use a number 1-{len(TRACK)} or a tag") from None
    results = check(folder, chosen, args.time_limit)
    print_report(results, resolve_lang(args.lang))
    if args.json:
        Path(args.json).write_text(json.dumps(gradescope_json(results), indent=2))
    return 0 if all(r.status == "pass" for r in results) else 1


if __name__ == "__main__":
    # The worker entry point: python -m conformance.check worker DIR TAG START
    _, mode, folder, tag, start = sys.argv
    worker(folder, tag, int(start))
