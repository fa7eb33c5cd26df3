"""pytest options for the conformance suite.

`pytest conformance` compares torch with the clone. A student compares torch
with a copy of the package: `pytest conformance --impl DIR -m registration`.
On a copy, each test has a time limit (`--scenario-time-limit`, 10 s), so an
endless loop in student code fails its test instead of hanging the run.
"""

from __future__ import annotations

import signal

import pytest

from conformance.registry import EXERCISES
from conformance.classroom.track import TEXT

DEFAULT_TIME_LIMIT = 10.0


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default="clone",
        help="what to compare with torch: 'clone' (default) or the folder of a copy of the package",
    )
    parser.addoption(
        "--scenario-time-limit",
        type=float,
        default=None,
        help=f"seconds per test (default {DEFAULT_TIME_LIMIT:g} with --impl DIR, none for the clone; 0 turns it off)",
    )


def pytest_configure(config):
    # One marker per exercise, so `-m attributes` selects an exercise.
    for tag, title in EXERCISES.items():
        config.addinivalue_line("markers", f"{tag}: exercise '{title}'")


class ScenarioTimeout(BaseException):
    """Raised inside a test that ran too long. A BaseException, so that
    student code catching `Exception` cannot swallow it."""


def _time_limit(config) -> float:
    limit = config.getoption("--scenario-time-limit")
    if limit is None:
        limit = DEFAULT_TIME_LIMIT if config.getoption("--impl") != "clone" else 0
    # Only where a timer signal exists (not on Windows).
    return limit if hasattr(signal, "setitimer") else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    limit = _time_limit(item.config)
    if not limit:
        yield
        return

    def stop(signum, frame):
        raise ScenarioTimeout(TEXT["pytest_time_limit"].format(limit=limit))

    previous = signal.signal(signal.SIGALRM, stop)
    # Fire again every second, in case the code swallowed the first one.
    signal.setitimer(signal.ITIMER_REAL, limit, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
