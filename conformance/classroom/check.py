"""Check a student copy against torch, each exercise on its own, safely and honestly.

How a check runs:

1. The copy's files are read first (no student code runs here): importing
   torch's Module machinery is refused (`provenance.static_problems`).
2. Only scenarios that run the code of their exercise are graded: which ones
   do is found on the reference, in a fork of the checker (`reach.py`).
   The package is copied into a scratch folder; a worker process
   (`conformance/classroom/worker.py`) imports it there, with the scratch folder
   as its working directory, and runs the scenarios exercise by exercise. For
   exercise N it uses the student's functions of N and the reference for the
   rest, so each exercise passes or fails on its own.
3. Torch's records are made here, in the checker's own process, which never
   runs student code (in a thread, while the worker runs).
4. The worker reports on a private pipe, each line carrying a random token;
   the checker accepts only the scenarios it asked for, in order. What the
   copy prints to stdout or stderr is kept (capped) to show, never parsed.
5. Each scenario has a time limit. A worker that hangs or dies in a scenario
   is killed and a new one continues at the next scenario; a worker that
   dies or hangs while importing the copy is reported once.
"""

from __future__ import annotations

import argparse
import functools
import hmac
import inspect
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

# Everything a forked worker needs is imported here, before any thread
# starts: a fork in the middle of an import would leave its lock held.
from . import worker, track
from .course import Course, load_course
from .provenance import static_problems
from .reach import HUNG, reaching
from ..registry import all_scenarios, load_scenario_folder
from ..backends import torch_backend
from ..runner import run as run_scenario
from .track import TEXT, TRACK, Exercise, exercise_of, set_language, tr
from ..usage import UsageError, pick_exercises

TIME_LIMIT = 10.0
# Importing torch and the copy, on a busy machine.
IMPORT_LIMIT = 60.0
# Characters kept of what one scenario (or the import) printed.
OUTPUT_LIMIT = 2_000
# After this many timeouts or crashes in one exercise the rest of it is not
# run: each costs a new worker, and one is enough to report.
MAX_LOSSES = 2
# New workers started after a timeout or crash, in one whole check.
MAX_RESTARTS = 12
# Failing scenarios shown in full per exercise.
SHOW_IN_FULL = 3
# Rows of the failing-scenario table per exercise.
TABLE_ROWS = 25
# Longest channel line accepted (a record is at most ~4 MB).
CHANNEL_LIMIT = 16_000_000
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    """What happened to one scenario on the student copy."""

    name: str
    status: str  # "pass", "fail", "timeout", "crash", "import", "skipped"
    problem: str = ""  # one line, for the table
    expected: list | None = None  # torch's record: [entries, uncaught]
    actual: list | None = None  # the copy's record
    where: str = ""  # where the copy raised an uncaught error
    output: str = ""  # what the copy printed meanwhile (capped)


@dataclass
class ExerciseResult:
    exercise: Exercise
    outcomes: list[Outcome] = field(default_factory=list)
    points: float = 10.0
    # Scenarios tagged with the exercise that never run its code (see reach.py): not graded.
    ungraded: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(o.status == "pass" for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def status(self) -> str:
        ok = self.total and self.passed == self.total
        return TEXT["status_pass"] if ok else TEXT["status_fail"]

    @property
    def score(self) -> float:
        return round(self.points * self.passed / self.total, 2) if self.total else 0.0

    @property
    def failing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "pass"]


@dataclass
class CheckResult:
    exercises: list[ExerciseResult]
    # A problem with the whole copy: nothing is graded.
    problem: str = ""
    # Problems of the course's own scenarios, shown above the results.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem and all(r.status == TEXT["status_pass"] for r in self.exercises)


# ---------------------------------------------------------------- the oracle


def _plain(value: object) -> object:
    """A value as it looks after a trip through JSON, so both sides compare alike."""
    return json.loads(json.dumps(value, default=repr))


