"""The teacher's kit: course files and the autograder bundle, run as Gradescope would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conformance.classroom import check as checker
from conformance import registry
from conformance.cli import main
from conformance.classroom.course import load_course
from conformance.classroom.exercises import PACKAGE, make_student_copy
from conformance.classroom.reach import graded
from conformance.classroom.track import TRACK
from conformance.usage import UsageError

HIDDEN = '''
import torch

from conformance.registry import scenario


@scenario("train_eval")
def hidden_eval_then_train_again(nn, see):
    """A hidden scenario: train() after eval() turns training back on."""
    m = nn.Sequential(nn.Linear(2, 2))
    m.eval()
    m.train()
    see(m[0].training)


@scenario("train_eval")
def hidden_fresh_module_is_training(nn, see):
    """A hidden scenario that never calls train(): not graded, like a public one."""
    see(nn.Module().training)
'''


@pytest.fixture(scope="module")
def course_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    (folder / "hidden").mkdir()
    (folder / "hidden" / "extra.py").write_text(HIDDEN)
    (folder / "course.toml").write_text(textwrap.dedent("""\
        exercises = ["parameter", 4]
        time_limit = 5
        hidden_scenarios = "hidden"

        [points]
        train_eval = 20
    """))
    return folder / "course.toml"


def test_a_course_picks_exercises_points_and_hidden_scenarios(course_file):
    course = load_course(course_file)
    assert [e.tag for e in course.exercises] == ["parameter", "train_eval"]
    assert course.points_for(TRACK["parameter"]) == 10  # the default
    assert course.points_for(TRACK["train_eval"]) == 20
    assert course.time_limit == 5 and course.hidden[0].name == "hidden"


def test_points_are_spread_over_an_exercises_scenarios():
    result = checker.ExerciseResult(TRACK["train_eval"], points=20)
    result.outcomes = [checker.Outcome(str(i), "pass" if i < 3 else "fail") for i in range(4)]
    assert result.score == 15


@pytest.mark.parametrize("text", ["exercises = [99]", "nonsense = 1", "exercises = ["])
def test_a_wrong_course_file_is_a_usage_error(tmp_path, text):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(UsageError):
        load_course(tmp_path / "course.toml")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, course_file):
    out = tmp_path_factory.mktemp("bundle") / "out"
    assert main(["exercises", "autograder", "--out", str(out), "--course", str(course_file)]) == 0
    return out


def test_the_bundle_holds_what_gradescope_and_classroom_need(bundle):
    gradescope = bundle / "gradescope"
    for name in ("setup.sh", "run_autograder"):
        assert os.access(gradescope / name, os.X_OK)
    assert "torch==" in (gradescope / "setup.sh").read_text()
    assert (gradescope / "hidden" / "extra.py").is_file()
    assert (gradescope / "minitorch-module" / "pyproject.toml").is_file()
    workflow = (bundle / "github-classroom" / ".github" / "workflows" / "classroom.yml").read_text()
    # One graded step per chosen exercise, with its points.
    assert workflow.count("autograding-command-grader") == 2
    assert "--exercise train_eval" in workflow and "max-score: 20" in workflow
    assert "./.minitorch-module" in workflow


def test_hidden_scenarios_that_miss_the_exercise_are_not_graded(course_file, monkeypatch, capsys):
    # Load the hidden folder into this process for one command, then forget it.
    monkeypatch.setattr(registry, "_SCENARIOS", dict(registry._SCENARIOS))
    before = set(sys.modules)
    try:
        assert main(["exercises", "list", "--course", str(course_file), "--ungraded"]) == 0
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
    out = capsys.readouterr().out
    assert "hidden_fresh_module_is_training: not graded" in out
    assert "hidden_eval_then_train_again" not in out


def _run_autograder(bundle, submission, results):
    gradescope = bundle / "gradescope"
    env = dict(os.environ, SOURCE=str(gradescope), SUBMISSION=str(submission), RESULTS=str(results),
               PYTHON=sys.executable, PYTHONPATH=str(gradescope / "minitorch-module"))
    subprocess.run(["bash", str(gradescope / "run_autograder")], env=env, check=True, capture_output=True, timeout=600)
    return json.loads((results / "results.json").read_text())


def test_run_autograder_grades_a_solved_and_a_broken_copy(bundle, tmp_path):
    solved = tmp_path / "solved"
    shutil.copytree(PACKAGE, solved / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    grades = _run_autograder(bundle, solved, tmp_path / "results-solved")
    assert grades["score"] == 30
    assert [t["max_score"] for t in grades["tests"]] == [10, 20]
    # The hidden scenario that reaches train() was graded, though the copy never saw it.
    assert f"{len(graded(TRACK['train_eval'].scenarios)[0]) + 1}/" in grades["tests"][1]["output"]

    broken = tmp_path / "broken"
    make_student_copy(broken, [TRACK["train_eval"]])
    grades = _run_autograder(bundle, broken, tmp_path / "results-broken")
    parameter, train_eval = grades["tests"]
    assert parameter["score"] == 10 and parameter["status"] == "passed"
    assert train_eval["score"] < 20 and train_eval["status"] == "failed"
    assert "Exercise 4 (train/eval and grads): write Module.train" in train_eval["output"]


LOOPING = '''
import torch

from conformance.registry import scenario


@scenario("train_eval")
def hidden_loops_before_train(nn, see):
    """A teacher's mistake: this loops before it ever calls train()."""
    while True:
        pass


@scenario("train_eval")
def hidden_loops_after_train(nn, see):
    """A teacher's mistake: this calls train(), then loops."""
    nn.Module().train()
    while True:
        pass
'''


@pytest.mark.parametrize("which", ["before", "after"])
def test_a_hidden_scenario_that_never_ends_is_named_not_waited_for(tmp_path, which):
    # One looping scenario per course. Looping before train() is caught by
    # the search for what reaches the exercise (not graded, named); looping
    # after it, by the torch run (nothing graded, named). Run as the CLI
    # runs, in its own process: the torch thread stays stuck.
    (tmp_path / "hidden").mkdir()
    keep = "before" if which == "before" else "after"
    drop = "after" if which == "before" else "before"
    text = LOOPING.split(f"@scenario(\"train_eval\")\ndef hidden_loops_{drop}_train")[0] if keep == "before" else \
        LOOPING.split("@scenario(\"train_eval\")\ndef hidden_loops_before_train")[0] + \
        "@scenario(\"train_eval\")\ndef hidden_loops_after_train" + LOOPING.split("def hidden_loops_after_train")[1]
    (tmp_path / "hidden" / "loops.py").write_text(text)
    (tmp_path / "course.toml").write_text('exercises = ["train_eval"]\ntime_limit = 2\nhidden_scenarios = "hidden"\n')
    copy = tmp_path / "copy"
    shutil.copytree(PACKAGE, copy / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "check", str(copy), "--course", str(tmp_path / "course.toml")],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, COLUMNS="300", MINITORCH_MODULE_CACHE="off"),
    )
    out = done.stdout.replace("\n", " ")
    name = f"hidden_loops_{keep}_train"
    assert name in out
    if keep == "before":
        assert done.returncode == 0 and "is not graded" in out  # the rest passes
    else:
        assert done.returncode != 0 and "nothing could be graded" in out
