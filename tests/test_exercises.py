"""The exercise track, the student copy, and `minitorch-module check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conformance.classroom import check as checker
from conformance.classroom import reach
from conformance.cli import main
from conformance.classroom.exercises import PACKAGE, make_student_copy, reference_bodies, regions, replace_bodies
from conformance.classroom.reach import graded
from conformance.registry import TOPICS, all_scenarios
from conformance.classroom.track import TOPIC_EXERCISE, TRACK, TRACK_TABLE


@pytest.fixture(scope="module", autouse=True)
def torch_records():
    """Make torch's records once: every check in this process reuses them."""
    oracle = checker.Oracle(all_scenarios())
    oracle.run()
    return oracle.records


def test_one_table_defines_exercises_and_topics():
    assert list(TRACK) == [e.tag for e in TRACK_TABLE]
    assert [e.number for e in TRACK.values()] == list(range(1, len(TRACK) + 1))
    # Every topic of the harness belongs to exactly one exercise.
    assert sorted(TOPICS) == sorted(topic for e in TRACK_TABLE for topic in e.topics) == sorted(TOPIC_EXERCISE)
    for exercise in TRACK.values():
        assert exercise.scenarios, f"{exercise.tag} has no scenarios"
        assert all(TRACK[tag].number < exercise.number for tag in exercise.builds_on)
        assert exercise.hints


def test_every_exercise_has_a_marked_region_and_every_marker_a_function():
    found = regions()
    assert {r.tag for r in found} == set(TRACK)
    # A marker that does not sit on a def would be silently ignored: catch it.
    marker_count = sum(
        line.strip().startswith("# exercise:") for path in PACKAGE.rglob("*.py") for line in path.read_text().splitlines()
    )
    assert marker_count == len(found)


def test_a_hint_is_chosen_for_the_failing_scenario():
    registration = TRACK["registration"]
    assert "`__getattr__`" in registration.hint_for("getattr_of_missing_name_raises").text
    assert "Check the name" in registration.hint_for("register_buffer_rejects_dotted_name").text
    # No word matches: the general hint.
    general = [h for h in registration.hints if not h.about][0]
    assert registration.hint_for("zzz") == general


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
        student / "minitorch_module" / "modules" / "module.py"
    ).read_text()
    assert (student / "README.md").is_file()


def _solve(folder, tags):
    """A stub copy with the reference code of exercises `tags` put back."""
    make_student_copy(folder)
    replace_bodies(folder / "minitorch_module", reference_bodies(set(tags)))
    return folder


@pytest.fixture(scope="module")
def fresh_result(student):
    return checker.check(student)


def test_each_exercise_is_passable_alone(tmp_path, fresh_result):
    # For every N: a copy with only exercise N solved passes N and only N.
    # Every scenario of N runs; of each other exercise, two that fail while it
    # is a stub (enough to show it still fails, and keeps the test quick).
    failing = {r.exercise.tag: [o.name for o in r.failing[:2]] for r in fresh_result.exercises}
    for tag in TRACK:
        names = [s.name for s in TRACK[tag].scenarios] + [n for other, ns in failing.items() if other != tag for n in ns]
        result = checker.check(_solve(tmp_path / tag, [tag]), scenario_names=names)
        passing = [r.exercise.tag for r in result.exercises if r.status == "pass"]
        assert passing == [tag], f"only {tag} solved, but passing: {passing}"
        assert result.exercises[TRACK[tag].number - 1].total == len(graded(TRACK[tag].scenarios)[0])


def test_a_fresh_copy_earns_nothing_on_any_exercise(fresh_result):
    # Every graded scenario runs the exercise's own (stubbed) code, so none
    # can pass on the reference code of the other exercises alone.
    for r in fresh_result.exercises:
        assert r.total > 0, f"{r.exercise.tag} has no graded scenario"
        assert (r.passed, r.score) == (0, 0), f"{r.exercise.tag}: {[o.name for o in r.outcomes if o.status == 'pass']}"


def test_only_scenarios_that_reach_the_exercise_are_graded(fresh_result):
    # Scenarios tagged with an exercise that never run its marked functions
    # pass on a stub copy: they are listed as not graded, never scored.
    by_tag = {r.exercise.tag: r for r in fresh_result.exercises}
    for exercise in TRACK.values():
        counted, dropped = graded(exercise.scenarios)
        r = by_tag[exercise.tag]
        assert [o.name for o in r.outcomes] == [s.name for s in counted]
        assert r.ungraded == [s.name for s in dropped]
    # Building a plain Module and reading its dicts never runs registration's code.
    assert "fresh_module_state" in by_tag["registration"].ungraded