class Oracle(threading.Thread):
    """Torch's records of the scenarios, made in this process while the worker runs.

    Like the worker, torch runs on one thread here: float sums can differ in
    the last bit with another thread count, and records must be equal.
    """

    # One scenario at a time: they seed and use torch's global random state.
    lock = threading.Lock()
    # scenario -> its plain record, kept for the life of the process.
    made: dict = {}

    def __init__(self, scenarios: list) -> None:
        super().__init__(daemon=True)
        self.scenarios, self.records = scenarios, {}
        # (scenario name, when torch started it) while one runs.
        self.running: tuple[str, float] | None = None

    def run(self) -> None:
        with self.lock:  # (no fork in the middle of this either)
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
        try:
            for scenario in self.scenarios:
                with self.lock:
                    if scenario not in self.made:
                        self.running = (scenario.name, time.monotonic())
                        record = run_scenario(scenario, _torch_backend())
                        self.made[scenario] = _plain([record.entries, record.uncaught])
                        self.running = None
                self.records[scenario.name] = self.made[scenario]
        finally:
            with self.lock:
                torch.set_num_threads(threads)

    def wait(self, time_limit: float) -> str | None:
        """Wait until torch is done; the name of a scenario it did not finish in `time_limit` s, else None.

        Such a scenario (a course's hidden scenario that loops) keeps this
        thread busy for good: the check can only stop and say so.
        """
        while self.is_alive():
            self.join(timeout=0.2)
            running = self.running
            if running is not None and time.monotonic() - running[1] > time_limit:
                return running[0]
        return None


@functools.lru_cache(maxsize=None)
def _torch_backend():
    return torch_backend()


# ---------------------------------------------------------------- the workers


class Tampered(Exception):
    """The private channel carried something the worker did not send."""


class TorchStuck(Exception):
    """torch's run of a scenario (the oracle) holds its lock far too long: no worker can start."""


class _Output:
    """What the copy printed, per scenario (or "import"), capped."""

    def __init__(self) -> None:
        self.kept: dict[object, str] = {}
        self.total: dict[object, int] = {}

    def add(self, phase: object, data: bytes) -> None:
        text = data.decode(errors="replace")
        kept = self.kept.get(phase, "")
        self.kept[phase] = kept + text[: max(OUTPUT_LIMIT - len(kept), 0)]
        self.total[phase] = self.total.get(phase, 0) + len(text)

    def show(self, phase: object) -> str:
        kept, total = self.kept.get(phase, ""), self.total.get(phase, 0)
        if not total:
            return ""
        return TEXT["printed"].format(shown=len(kept), total=total) + "\n" + kept.rstrip()


@dataclass
class _Job:
    tag: str
    name: str


