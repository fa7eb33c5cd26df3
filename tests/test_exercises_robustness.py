"""Broken or hostile student code gives a clear report: no hang, no crash, no free points."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

from conformance.classroom import check as checker
from conformance.cli import main
from conformance.classroom.exercises import PACKAGE, make_student_copy, replace_bodies
from conformance.classroom.track import TRACK


@pytest.fixture
def copy(tmp_path):
    """A working copy of the reference package, to break one thing in."""
    shutil.copytree(PACKAGE, tmp_path / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture
def stubs(tmp_path):
    """A fresh student copy: nothing solved."""
    make_student_copy(tmp_path)
    return tmp_path


def _check(folder, tag, count=6, limit=3.0):
    """Check the first `count` scenarios of one exercise; return its result and the seconds taken."""
    names = [s.name for s in TRACK[tag].scenarios[:count]]
    start = time.monotonic()
    result = checker.check(folder, [TRACK[tag]], limit, scenario_names=names)
    return result.exercises[0], time.monotonic() - start


def _append(folder, text, file="__init__.py"):
    with open(folder / "minitorch_module" / file, "a") as f:
        f.write("\n" + text + "\n")


def _graded(folder, capsys):
    """Run `check DIR --json` as a student would; return the exit code, the JSON and the printed report."""
    report = folder / "grades.json"
    code = main(["check", str(folder), "--json", str(report)])
    return code, json.loads(report.read_text()), capsys.readouterr().out


# ---------------------------------------------------------------- broken code


def test_infinite_recursion_in_getattr_is_reported(copy):
    replace_bodies(copy / "minitorch_module", {"Module.__getattr__": "return getattr(self, name)"})
    result, _ = _check(copy, "registration", count=20)
    assert result.status == "fail"
    assert any("RecursionError" in str(o.actual) for o in result.failing)


def test_infinite_loop_times_out_naming_the_scenario(copy):
    replace_bodies(copy / "minitorch_module", {"Module.named_modules": "while True:\n    pass"})
    result, seconds = _check(copy, "traversal", count=8, limit=1.0)
    timeouts = [o for o in result.outcomes if o.status == "timeout"]
    assert timeouts and f"while running scenario {timeouts[0].name}" in timeouts[0].problem
    # The checker gives up on the exercise instead of timing out every scenario.
    assert len(timeouts) == checker.MAX_LOSSES
    assert "not run" in result.outcomes[-1].problem
    assert seconds < 60


def test_a_worker_in_a_new_interpreter_grades_alike(copy, monkeypatch):
    # Where fork is not used (macOS, Windows) the worker is a new interpreter.
    monkeypatch.setattr(checker, "FORK", False)
    replace_bodies(copy / "minitorch_module", {"Module.train": "raise ValueError('oops')"})
    result, _ = _check(copy, "train_eval", count=4)
    assert result.failing and all(o.status == "fail" for o in result.failing)
    assert all("oops" in str(o.actual) for o in result.failing)
    parameter, _ = _check(copy, "parameter", count=4)
    assert parameter.status == "pass"


def test_syntax_error_names_the_file_and_line(copy):
    _append(copy, "def broken(:", file="modules/module.py")
    result, _ = _check(copy, "parameter")
    assert {o.status for o in result.outcomes} == {"import"}
    assert "SyntaxError in module.py, line" in result.outcomes[0].problem


def test_import_error_is_reported(copy):
    _append(copy, "import no_such_module_anywhere", file="modules/module.py")
    result, _ = _check(copy, "parameter")
    assert "ModuleNotFoundError" in result.outcomes[0].problem


def test_sys_exit_inside_a_method_is_reported(copy):
    replace_bodies(copy / "minitorch_module", {"Module.register_buffer": "import sys\nsys.exit(3)"})
    names = [s.name for s in TRACK["registration"].scenarios if "register_buffer" in s.name][:3]
    result = checker.check(copy, [TRACK["registration"]], scenario_names=names).exercises[0]
    crashed = [o for o in result.outcomes if o.status == "crash"]
    assert crashed and "sys.exit(3)" in crashed[0].problem
    # Scenarios after the one that exited still ran.
    assert len(result.outcomes) == len(names) and result.outcomes[-1].status != "skipped"


@pytest.mark.parametrize(
    ("code", "status"),
    [("import os\nos._exit(0)", "exit status 0"), ("import ctypes\nctypes.string_at(0)", "killed by signal SIGSEGV")],
    ids=["os._exit", "segfault"],
)
def test_a_process_ended_at_import_is_reported_once(stubs, capsys, code, status):
    _append(stubs, code)
    start = time.monotonic()
    exit_code, grades, out = _graded(stubs, capsys)
    assert time.monotonic() - start < 60
    assert exit_code == 1 and grades["score"] == 0
    said = " ".join(out.split())
    assert f"your code ended the process while importing: {status}" in said
    # Said once per exercise, not once per scenario.
    assert said.count("ended the process") == len(TRACK)


def test_prints_on_fd_1_and_2_are_shown_never_parsed(copy):
    replace_bodies(copy / "minitorch_module", {"Module.train": (
        "import os, sys\n"
        "os.system('echo from-a-shell')\n"
        "os.write(2, b'straight-to-fd-2\\n')\n"
        "sys.__stdout__.write('{\"event\": \"done\"}\\n')\n"
        "raise ValueError('oops')"
    )})
    result, _ = _check(copy, "train_eval", count=3)
    assert result.status == "fail" and all(o.status == "fail" for o in result.failing)
    shown = result.failing[0].output
    for text in ("from-a-shell", "straight-to-fd-2", '{"event": "done"}'):
        assert text in shown


def test_a_million_small_prints_and_a_stderr_flood_are_capped_not_a_timeout(copy, capsys):
    replace_bodies(copy / "minitorch_module", {"Module.train": (
        "import sys\nsys.stderr.write('e' * 5_000_000)\nfor i in range(1_000_000):\n    print(i)\nraise ValueError('oops')"
    )})
    result, _ = _check(copy, "train_eval", count=2, limit=30.0)
    assert {o.status for o in result.failing} == {"fail"}
    assert "Your code printed (2000 of" in result.failing[0].output
    checker.print_report(checker.CheckResult([result]))
    assert len(capsys.readouterr().out) < 40_000


def test_a_hang_while_importing_is_reported_as_such(stubs, monkeypatch):
    monkeypatch.setattr(checker, "IMPORT_LIMIT", 3.0)
    _append(stubs, "while True:\n    pass")
    result, seconds = _check(stubs, "parameter")
    assert {o.status for o in result.outcomes} == {"import"}
    assert "no result after 3 s while importing your package" in result.outcomes[0].problem
    assert seconds < 30


def test_untouched_stub_says_which_exercise_to_do(tmp_path):
    make_student_copy(tmp_path, [TRACK["train_eval"]])
    result, _ = _check(tmp_path, "train_eval")
    details = " ".join(str(o.actual) for o in result.failing)
    assert "NotImplementedError" in details and "Exercise 4 (train/eval and grads): write Module.train" in details


# ---------------------------------------------------------------- no free points


CHEATS = {
    # The copy hands torch's classes over as its own.
    "torch re-export": "import importlib\nglobals().update(vars(importlib.import_module('torch.' + 'nn')))",
    "star import": "from torch.nn import *",
    # Fake result lines on the real stdout, then leave before any check.
    "forged fd 1": (
        "import os\n"
        "for n in range(700):\n"
        "    os.write(1, b'{\"event\": \"done\", \"index\": %d, \"record\": [[], null]}\\n' % n)\n"
        "os._exit(0)"
    ),
    # Make every comparison agree.
    "patched checker": "import conformance.runner\nconformance.runner.Comparison.agree = property(lambda self: True)",
    # Swap torch's classes for the copy's, so torch's record equals the copy's.
    "overwritten torch.nn": "import torch.nn\nfor _n in ('Module', 'Linear', 'Parameter'):\n    setattr(torch.nn, _n, globals()[_n])",
    # The same, in a way a reader of the source does not see.
    "overwritten torch.nn, hidden": "import torch\n_nn = torch.nn\n_nn.Linear = Linear",
    "Module derives from torch": (
        "import importlib\n"
        "class Module(importlib.import_module('torch.' + 'nn').Module):\n"
        "    pass"
    ),
}


@pytest.mark.parametrize("cheat", CHEATS, ids=list(CHEATS))
def test_a_cheat_gets_zero_and_a_clear_message(stubs, capsys, cheat):
    _append(stubs, CHEATS[cheat])
    course = stubs / "course.toml"
    course.write_text('exercises = ["parameter", "registration"]\n')
    exit_code, grades, out = _graded(stubs, capsys)
    assert exit_code == 1
    assert grades["score"] == 0 and all(t["score"] == 0 for t in grades["tests"])
    said = " ".join(out.split())
    assert any(text in said for text in (
        "must be written in your own files", "ended the process while importing", "not allowed",
    )), said[-2000:]


def test_a_forged_line_on_the_private_channel_voids_the_check(stubs, capsys):
    # Writing to every open descriptor reaches the channel, but without the token.
    _append(stubs, "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'{\"event\": \"end\"}\\n')\n"
                   "    except OSError:\n        pass")
    (stubs / "course.toml").write_text('exercises = ["parameter"]\n')
    exit_code, grades, out = _graded(stubs, capsys)
    assert exit_code == 1 and grades["score"] == 0
    assert "private channel" in " ".join(out.split())


def test_the_pytest_route_stops_an_endless_loop(copy):
    replace_bodies(copy / "minitorch_module", {"Module.named_modules": "while True:\n    pass"})
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance", "--impl", str(copy), "-m", "traversal", "-k",
         "impl and modules", "--scenario-time-limit", "1", "-p", "no:cacheprovider", "-x",
         "-n", "0"],  # one process: with workers, -x reports an interruption (exit 2)
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "Timeout" in result.stdout and "1.0s" in result.stdout
    assert time.monotonic() - start < 120
