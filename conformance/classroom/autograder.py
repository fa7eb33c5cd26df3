"""`minitorch-module exercises autograder --out DIR`: a ready-made grading setup.

DIR/gradescope/        zip its contents and upload it as the autograder:
  setup.sh             runs once: installs Python, the pinned torch and this package
  run_autograder       runs per submission: checks it, writes results/results.json
  course.toml          the exercises, points and time limit
  hidden/              the course's hidden scenarios (if any)
  minitorch-module/    this package's source, so the grader checks with exactly it
DIR/github-classroom/  copy its contents into the assignment's template repository:
  .github/workflows/classroom.yml   one graded step per exercise
  .minitorch-module/                this package's source (unless --source is given)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from .check import ROOT
from .course import Course
from .track import Exercise
from ..usage import UsageError

TORCH_VERSION = torch.__version__.split("+")[0]
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
SOURCE_FILES = ("pyproject.toml", "constraints.txt", "README.md", "LICENSE")
SOURCE_PACKAGES = ("minitorch_module", "conformance")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image.
set -euo pipefail
SOURCE="${{SOURCE:-/autograder/source}}"
VENV="${{MINITORCH_VENV:-/opt/minitorch-venv}}"
if ! command -v python3 > /dev/null || ! python3 -m venv --help > /dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip > /dev/null
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# The reference torch release, CPU build, installed once here (not per submission).
"$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '{torch}')" 2> /dev/null \\
    || "$VENV/bin/pip" install -q "torch=={torch}" --index-url {index}
"$VENV/bin/pip" install -q "$SOURCE/minitorch-module" -c "$SOURCE/minitorch-module/constraints.txt"
# Find once which scenarios reach their exercise's code (only those are graded),
# so each submission reads the answer instead of running the search again.
MINITORCH_MODULE_CACHE="${{MINITORCH_MODULE_CACHE:-$SOURCE/cache}}" \
    "$VENV/bin/python" -m conformance.cli exercises list --course "$SOURCE/course.toml" > /dev/null
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. The paths can be changed for a trial run:
#   SOURCE=bundle SUBMISSION=copy RESULTS=out PYTHON=python3 bash run_autograder
set -uo pipefail
SOURCE="${{SOURCE:-/autograder/source}}"
SUBMISSION="${{SUBMISSION:-/autograder/submission}}"
RESULTS="${{RESULTS:-/autograder/results}}"
PYTHON="${{PYTHON:-${{MINITORCH_VENV:-/opt/minitorch-venv}}/bin/python}}"
export MINITORCH_MODULE_CACHE="${{MINITORCH_MODULE_CACHE:-$SOURCE/cache}}"
mkdir -p "$RESULTS"
rm -f "$RESULTS/results.json"
"$PYTHON" -m conformance.cli check "$SUBMISSION" --course "$SOURCE/course.toml" --json "$RESULTS/results.json"
status=$?
# Exit 0 (all pass) and 1 (some fail) both leave the grade in results.json.
if [ ! -s "$RESULTS/results.json" ]; then
    printf '{{"score": 0, "output": "The checker could not run (exit status %s). Please tell your teacher."}}\\n' \\
        "$status" > "$RESULTS/results.json"
fi
exit 0
"""

WORKFLOW = """name: Autograding Tests
on: [push, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the checker
        run: |
          pip install "torch=={torch}" --index-url {index}
          pip install {install}
{steps}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""

STEP = """      - name: "{title}"
        id: {id}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: "{title}"
          command: minitorch-module check . --exercise {tag} --time-limit {time_limit:g}
          timeout: 10
          max-score: {points:g}"""


def _copy_source(dest: Path) -> None:
    """This package's source, as pip installs it."""
    if not (ROOT / "pyproject.toml").is_file():
        raise UsageError(f"no project source next to {ROOT / 'conformance'}; run this from a clone of minitorch-module")
    dest.mkdir(parents=True)
    for name in SOURCE_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    for name in SOURCE_PACKAGES:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def course_toml(course: Course, hidden: str | None) -> str:
    """The course as a TOML file (points written out, so the teacher sees them)."""
    lines = [
        "# Graded exercises, by tag (or number).",
        f"exercises = {json.dumps([e.tag for e in course.exercises])}",
        f"default_points = {course.default_points:g}",
        "# Seconds per scenario.",
        f"time_limit = {course.time_limit:g}",
    ]
    if hidden:
        lines += ["# Extra scenarios the student copy does not contain.", f'hidden_scenarios = "{hidden}"']
    lines += ["", "[points]"] + [f"{e.tag} = {course.points_for(e):g}" for e in course.exercises]
    return "\n".join(lines) + "\n"


def _workflow(course: Course, install: str) -> str:
    exercises: list[Exercise] = course.exercises
    ids = [f"exercise-{e.number}" for e in exercises]
    steps = "\n".join(
        STEP.format(title=f"{e.number}. {e.title}", id=i, tag=e.tag, points=course.points_for(e), time_limit=course.time_limit)
        for e, i in zip(exercises, ids)
    )
    env = "\n".join(f'          {i.upper()}_RESULTS: "${{{{steps.{i}.outputs.result}}}}"' for i in ids)
    return WORKFLOW.format(torch=TORCH_VERSION, index=TORCH_INDEX, install=install, steps=steps, env=env,
                           runners=",".join(ids))


def write_bundle(out: Path, course: Course | None, source: str | None) -> list[str]:
    """Write the Gradescope bundle and the GitHub Classroom workflow; return lines to print."""
    course = course or Course()
    gradescope = out / "gradescope"
    gradescope.mkdir(parents=True)
    hidden = "hidden" if course.hidden else None
    if hidden:
        shutil.copytree(course.hidden[0], gradescope / hidden, ignore=shutil.ignore_patterns("__pycache__"))
    (gradescope / "course.toml").write_text(course_toml(course, hidden))
    _copy_source(gradescope / "minitorch-module")
    for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
        (gradescope / name).write_text(text.format(torch=TORCH_VERSION, index=TORCH_INDEX))
        (gradescope / name).chmod(0o755)

    classroom = out / "github-classroom"
    workflows = classroom / ".github" / "workflows"
    workflows.mkdir(parents=True)
    if source:
        install = json.dumps(source)
    else:
        _copy_source(classroom / ".minitorch-module")
        install = "./.minitorch-module -c ./.minitorch-module/constraints.txt"
    (workflows / "classroom.yml").write_text(_workflow(course, install))
    total = sum(course.points_for(e) for e in course.exercises)
    return [
        f"Wrote {gradescope}: zip its contents (setup.sh at the top) and upload them as the Gradescope autograder.",
        f"Wrote {classroom}: copy its contents into the assignment's template repository.",
        f"{len(course.exercises)} exercises, {total:g} points; hidden scenarios: {'yes' if hidden else 'none'}.",
    ]
