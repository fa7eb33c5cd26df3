"""Broken student code gives a clear report, never a hang or a crashed checker."""

from __future__ import annotations

import shutil
import time

import pytest

from conformance import check as checker
from conformance.exercises import PACKAGE, TRACK, make_student_copy, replace_bodies


@pytest.fixture
def copy(tmp_path):
    """A working copy of the reference package, to break one thing in."""
    shutil.copytree(PACKAGE, tmp_path / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _check(folder, tag, limit=3.0):
    # Run the exercise itself, without its prerequisites.
    start = time.monotonic()
    result = checker.ExerciseResult(TRACK[tag], checker.run_exercise(folder, TRACK[tag], limit))
    return result, time.monotonic() - start


def _problems(result):
    return [o for o in result.outcomes if o.status != "pass"]


def test_infinite_recursion_in_getattr_is_reported(copy):
    replace_bodies(copy / "minitorch_module", {"Module.__getattr__": "return getattr(self, name)"})
    result, _ = _check(copy, "registration")
    assert result.status == "fail"
    assert any("RecursionError" in o.detail for o in _problems(result))


def test_infinite_loop_in_named_modules_times_out(copy):
    replace_bodies(copy / "minitorch_module", {"Module.named_modules": "while True:\n    pass"})
    result, seconds = _check(copy, "traversal", limit=2.0)
    statuses = {o.status for o in result.outcomes}
    assert "timeout" in statuses
    assert "endless loop" in next(o.detail for o in result.outcomes if o.status == "timeout")
    # The checker gives up on the exercise instead of timing out every scenario.
    assert seconds < 60


def test_syntax_error_names_the_file_and_line(copy):
    with open(copy / "minitorch_module" / "module.py", "a") as f:
        f.write("\ndef broken(:\n")
    result, _ = _check(copy, "parameter")
    assert {o.status for o in result.outcomes} == {"import"}
    assert "SyntaxError in" in result.outcomes[0].detail and "module.py, line" in result.outcomes[0].detail


def test_import_error_is_reported(copy):
    with open(copy / "minitorch_module" / "module.py", "a") as f:
        f.write("\nimport no_such_module_anywhere\n")
    result, _ = _check(copy, "parameter")
    assert "ModuleNotFoundError" in result.outcomes[0].detail


def test_sys_exit_inside_a_method_is_reported(copy):
    replace_bodies(copy / "minitorch_module", {"Module.register_buffer": "import sys\nsys.exit(3)"})
    result, _ = _check(copy, "registration")
    crashed = [o for o in result.outcomes if o.status == "crash"]
    assert crashed and "sys.exit(3)" in crashed[0].detail
    # Scenarios after the one that exited still ran.
    assert result.outcomes[-1].name == TRACK["registration"].scenarios[-1].name


def test_printing_megabytes_does_not_flood_the_report(copy, capsys):
    replace_bodies(copy / "minitorch_module", {"Module.train": 'print("x" * 5_000_000)\nraise ValueError("oops")'})
    result, _ = _check(copy, "train_eval")
    assert result.status == "fail"
    checker.print_report([result])
    assert len(capsys.readouterr().out) < 20_000
    assert all(len(o.detail) < 20_000 for o in result.outcomes)


def test_untouched_stub_says_which_exercise_to_do(tmp_path):
    make_student_copy(tmp_path, [TRACK["train_eval"]])
    result, _ = _check(tmp_path, "train_eval")
    details = " ".join(o.detail for o in _problems(result))
    assert "NotImplementedError" in details and "Exercise 4 (train/eval and grads): write Module.train" in details