class _Session:
    """One check of one copy: starts workers until every job has an outcome."""

    def __init__(self, scratch: Path, jobs: list[_Job], time_limit: float, hidden: list[Path]) -> None:
        self.scratch, self.jobs, self.time_limit, self.hidden = scratch, jobs, time_limit, hidden
        self.results: dict[int, dict] = {}  # job index -> the worker's "done" message or an outcome
        self.output = _Output()
        self.problem = ""
        self.import_problem = ""

    def run(self) -> None:
        start, restarts = 0, 0
        while start < len(self.jobs) and not self.problem and not self.import_problem:
            start = self._skip_lost_exercises(start)
            if start >= len(self.jobs):
                break
            if restarts > MAX_RESTARTS:
                for index in range(start, len(self.jobs)):
                    self._set(index, "skipped", TEXT["problem_skipped"].format(reason=TEXT["skipped_restarts"]))
                break
            try:
                start = self._run_worker(start)
            except Tampered as error:
                self.problem = TEXT["tampered"].format(reason=error)
            except TorchStuck:
                break  # check() names the scenario torch is stuck in
            restarts += 1

    def _set(self, index: int, status: str, problem: str, **extra: object) -> None:
        self.results[index] = {"status": status, "problem": problem, **extra}

    def _skip_lost_exercises(self, start: int) -> int:
        """Skip the rest of an exercise that already timed out or crashed MAX_LOSSES times."""
        while start < len(self.jobs):
            tag = self.jobs[start].tag
            lost = sum(
                r.get("status") in ("timeout", "crash") and "record" not in r
                for i, r in self.results.items() if self.jobs[i].tag == tag
            )
            if lost < MAX_LOSSES:
                return start
            self._set(start, "skipped", TEXT["problem_skipped"].format(reason=TEXT["skipped_timeouts"]))
            start += 1
        return start

    def _run_worker(self, start: int) -> int:
        """Run jobs from `start` in a new worker; return where the next worker starts."""
        channel, output, errors = os.pipe(), os.pipe(), os.pipe()
        orders = {
            "token": secrets.token_hex(16), "channel": channel[1], "start": start, "scratch": str(self.scratch),
            "package": str(self.scratch / "minitorch_module"), "jobs": [[j.tag, j.name] for j in self.jobs],
            "hidden": [str(h) for h in self.hidden],
        }
        try:
            process = _start(orders, output[1], errors[1], wait_for_torch=3 * self.time_limit)
        except TorchStuck:
            for fd in (*channel, *output, *errors):
                os.close(fd)
            raise
        for fd in (channel[1], output[1], errors[1]):
            os.close(fd)
        try:
            return _WorkerRun(self, process, channel[0], output[0], errors[0], orders["token"], start).follow()
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the worker and anything it started
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            for fd in (channel[0], output[0], errors[0]):
                os.close(fd)


class _Forked:
    """A forked worker, with the little of Popen's interface the checker uses."""

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.returncode


# Fork workers where that is safe and quick (Linux); elsewhere start a new interpreter.
FORK = sys.platform.startswith("linux")
# The new interpreter's first line: its working directory (the scratch copy)
# must not be on the import path, or `minitorch_module` would be the copy.
WORKER_MAIN = "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; " \
    "from conformance.classroom.worker import main; main()"


def _start(orders: dict, output: int, errors: int, wait_for_torch: float):
    """Start a worker: a fork of this process on Linux, a new interpreter elsewhere."""
    if FORK:
        # Torch's records are made one at a time under the oracle's lock:
        # fork between two of them, never in the middle of one. A record
        # that takes far longer than any scenario should is a loop.
        if not Oracle.lock.acquire(timeout=wait_for_torch):
            raise TorchStuck
        try:
            pid = os.fork()
        finally:
            Oracle.lock.release()
        if pid == 0:
            worker.forked(orders, output, errors)  # never returns
        return _Forked(pid)
    env = dict(os.environ)
    # The worker imports this very checker and reference, whatever its working directory.
    paths = [str(ROOT)] + [str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_MAIN], stdin=subprocess.PIPE, stdout=output, stderr=errors,
        cwd=orders["scratch"], env=env, pass_fds=(orders["channel"],), start_new_session=True,
    )
    try:
        process.stdin.write((json.dumps(orders) + "\n").encode())
        process.stdin.close()
    except BrokenPipeError:
        pass  # it died already; the checker reports how
    return process