def test_reach_is_cached_in_a_file_keyed_by_the_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("MINITORCH_MODULE_CACHE", str(tmp_path))
    sample = TRACK["parameter"].scenarios
    monkeypatch.setattr(reach, "_KNOWN", {})
    first = reach.reaching(sample)
    cached = json.loads(reach.cache_file().read_text())
    assert {s.name: cached[reach._key(s)] for s in sample} == first
    # A new process (an empty memo) reads the file instead of running anything.
    monkeypatch.setattr(reach, "_KNOWN", {})
    monkeypatch.setattr(reach, "_search", lambda *a: pytest.fail("searched again"))
    monkeypatch.setattr(reach, "_search_in_child", lambda *a: pytest.fail("searched again"))
    assert reach.reaching(sample) == first


def test_a_search_started_early_is_the_one_used(tmp_path, monkeypatch):
    # The docs build starts the search first and collects it later: one
    # fresh interpreter, and the same answers as a search done in place.
    monkeypatch.setenv("MINITORCH_MODULE_CACHE", str(tmp_path))
    sample = TRACK["parameter"].scenarios
    monkeypatch.setattr(reach, "_KNOWN", {})
    monkeypatch.setattr(reach, "_started", {})
    started = []
    real_start = reach._start_search
    monkeypatch.setattr(reach, "_start_search", lambda names: started.append(names) or real_start(names))
    reach.start_search(sample)
    assert len(started) == 1 and reach._started
    answers = reach.reaching(sample, fresh_process=True)
    assert len(started) == 1 and not reach._started
    monkeypatch.setattr(reach, "_KNOWN", {})
    monkeypatch.setenv("MINITORCH_MODULE_CACHE", "off")
    assert reach.reaching(sample) == answers


def test_exercises_list_shows_graded_counts(capsys):
    assert main(["exercises", "list", "--ungraded"]) == 0
    out = capsys.readouterr().out
    for exercise in TRACK.values():
        counted, dropped = graded(exercise.scenarios)
        assert f"{len(counted)} graded scenarios" in out
        for s in dropped:
            assert f"{s.name}: not graded" in out


def test_a_copy_with_everything_solved_passes_every_exercise(tmp_path, capsys):
    _solve(tmp_path, list(TRACK))
    report = tmp_path / "grades.json"
    assert main(["check", str(tmp_path), "--json", str(report)]) == 0
    grades = json.loads(report.read_text())
    # Gradescope's format: one test per exercise; 10 points each by default.
    assert len(grades["tests"]) == len(TRACK)
    for test in grades["tests"]:
        assert {"name", "score", "max_score", "visibility", "output"} <= set(test)
        assert test["score"] == test["max_score"] == 10
    assert grades["score"] == 10 * len(TRACK)


def test_fresh_copy_fails_with_a_table_and_scenarios_in_full(fresh_result, capsys):
    result = fresh_result
    assert not any(r.status == "pass" for r in result.exercises)
    capsys.readouterr()
    checker.print_report(result)
    out = capsys.readouterr().out
    registration = next(r for r in result.exercises if r.exercise.tag == "registration")
    # Every failing scenario is listed, and the first few are shown in full.
    for outcome in registration.failing[: checker.TABLE_ROWS]:
        assert outcome.name[:30] in out
    assert "What it does:" in out and "conformance/scenarios/" in out
    text = checker.outcome_text(registration.failing[0], registration.exercise)
    assert "NotImplementedError" in text and "Exercise 2 (Registration and attribute routing)" in text


def test_full_messages_are_wrapped_not_cut(student):
    result = checker.check(student, [TRACK["parameter"]])
    outcome = next(o for o in result.exercises[0].outcomes if o.name == "parameter_of_a_tensor_type_needs_detach_to_keep_the_type")
    text = checker.outcome_text(outcome, TRACK["parameter"])
    # torch's whole message is there, in lines no wider than the page.
    assert "please correct the detach() semantics" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_only_stubs_and_grades_the_chosen_exercises(tmp_path):
    stubbed = make_student_copy(tmp_path, [TRACK["train_eval"]])
    assert {r.tag for r in stubbed} == {"train_eval"}
    result = checker.check(tmp_path, course=checker.load_course(tmp_path / "course.toml"))
    assert [r.exercise.tag for r in result.exercises] == ["train_eval"]
    assert result.exercises[0].status == "fail"


def test_one_scenario_shows_its_source_and_both_records(student, capsys):
    assert main(["check", str(student), "--scenario", "buffer_of_parameter_is_detached"]) == 1
    out = capsys.readouterr().out
    assert "def buffer_of_parameter_is_detached(nn, see):" in out
    assert "torch" in out and "your copy" in out and "differs from torch" in out


def test_one_ungraded_scenario_still_runs_and_says_so(student, capsys):
    assert main(["check", str(student), "--scenario", "fresh_module_state"]) == 0
    out = capsys.readouterr().out
    assert "Not graded: this scenario does not reach the code of exercise 2" in " ".join(out.split())


def test_usage_errors_exit_2(tmp_path, student, capsys):
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert main(["check", str(student), "--exercise", "99"]) == 2
    assert main(["check", str(student), "--scenario", "no_such_scenario"]) == 2
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
