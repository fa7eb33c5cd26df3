"""Which scenarios reach their exercise's code, so only those are graded.

Exercise N is graded with the student's functions for N and the reference for
everything else. A scenario tagged N that never calls one of N's marked
functions passes whatever the student wrote, so it proves nothing about N
and gives no points: it is "not graded" (`exercises list` and the exercise
pages name these scenarios).

Whether a scenario reaches its exercise is found by running it once on the
reference clone, in the checker (never on a student's copy), with a trace
function that watches for the code of the exercise's marked functions. On
Linux that run happens in a forked child of the checker, which stops each
scenario at the first call it was looking for and then exits, so an
interrupted scenario cannot leave global state behind. A scenario that is
still running after the time limit (a teacher's hidden scenario that loops)
is stopped with its child, is not graded, and is named in `HUNG`. The answers are kept
for the life of the process, and in a small cache file: running the
scenarios that never reach their exercise takes a while, and the answer only
changes with the source. The file's name is a hash of the reference, this
checker and torch's version; each entry's key holds a hash of the
scenario's folder (a teacher's hidden folder has its own).
`MINITORCH_MODULE_CACHE` names the cache folder ("off": no file).
The checker reads the file before any student code runs.

A fork is safe only before torch has started its pool of worker threads: a
forked child of a process that already ran parallel torch code can hang
forever waiting for threads it does not have. The checker searches before
it runs anything; the docs build and `exercises list`, which ran scenarios
already, ask a fresh interpreter instead (`python -m conformance.classroom.reach`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import CodeType

import minitorch_module as reference
import torch

from ..backends import clone_backend
from .exercises import locate, regions
from .track import exercise_of
from ..registry import Scenario, all_scenarios
from ..runner import run

# Fork a child for the search where that is safe and quick (Linux).
FORK = sys.platform.startswith("linux")
# Scenario -> whether it reaches the code of its exercise.
_KNOWN: dict[Scenario, bool] = {}
# Seconds one scenario may run on the reference in the search. A teacher's
# hidden scenario can loop forever; it is then not graded (and named here).
SEARCH_LIMIT = 60.0
HUNG: set[str] = set()


class _Reached(BaseException):
    """Stops a scenario in the child: it reached its exercise. Not an Exception, so no scenario catches it."""


def _code_of(obj: object) -> list[CodeType]:
    """The code objects behind a class attribute: a function, a static/class method or a property."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        return [f.__code__ for f in (obj.fget, obj.fset, obj.fdel) if f is not None]
    return [obj.__code__]


def marked_code() -> dict[CodeType, str]:
    """The reference's marked functions: code object -> exercise tag."""
    found = {}
    for region in regions():
        _, owner, name = locate(region, reference.__name__)
        for code in _code_of(vars(owner)[name]):
            found[code] = region.tag
    return found


def _search(scenarios: list[Scenario], stop_early: bool, report=None) -> list[bool]:
    """Run each scenario on the reference; note whether it calls its exercise's code.

    `report(reached)` hears each answer as soon as it is known.
    """
    codes, backend = marked_code(), clone_backend()
    found = []
    for scenario in scenarios:
        reached = False

        def watch(frame, event, arg):
            nonlocal reached
            # Called once per new Python frame; returning None traces no lines.
            if codes.get(frame.f_code) == exercise_of(scenario):
                reached = True
                if stop_early:
                    raise _Reached
            return None

        sys.settrace(watch)
        try:
            run(scenario, backend)
        except _Reached:
            pass
        finally:
            sys.settrace(None)
        found.append(reached)
        if report is not None:
            report(reached)
    return found


def _search_in_child(scenarios: list[Scenario], time_limit: float = SEARCH_LIMIT) -> list[bool] | None:
    """`_search` in forked children (quick: each scenario stops at the first hit).

    A scenario still running after `time_limit` seconds is stopped with its
    child: it does not reach (it is not graded) and is named in `HUNG`; a new
    child goes on with the scenarios after it. None if a child failed.
    """
    found: list[bool] = []
    while len(found) < len(scenarios):
        rest = scenarios[len(found):]
        answers, finished = _child_answers(rest, time_limit)
        if answers is None:
            return None
        found += answers
        if not finished:
            HUNG.add(rest[len(answers)].name)
            found.append(False)
    return found


