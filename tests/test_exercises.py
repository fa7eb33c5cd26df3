"""The exercise track, the student copy, and `minitorch-module check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conformance import check as checker
from conformance.cli import main
from conformance.exercises import PACKAGE, TRACK, make_student_copy, regions
from conformance.registry import EXERCISES


def test_track_matches_the_exercise_tags_and_needs_come_first():
    assert list(TRACK) == list(EXERCISES)
    for exercise in TRACK.values():
        assert exercise.scenarios, f"{exercise.tag} has no scenarios"
        assert all(TRACK[need].number < exercise.number for need in exercise.needs)


def test_every_exercise_has_a_marked_region_and_every_marker_a_function():
    found = regions()
    assert {r.tag for r in found} == set(TRACK)
    # A marker that does not sit on a def would be silently ignored: catch it.
    marker_count = sum(
        line.strip().startswith("# exercise:") for path in PACKAGE.rglob("*.py") for line in path.read_text().splitlines()
    )
    assert marker_count == len(found)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    make_student_copy(folder)
    return folder


def test_student_copy_holds_stubs_not_the_reference(student):
    for region in regions():
        reference = region.file.read_text().splitlines()[region.first_line - 1 : region.last_line]
        copy = (student / "minitorch_module" / region.file.relative_to(PACKAGE)).read_text()
        body = "\n".join(reference)
        assert body not in copy, f"{region.qualname}'s reference body is in the student copy"
    assert "Exercise 2 (Registration and attribute routing): write Module.register_buffer" in (
        student / "minitorch_module" / "module.py"
    ).read_text()
    assert (student / "README.md").is_file()


def test_fresh_copy_fails_with_clear_messages(student, capsys):
    assert main(["check", str(student)]) == 1
    results = checker.check(student, list(TRACK.values()))
    assert not any(r.status == "pass" for r in results)
    first = results[0]
    assert first.status == "fail"
    assert any("NotImplementedError" in o.detail and "Exercise 1" in o.detail for o in first.outcomes)
    # Later exercises wait for earlier ones instead of failing in a pile.
    assert results[1].status == "waiting for 1" and not results[1].outcomes


def test_copy_with_the_reference_restored_passes_every_exercise(tmp_path):
    make_student_copy(tmp_path)
    shutil.rmtree(tmp_path / "minitorch_module")
    shutil.copytree(PACKAGE, tmp_path / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    report = tmp_path / "grades.json"
    assert main(["check", str(tmp_path), "--json", str(report)]) == 0
    grades = json.loads(report.read_text())
    # Gradescope's format: one test per exercise with score, max_score, visibility, output.
    assert len(grades["tests"]) == len(TRACK)
    for test in grades["tests"]:
        assert {"name", "score", "max_score", "visibility", "output"} <= set(test)
        assert test["score"] == test["max_score"] > 0
    assert grades["score"] == sum(len(e.scenarios) for e in TRACK.values())


def test_only_stubs_the_chosen_exercises(tmp_path):
    stubbed = make_student_copy(tmp_path, [TRACK["registration"]])
    assert {r.tag for r in stubbed} == {"registration"}
    parameter, registration = checker.check(tmp_path, [TRACK["parameter"], TRACK["registration"]])
    assert parameter.status == "pass"
    assert registration.status == "fail"


def test_usage_errors_exit_2(tmp_path, student, capsys):
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert main(["check", str(student), "--exercise", "99"]) == 2
    assert main(["exercises", "new", str(student)]) == 2  # not empty
    assert "not empty" in capsys.readouterr().err


def test_pytest_face_runs_one_exercise_on_a_copy(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "minitorch_module", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance", "--impl", str(tmp_path), "-m", "parameter", "-p", "no:cacheprovider"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    # Each scenario gives a test on torch and one on the copy.
    assert f"{2 * len(TRACK['parameter'].scenarios)} passed" in result.stdout, result.stdout[-500:]