class _WorkerRun:
    """Follow one worker: read its channel and its output until it ends, hangs or dies."""

    def __init__(self, session: _Session, process, channel: int, output: int, errors: int, token: str, start: int) -> None:
        self.session, self.process, self.token = session, process, token
        self.next = start  # the job the worker should start next
        self.running: int | None = None  # the job it is running
        self.phase: object = "import"
        self.imported = False
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(channel, selectors.EVENT_READ, "channel")
        self.selector.register(output, selectors.EVENT_READ, "output")
        self.selector.register(errors, selectors.EVENT_READ, "output")

    def follow(self) -> int:
        session = self.session
        deadline = time.monotonic() + IMPORT_LIMIT
        while True:
            for key, _ in self.selector.select(timeout=max(min(deadline - time.monotonic(), 0.2), 0)):
                if self._read(key) and key.data == "channel":
                    for message in self._messages():
                        done = self._handle(message)
                        if done is not None:
                            return done
                        deadline = time.monotonic() + (session.time_limit if self.imported else IMPORT_LIMIT)
            if self.process.poll() is not None:
                return self._died()
            if time.monotonic() > deadline:
                return self._timed_out()

    def _read(self, key: selectors.SelectorKey) -> bool:
        data = os.read(key.fd, 65536)
        if not data:
            self.selector.unregister(key.fileobj)
            return False
        if key.data == "channel":
            self.buffer += data
            if len(self.buffer) > CHANNEL_LIMIT:
                raise Tampered(TEXT["tamper_long"])
        else:
            self.session.output.add(self.phase, data)
        return True

    def _drain(self) -> None:
        """Read whatever is waiting now on every stream (a bounded amount)."""
        for _ in range(1_000):
            ready = self.selector.select(timeout=0)
            if not ready or not any(self._read(key) for key, _ in ready):
                return

    def _messages(self) -> list[dict]:
        *lines, self.buffer = self.buffer.split(b"\n")
        messages = []
        for line in lines:
            try:
                message = json.loads(line)
                valid = isinstance(message, dict) and hmac.compare_digest(str(message.get("token")), self.token)
            except ValueError:
                valid = False
            if not valid:
                raise Tampered(TEXT["tamper_token"])
            messages.append(message)
        return messages

    def _handle(self, message: dict) -> int | None:
        """Act on one message; return the next start when this worker is finished."""
        session, event = self.session, message.get("event")
        if event == "importing":
            return None
        if event == "import_error":
            self._drain()
            detail = message.get("detail", "") + (f"\n  at {message['where']}" if message.get("where") else "")
            session.import_problem = TEXT["problem_import"].format(detail=detail)
            return len(session.jobs)
        if event == "not_yours":
            session.problem = TEXT["not_yours"].format(details="\n- " + "\n- ".join(map(str, message.get("problems", []))))
            return len(session.jobs)
        if event == "imported":
            self.imported = True
            return None
        if event == "start" and message.get("index") == self.next and self.running is None:
            self._drain()
            self.running, self.phase = self.next, self.next
            return None
        if event == "done" and message.get("index") == self.running is not None:
            self._drain()
            session.results[self.running] = message
            self.running, self.next = None, self.running + 1
            self.phase = "between"
            return None
        if event == "end" and self.running is None and self.next == len(session.jobs):
            return len(session.jobs)
        raise Tampered(TEXT["tamper_unexpected"].format(event=event))

    def _died(self) -> int:
        # Read what is left: its last messages and prints.
        self._drain()
        for message in self._messages():
            done = self._handle(message)
            if done is not None:
                return done
        status = _exit_status(self.process.returncode)
        session = self.session
        if not self.imported:
            session.import_problem = TEXT["problem_import_exit"].format(status=status)
            return len(session.jobs)
        index = self.running if self.running is not None else self.next
        if index >= len(session.jobs):
            return index
        name = session.jobs[index].name
        session._set(index, "crash", TEXT["problem_crash"].format(name=name, status=status))
        return index + 1

    def _timed_out(self) -> int:
        session = self.session
        if not self.imported:
            session.import_problem = TEXT["problem_timeout_import"].format(limit=IMPORT_LIMIT)
            return len(session.jobs)
        index = self.running if self.running is not None else self.next
        name = session.jobs[index].name
        session._set(index, "timeout", TEXT["problem_timeout_scenario"].format(limit=session.time_limit, name=name))
        return index + 1


