"""The worker: runs scenarios on a student's copy, in a process of its own.

The checker (`conformance/classroom/check.py`) starts `python -m conformance.classroom.worker`
in a scratch folder holding a copy of the student's package. The worker reads
its orders from stdin (one JSON line: the scenarios to run, the number of a
private pipe, and a random token) and sends back one JSON line per event on
that pipe, each carrying the token. Stdout and stderr are left to the
student's code: the checker keeps what they print but never reads it as
results. The worker only records what the copy does; it never sees torch's
records and never decides pass or fail, so patching it gains nothing.

Each exercise is graded on its own: before the scenarios of exercise N run,
every marked function of the other exercises is replaced by the reference
implementation (re-bound to the copy's own module, so it uses the copy's
classes), and exercise N's functions are the student's.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys
import types
from pathlib import Path

import minitorch_module as reference
import torch

from ..backends import folder_backend
from .exercises import PACKAGE, locate, regions
from .. import recorder, runner
from .provenance import Untouched, borrowed
from ..registry import all_scenarios, load_scenario_folder
from ..runner import error_frames, oracle, run
from .track import TEXT

# Longest message text kept from the copy's errors.
MESSAGE_LIMIT = 20_000
# A record larger than this (as JSON) is not sent whole.
RECORD_LIMIT = 4_000_000


class Grafts:
    """Switch the copy's marked functions between the student's and the reference's."""

    _MISSING = object()

    def __init__(self, package: types.ModuleType, regions: list, reference_root: Path) -> None:
        # (class, attribute name, exercise tag, the student's object, the reference's)
        self.slots: list[tuple[type, str, str, object, object]] = []
        self.own: dict[str, object] = {}
        for region in regions:
            _, ref_class, name = locate(region, reference.__name__, reference_root)
            try:
                module, cls, _ = locate(region, package.__name__, reference_root)
            except (ImportError, AttributeError):
                continue  # the student removed it: its scenarios fail on their own
            own = vars(cls).get(name, self._MISSING)
            self.own[region.qualname] = None if own is self._MISSING else own
            self.slots.append((cls, name, region.tag, own, _rebind(vars(ref_class)[name], vars(module), cls)))

    def install(self, tag: str) -> None:
        """The student's functions for exercise `tag`, the reference's for the rest."""
        for cls, name, slot_tag, own, reference in self.slots:
            value = own if slot_tag == tag else reference
            if value is self._MISSING:
                if name in vars(cls):
                    delattr(cls, name)
            else:
                setattr(cls, name, value)


def _rebind(obj: object, module_globals: dict, owner: type) -> object:
    """The reference function `obj`, running in the copy's module `module_globals`.

    Its code is the reference's; its global names (Parameter, _global_hooks,
    ...) and its `super()` class are the copy's.
    """
    if isinstance(obj, (staticmethod, classmethod)):
        return type(obj)(_rebind(obj.__func__, module_globals, owner))
    if isinstance(obj, property):
        parts = (obj.fget, obj.fset, obj.fdel)
        return property(*(p and _rebind(p, module_globals, owner) for p in parts), obj.__doc__)
    code = obj.__code__
    cells = zip(code.co_freevars, obj.__closure__ or ())
    closure = tuple(types.CellType(owner) if name == "__class__" else cell for name, cell in cells)
    new = types.FunctionType(code, module_globals, obj.__name__, obj.__defaults__, closure or None)
    new.__kwdefaults__ = dict(obj.__kwdefaults__) if obj.__kwdefaults__ else None
    new.__qualname__, new.__doc__, new.__annotations__ = obj.__qualname__, obj.__doc__, obj.__annotations__
    return new


def _where(trace: list, package_dir: Path) -> str:
    """The last frame of an error inside the copy, as `minitorch_module/file.py:line in name`."""
    for filename, line, name in reversed(trace):
        path = Path(filename)
        if path.is_relative_to(package_dir):
            return f"{package_dir.name}/{path.relative_to(package_dir)}:{line} in {name}"
    return ""


