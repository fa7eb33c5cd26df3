"""A course file: which exercises are graded, for how many points, with what extra scenarios.

A small TOML file, e.g. `course.toml` next to the autograder:

    # Graded exercises, by number or tag (all when left out).
    exercises = ["registration", "traversal", "state_dict"]
    # Points of an exercise not listed under [points].
    default_points = 10
    # Seconds per scenario.
    time_limit = 10
    # A folder of scenario files the student copy does not contain,
    # relative to this file (see "Hidden scenarios" in the teacher's guide).
    hidden_scenarios = "hidden"

    [points]
    registration = 20

An exercise's points are spread evenly over its graded scenarios (those
that run its code, see `conformance/classroom/reach.py`): passing 30 of 40 of a
20-point exercise gives 15 points.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .track import TRACK, Exercise
from ..usage import UsageError, pick_exercises

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_POINTS = 10.0
DEFAULT_TIME_LIMIT = 10.0
KNOWN_KEYS = {"exercises", "default_points", "time_limit", "hidden_scenarios", "points"}


@dataclass
class Course:
    exercises: list[Exercise] = field(default_factory=lambda: list(TRACK.values()))
    points: dict[str, float] = field(default_factory=dict)  # tag -> points
    hidden: list[Path] = field(default_factory=list)
    time_limit: float = DEFAULT_TIME_LIMIT
    default_points: float = DEFAULT_POINTS

    def points_for(self, exercise: Exercise) -> float:
        return self.points.get(exercise.tag, self.default_points)


def load_course(path: Path) -> Course:
    """Read a course file; a mistake in it is a UsageError naming the key."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"cannot read course file {path}: {error}") from None
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise UsageError(f"{path}: unknown key {sorted(unknown)[0]!r}; known keys: {', '.join(sorted(KNOWN_KEYS))}")
    course = Course(
        exercises=pick_exercises([str(key) for key in data.get("exercises", [])]),
        default_points=float(data.get("default_points", DEFAULT_POINTS)),
        time_limit=float(data.get("time_limit", DEFAULT_TIME_LIMIT)),
    )
    for key, points in data.get("points", {}).items():
        course.points[pick_exercises([str(key)])[0].tag] = float(points)
    if "hidden_scenarios" in data:
        folder = (path.parent / data["hidden_scenarios"]).resolve()
        if not folder.is_dir():
            raise UsageError(f"{path}: hidden_scenarios folder {folder} does not exist")
        course.hidden.append(folder)
    return course