def _exit_status(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return TEXT["killed_by"].format(signal=signal.Signals(-code).name)
        except ValueError:
            pass
    return TEXT["exit_status"].format(code=code)


def _package_dir(folder: Path) -> Path:
    for candidate in (folder / "minitorch_module", folder):
        if (candidate / "__init__.py").is_file():
            return candidate
    raise UsageError(TEXT["no_package"].format(folder=folder))


def check(
    folder: Path,
    chosen: list[Exercise] | None = None,
    time_limit: float | None = None,
    course: Course | None = None,
    scenario_names: list[str] | None = None,
    graded_only: bool = True,
) -> CheckResult:
    """Check the copy in `folder`: each chosen exercise on its own (see the module docstring).

    Only scenarios that reach their exercise's code are graded (`reach.py`);
    `graded_only=False` runs the others too (for `--scenario`).
    """
    course = course or Course()
    chosen = chosen or course.exercises
    time_limit = time_limit or course.time_limit
    for hidden in course.hidden:
        load_scenario_folder(hidden)
    scenarios = all_scenarios()
    if scenario_names is not None:
        scenarios = [s for s in scenarios if s.name in scenario_names]
    tags = {e.tag for e in chosen}
    # Before the oracle's thread starts: the search forks this process.
    with Oracle.lock:
        reaches = reaching([s for s in scenarios if exercise_of(s) in tags], time_limit=time_limit)
    notes = [TEXT["hung_on_reference"].format(name=s.name, limit=time_limit)
             for s in scenarios if exercise_of(s) in tags and s.name in HUNG]
    results = [
        ExerciseResult(e, points=course.points_for(e),
                       ungraded=[s.name for s in scenarios if exercise_of(s) == e.tag and not reaches[s.name]])
        for e in chosen
    ]
    jobs = [
        _Job(r.exercise.tag, s.name) for r in results for s in scenarios
        if exercise_of(s) == r.exercise.tag and (reaches[s.name] or not graded_only)
    ]
    package_dir = _package_dir(Path(folder))
    problems = static_problems(package_dir)
    if problems:
        return CheckResult(results, TEXT["not_yours"].format(details="\n- " + "\n- ".join(problems)))

    by_name = {s.name: s for s in scenarios}
    oracle = Oracle([by_name[j.name] for j in jobs])
    oracle.start()
    scratch = Path(tempfile.mkdtemp(prefix="minitorch-check-"))
    try:
        shutil.copytree(package_dir, scratch / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
        session = _Session(scratch, jobs, time_limit, course.hidden)
        session.run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # torch runs in this process, one thread, while the copy runs in the
    # worker: give it more time than the copy gets.
    stuck = oracle.wait(3 * time_limit)
    if stuck is not None:
        return CheckResult(results, TEXT["torch_hung"].format(name=stuck, limit=3 * time_limit), notes)
    if session.problem:
        return CheckResult(results, session.problem, notes)
    by_tag = {r.exercise.tag: r for r in results}
    for index, job in enumerate(jobs):
        outcome = _outcome(job, session.results.get(index), oracle.records[job.name], session)
        by_tag[job.tag].outcomes.append(outcome)
    return CheckResult(results, notes=notes)


def _outcome(job: _Job, result: dict | None, expected: list, session: _Session) -> Outcome:
    """Judge one job: compare the copy's record with torch's."""
    if result is None:
        return Outcome(job.name, "import", session.import_problem, expected, output=session.output.show("import"))
    printed = session.output.show(session.jobs.index(job))
    if "record" not in result:
        if "crash" in result:  # sys.exit and the like, inside a scenario
            return Outcome(job.name, "crash", result["crash"], expected, where=result.get("where", ""), output=printed)
        return Outcome(job.name, result["status"], result["problem"], expected, output=printed)
    actual = _plain(result["record"])
    if actual == expected:
        return Outcome(job.name, "pass", expected=expected, actual=actual)
    first = next((row for row in difference_rows(expected, actual) if row[0]), ("!", "?", "", ""))
    return Outcome(
        job.name, "fail", TEXT["problem_fail"].format(label=first[1]), expected, actual,
        where=result.get("where", ""), output=printed,
    )


# ---------------------------------------------------------------- showing records


def describe(value: object) -> str:
    """One recorded value in words: `raises KeyError: ...`, `Parameter float32 ...`."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        kind, rest = value[0], value[1:]
        if kind == "raised" and len(rest) == 2:
            return TEXT["value_raises"].format(kind=rest[0], message=rest[1])
        if kind == "returned" and len(rest) == 1:
            return TEXT["value_returns"].format(value=describe(rest[0]))
        if kind == "tensor" and len(rest) == 6:
            cls, dtype, device, shape, grad, values = rest
            return f"{cls} {dtype} {device} shape {tuple(shape)} requires_grad={grad} {values}"
        if kind in ("repr", "type", "class") and len(rest) == 1:
            return str(rest[0])
        if kind == "is" and len(rest) == 1:
            return TEXT["value_same"].format(value=rest[0])
        if kind == "keys" and len(rest) == 1:
            return f"keys {rest[0]}"
        if kind == "set" and len(rest) == 1 and isinstance(rest[0], list):
            return "set {" + ", ".join(map(str, rest[0])) + "}"
    return repr(value)


def _cell(value: object, limit: int = 3_000) -> str:
    text = describe(value)
    return text if len(text) <= limit else text[:limit] + TEXT["more_characters"].format(count=len(text) - limit)


def difference_rows(expected: list | None, actual: list | None) -> list[tuple[str, str, str, str]]:
    """(mark, label, torch, yours) for every entry; mark is "!" where they differ."""
    left_entries, left_error = expected or ([], None)
    right_entries, right_error = actual or ([], None)
    rows = []
    for i in range(max(len(left_entries), len(right_entries))):
        left = left_entries[i] if i < len(left_entries) else None
        right = right_entries[i] if i < len(right_entries) else None
        label = (left or right)[0]
        rows.append((
            "!" if left != right else "", label,
            _cell(left[1]) if left else TEXT["value_nothing"], _cell(right[1]) if right else TEXT["value_nothing"],
        ))
    if left_error or right_error:
        show = lambda error: f"{error[0]}: {error[1]}" if error else TEXT["value_no_error"]  # noqa: E731
        rows.append(("!" if left_error != right_error else "", TEXT["uncaught_label"], show(left_error), show(right_error)))
    return rows


def _shown_rows(outcome: Outcome, every_row: bool) -> list[tuple[str, str, str, str]]:
    rows = difference_rows(outcome.expected, outcome.actual if outcome.actual is not None else [[], None])
    if every_row or len(rows) <= 12:
        return rows
    return [r for r in rows if r[0]][:10]


def _scenario_place(name: str) -> str:
    scenario = next(s for s in all_scenarios() if s.name == name)
    code = scenario.func.__code__
    path = Path(code.co_filename)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{code.co_firstlineno}"


def _scenario_doc(name: str) -> str:
    # In the report's language; a teacher's hidden scenario has no
    # translation and stays in the English its author wrote.
    return next(s.doc_in(track.LANGUAGE) for s in all_scenarios() if s.name == name)


def outcome_text(outcome: Outcome, exercise: Exercise, every_row: bool = False, width: int = 100) -> str:
    """One failing scenario in full, as plain text (for JSON and logs)."""
    lines = [textwrap.fill(TEXT["scenario_heading"].format(name=outcome.name, where=_scenario_place(outcome.name)), width)]
    lines.append(textwrap.fill(TEXT["what_it_does"].format(doc=_scenario_doc(outcome.name)), width))
    if outcome.status != "fail":
        lines.append(textwrap.fill(outcome.problem, width))
    torch_name, yours_name = TEXT["torch_vs_yours"]
    for mark, label, left, right in _shown_rows(outcome, every_row) if outcome.actual is not None else []:
        lines.append(textwrap.fill(label, width, initial_indent=f"{mark or ' '} ", subsequent_indent="    "))
        for who, text in ((torch_name, left), (yours_name, right)):
            lines.append(textwrap.fill(text, width, initial_indent=f"    {who + ':':<11}", subsequent_indent=" " * 15))
    if outcome.where:
        lines.append(TEXT["raised_at"].format(where=outcome.where))
    if outcome.output:
        lines.append(outcome.output)
    lines.append(textwrap.fill(TEXT["hint"].format(hint=tr(exercise.hint_for(outcome.name).text), page=exercise.page), width))
    return "\n".join(lines)


# ---------------------------------------------------------------- reports

def print_report(result: CheckResult, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=TEXT["report_title"].format(version=torch.__version__))
    for column in TEXT["report_columns"]:
        table.add_column(column)
    for r in result.exercises:
        style = "green" if r.status == TEXT["status_pass"] and not result.problem else "red"
        score = 0 if result.problem else r.score
        passed = "-" if result.problem else f"{r.passed}/{r.total}"
        table.add_row(str(r.exercise.number), tr(r.exercise.title), passed, f"{score:g}/{r.points:g}",
                      f"[{style}]{r.status}[/]")
    console.print(table)
    for note in result.notes:
        console.print(note, markup=False, highlight=False, style="yellow")
    if result.problem:
        console.rule(f"[red]{TEXT['not_yours_heading']}")
        console.print(result.problem, markup=False, highlight=False)
        return
    for r in result.exercises:
        if r.failing:
            _print_exercise(console, r)


def _print_exercise(console, r: ExerciseResult) -> None:
    from rich.table import Table
    from rich.text import Text

    console.rule(TEXT["exercise_heading"].format(
        number=r.exercise.number, title=tr(r.exercise.title), failing=len(r.failing), total=r.total))
    # One problem for the whole copy (it did not import): say it once.
    if all(o.status == "import" for o in r.failing):
        console.print(r.failing[0].problem, markup=False, highlight=False)
        if r.failing[0].output:
            console.print(r.failing[0].output, markup=False, highlight=False)
        return
    table = Table(show_edge=False, box=None, padding=(0, 2, 0, 0))
    for column in TEXT["failing_table_columns"]:
        table.add_column(column, overflow="fold")
    for o in r.failing[:TABLE_ROWS]:
        table.add_row(Text(o.name), Text(o.problem))
    if len(r.failing) > TABLE_ROWS:
        table.add_row(TEXT["more_rows"].format(count=len(r.failing) - TABLE_ROWS), "")
    console.print(table)
    console.print(TEXT["in_full"].format(count=min(SHOW_IN_FULL, len(r.failing))), highlight=False)
    for o in r.failing[:SHOW_IN_FULL]:
        print_outcome(console, o, r.exercise)


def print_outcome(console, o: Outcome, exercise: Exercise, every_row: bool = False) -> None:
    """One scenario in full: where it is, what it does, torch and the copy side by side."""
    from rich.table import Table
    from rich.text import Text

    console.print()
    console.print(TEXT["scenario_heading"].format(name=f"[bold]{o.name}[/]", where=_scenario_place(o.name)),
                  highlight=False)
    console.print(TEXT["what_it_does"].format(doc=_scenario_doc(o.name)), markup=False, highlight=False)
    if o.status not in ("fail", "pass"):
        console.print(o.problem, markup=False, highlight=False, style="red")
    if o.actual is not None:
        torch_name, yours_name = TEXT["torch_vs_yours"]
        table = Table(show_lines=True, expand=True)
        table.add_column("", width=1, style="red")
        table.add_column("", ratio=2, overflow="fold")
        table.add_column(torch_name, ratio=3, overflow="fold")
        table.add_column(yours_name, ratio=3, overflow="fold")
        for row in _shown_rows(o, every_row):
            table.add_row(*map(Text, row))
        console.print(table, markup=False, highlight=False)
    for text in (o.where and TEXT["raised_at"].format(where=o.where), o.output):
        if text:
            console.print(text, markup=False, highlight=False)
    if o.status != "pass":
        console.print(TEXT["hint"].format(hint=tr(exercise.hint_for(o.name).text), page=exercise.page),
                      markup=False, highlight=False, style="yellow")


def gradescope_json(result: CheckResult) -> dict:
    """Results in Gradescope's autograder format: one test per exercise."""
    tests = []
    for r in result.exercises:
        if result.problem:
            output = result.problem
        else:
            output = TEXT["agree_count"].format(passed=r.passed, total=r.total)
            if r.failing:
                output += "\n\n" + "\n".join(f"- {o.name}: {o.problem}" for o in r.failing)
                output += "\n\n" + "\n\n".join(outcome_text(o, r.exercise) for o in r.failing[:SHOW_IN_FULL])
        tests.append({
            "name": f"{r.exercise.number}. {r.exercise.title}",
            "score": 0 if result.problem else r.score,
            "max_score": r.points,
            "status": "passed" if r.status == TEXT["status_pass"] and not result.problem else "failed",
            "visibility": "visible",
            "output": output,
        })
    passed = sum(t["status"] == "passed" for t in tests)
    score = round(sum(t["score"] for t in tests), 2)
    summary = TEXT["summary"].format(passed=passed, total=len(tests), score=score, max_score=sum(r.points for r in result.exercises))
    return {
        "score": score,
        "visibility": "visible",
        "output": "\n\n".join([summary, *result.notes] + ([result.problem] if result.problem else [])),
        "tests": tests,
    }


# ---------------------------------------------------------------- the command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="a student copy made by `minitorch-module exercises new`")
    parser.add_argument("--exercise", action="append", metavar="N", help="check only exercise N (number or tag); repeatable")
    parser.add_argument("--scenario", metavar="NAME", help="run one scenario: show its source and both records")
    parser.add_argument("--course", metavar="FILE", help="a course file (TOML); default: DIR/course.toml if present")
    parser.add_argument("--json", metavar="FILE", help="write the results in Gradescope's format")
    parser.add_argument("--time-limit", type=float, metavar="S", help=f"seconds per scenario (default {TIME_LIMIT:g})")
    parser.add_argument("--lang", metavar="LANG", help="report language: en or zh (default: from LANG)")


def run(args: argparse.Namespace) -> int:
    """`minitorch-module check DIR`: exit 0 all pass, 1 some fail."""
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"no folder {folder}")
    set_language(args.lang)
    course_file = Path(args.course) if args.course else folder / "course.toml"
    course = load_course(course_file) if args.course or course_file.is_file() else Course()
    if args.scenario:
        return _run_one(folder, args.scenario, course, args.time_limit)
    chosen = pick_exercises(args.exercise) if args.exercise else course.exercises
    result = check(folder, chosen, args.time_limit, course)
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(gradescope_json(result), indent=2))
    return 0 if result.ok else 1