def _crash_text(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return TEXT["sys_exit"].format(code=repr(error.code))
    return f"{type(error).__name__}: {str(error)[:MESSAGE_LIMIT]}"


def _import_error_text(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError in {Path(error.filename or '?').name}, line {error.lineno}: {error.msg}"
    return _crash_text(error)


def forked(orders: dict, output: int, errors: int) -> None:
    """The child side of `os.fork()`: become a clean worker, serve, and exit.

    On Linux the checker forks itself (torch and the scenarios are already
    imported, so a new worker starts in a blink); the checker's own process
    never runs student code.
    """
    code = 0
    try:
        faulthandler.disable()  # a crash is reported by its exit status
        os.setsid()  # its own process group: the checker kills it and its children at once
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        for source, target in ((null, 0), (output, 1), (errors, 2)):
            os.dup2(source, target)
        # Keep only stdin/out/err and the channel: nothing of the checker's.
        channel = orders["channel"]
        os.closerange(3, channel)
        os.closerange(channel + 1, 1 << 16)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        os.chdir(orders["scratch"])
        # Torch's records stay with the checker: drop this copy's references to them.
        oracle.cache_clear()
        checker = sys.modules.get(f"{__package__}.check")
        if checker is not None:
            checker.Oracle.made.clear()
        serve(orders)
    except BaseException:  # noqa: BLE001 - the checker sees the exit status
        code = 70
    finally:
        os._exit(code)


def main() -> None:
    """A worker in a new interpreter (where fork is not used): orders come on stdin."""
    orders = json.loads(sys.stdin.readline())
    sys.stdin.close()
    serve(orders)


def serve(orders: dict) -> None:
    token, jobs, package_dir = orders["token"], orders["jobs"], Path(orders["package"])
    channel = os.fdopen(orders["channel"], "w")
    # One thread, like the checker's torch records (the last bit of a float
    # sum depends on it); torch's thread pool does not survive a fork anyway.
    torch.set_num_threads(1)
    # The scratch folder is our working directory: keep it off the import
    # path, so `import minitorch_module` is the reference, not the copy.
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]

    def send(event: str, **fields: object) -> None:
        # What the copy printed so far goes out before the event, so the
        # checker can tell which scenario printed it.
        sys.stdout.flush()
        sys.stderr.flush()
        channel.write(json.dumps({"token": token, "event": event, **fields}, default=repr) + "\n")
        channel.flush()

    for folder in orders["hidden"]:
        load_scenario_folder(folder)
    by_name = {s.name: s for s in all_scenarios()}
    marked = regions(PACKAGE)
    # What the copy must leave alone: torch's classes and our own recording code.
    untouched = Untouched({
        "torch.nn": torch.nn, "torch.nn.Module": torch.nn.Module, "torch.Tensor": torch.Tensor,
        "conformance.runner": runner, "conformance.recorder": recorder, "See": recorder.See,
    })
    send("importing")
    try:
        backend = folder_backend(package_dir)
        grafts = Grafts(backend.nn, marked, PACKAGE)
    except BaseException as error:  # noqa: BLE001 - a broken copy is reported
        where = _where(error_frames(error), package_dir)
        send("import_error", detail=_import_error_text(error), where=where)
        return
    problems = untouched.changes() + borrowed(backend.nn, package_dir, list(reference.__all__), grafts.own)
    if problems:
        send("not_yours", problems=problems)
        return
    send("imported")
    current = None
    for index in range(orders["start"], len(jobs)):
        tag, name = jobs[index]
        if tag != current:
            grafts.install(tag)
            current = tag
        send("start", index=index)
        try:
            record = run(by_name[name], backend)
        except BaseException as error:  # noqa: BLE001 - SystemExit, KeyboardInterrupt...
            send("done", index=index, crash=_crash_text(error), where=_where(error_frames(error), package_dir))
            continue
        send("done", index=index, **_plain_record(record, package_dir))
        if untouched.changes():
            send("not_yours", problems=untouched.changes())
            return
    send("end")
    os._exit(0)  # the copy's atexit handlers have nothing to add


def _plain_record(record, package_dir: Path) -> dict:
    """The record as JSON-ready fields, with over-long parts cut."""
    uncaught = record.uncaught and [record.uncaught[0], record.uncaught[1][:MESSAGE_LIMIT]]
    fields = {"record": [record.entries, uncaught], "where": _where(record.trace, package_dir)}
    if len(json.dumps(fields, default=repr)) > RECORD_LIMIT:
        fields["record"] = [[], ["RecordTooLarge", TEXT["record_too_large"]]]
    return fields


if __name__ == "__main__":
    main()