def _child_answers(scenarios: list[Scenario], time_limit: float) -> tuple[list[bool] | None, bool]:
    """The answers of one forked child, one line each; whether it got through them all in time."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one answer per line on the pipe, then exit whatever happened
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "w") as pipe:
                def report(reached: bool) -> None:
                    pipe.write(f"{int(reached)}\n")
                    pipe.flush()

                _search(scenarios, stop_early=True, report=report)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    answers: list[bool] = []
    buffer = b""
    deadline = time.monotonic() + time_limit
    with selectors.DefaultSelector() as watch:
        watch.register(read, selectors.EVENT_READ)
        while True:
            if not watch.select(timeout=max(0.0, deadline - time.monotonic())):
                os.kill(pid, signal.SIGKILL)  # this scenario took too long
                os.waitpid(pid, 0)
                os.close(read)
                return answers, False
            chunk = os.read(read, 4096)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            answers += [line == b"1" for line in lines]
            if lines:  # the next scenario gets a full time limit
                deadline = time.monotonic() + time_limit
    os.close(read)
    status = os.waitpid(pid, 0)[1]
    ok = os.waitstatus_to_exitcode(status) == 0 and len(answers) == len(scenarios)
    return (answers, True) if ok else (None, True)


def _digest(folder: Path, files: list[Path], salt: str = "") -> str:
    """A hash of some files of `folder`: their names there and their text."""
    digest = hashlib.sha256(salt.encode())
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def cache_file() -> Path | None:
    """The cache file for the current reference and checker, or None when caching is off."""
    folder = os.environ.get("MINITORCH_MODULE_CACHE")
    if folder == "off":
        return None
    if not folder:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "minitorch-module"
    package, here = Path(reference.__file__).parent, Path(__file__).parent
    harness = here.parent
    checker = [here / "reach.py", here / "exercises.py"] + [
        harness / name for name in ("runner.py", "recorder.py", "backends.py", "normalize.py")
    ]
    versions = f"{torch.__version__} {sys.version_info[:2]}"
    return Path(folder) / f"reach-{_digest(package, list(package.rglob('*.py')), _digest(harness, checker, versions))}.json"


@functools.lru_cache(maxsize=None)
def _folder_digest(folder: Path) -> str:
    return _digest(folder, list(folder.glob("*.py")))


def _key(scenario: Scenario) -> str:
    """A scenario's entry in the cache: its name and the text of its folder (a hidden folder has its own)."""
    return f"{scenario.name} {_folder_digest(Path(scenario.func.__code__.co_filename).parent)}"


def _read_cache(path: Path | None) -> dict[str, bool]:
    try:
        data = json.loads(path.read_text()) if path else {}
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, bool)} if isinstance(data, dict) else {}


def _write_cache(path: Path | None, answers: dict[str, bool]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
            json.dump({**_read_cache(path), **answers}, out)
        os.replace(out.name, path)
    except OSError:
        pass  # a read-only home: search again next time


def _search_in_fresh_process(scenarios: list[Scenario]) -> list[bool] | None:
    """`_search_in_child`, run by a new interpreter whose torch has no threads yet.

    None if a scenario is not one of the registered ones (a teacher's hidden
    folder: only the checker loads those) or the interpreter failed.
    """
    names = tuple(s.name for s in scenarios)
    if not set(names) <= {s.name for s in all_scenarios()}:
        return None
    process = _started.pop(names, None) or _start_search(names)
    stdout, _ = process.communicate()
    try:
        # Scenarios may print; the answer is the last line.
        found = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return [bool(x) for x in found] if process.returncode == 0 and len(found) == len(names) else None


# Searches started ahead of time (`start_search`), by the names they answer for.
_started: dict[tuple[str, ...], subprocess.Popen] = {}


def _start_search(names: tuple[str, ...]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "conformance.classroom.reach", *names],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )


def _unknown(scenarios: list[Scenario]) -> list[Scenario]:
    """The scenarios with no answer yet, in this process or in the cache file."""
    todo = [s for s in dict.fromkeys(scenarios) if s not in _KNOWN]
    if todo:
        cached = _read_cache(cache_file())
        _KNOWN.update({s: cached[_key(s)] for s in todo if _key(s) in cached})
    return [s for s in todo if s not in _KNOWN]


def start_search(scenarios: list[Scenario]) -> None:
    """Start searching for `scenarios` now, in a fresh interpreter, and go on.

    The docs build calls this first: on a machine with an empty cache, the
    search then runs on the second core while the build runs the scenarios,
    and `graded` later only collects its answer.
    """
    todo = _unknown(scenarios)
    names = tuple(s.name for s in todo)
    if todo and FORK and names not in _started:
        _started[names] = _start_search(names)


def reaching(
    scenarios: list[Scenario], fresh_process: bool = False, time_limit: float = SEARCH_LIMIT
) -> dict[str, bool]:
    """Scenario name -> whether it runs at least one marked function of its exercise.

    The checker calls it before torch runs anything in its process (the
    search forks). A caller that already ran torch code passes
    `fresh_process=True`. A scenario that runs longer than `time_limit`
    seconds on the reference does not reach (see `HUNG`).
    """
    todo = _unknown(scenarios)
    if todo:
        path = cache_file()
        found = None
        if FORK:
            found = _search_in_fresh_process(todo) if fresh_process else _search_in_child(todo, time_limit)
        if found is None:  # no fork, or it failed: search here, running each scenario in full
            found = _search(todo, stop_early=False)
        _KNOWN.update(zip(todo, found))
        # A scenario that ran out of time is searched again next time.
        _write_cache(path, {_key(s): r for s, r in zip(todo, found) if s.name not in HUNG})
    return {s.name: _KNOWN[s] for s in scenarios}


def graded(scenarios: list[Scenario]) -> tuple[list[Scenario], list[Scenario]]:
    """Split scenarios into those graded (they reach their exercise) and those not.

    For the docs and `exercises list`, which may have run torch code already.
    They ask for every exercise in turn, so the first call answers for every
    registered scenario: one fresh interpreter, not one per exercise.
    """
    reaching([*all_scenarios(), *scenarios], fresh_process=True)
    reaches = reaching(scenarios, fresh_process=True)
    return [s for s in scenarios if reaches[s.name]], [s for s in scenarios if not reaches[s.name]]


if __name__ == "__main__":
    # `python -m conformance.classroom.reach NAME...`: the search for these scenarios,
    # as one JSON list on the last line (see `_search_in_fresh_process`).
    by_name = {s.name: s for s in all_scenarios()}
    chosen = [by_name[name] for name in sys.argv[1:]]
    print(json.dumps(_search_in_child(chosen) or _search(chosen, stop_early=False)))