def _run_one(folder: Path, name: str, course: Course, time_limit: float | None) -> int:
    """`check DIR --scenario NAME`: the scenario's source, then torch's and the copy's records in full."""
    from rich.console import Console
    from rich.syntax import Syntax

    for hidden in course.hidden:
        load_scenario_folder(hidden)
    scenario = next((s for s in all_scenarios() if s.name == name), None)
    if scenario is None:
        raise UsageError(f"unknown scenario {name!r}; `minitorch-module compare` lists them by topic")
    exercise = TRACK[exercise_of(scenario)]
    result = check(folder, [exercise], time_limit, course, scenario_names=[name], graded_only=False)
    console = Console()
    if result.problem:
        console.print(result.problem, markup=False, highlight=False)
        return 1
    outcome = result.exercises[0].outcomes[0]
    console.print(TEXT["scenario_source"].format(where=_scenario_place(name)), highlight=False)
    console.print(Syntax(textwrap.dedent(inspect.getsource(scenario.func)), "python"))
    print_outcome(console, outcome, exercise, every_row=True)
    if result.exercises[0].ungraded:
        console.print(TEXT["scenario_not_graded"].format(number=exercise.number), highlight=False)
    verdict = "scenario_verdict_pass" if outcome.status == "pass" else "scenario_verdict_fail"
    console.print(TEXT[verdict].format(name=name), highlight=False)
    return 0 if outcome.status == "pass" else 1
