"""pytest options for the conformance suite.

`pytest conformance` compares torch with the clone. A student compares torch
with a copy of the package: `pytest conformance --impl DIR -m registration`
(one marker per topic). On a copy each test has a time limit
(`--scenario-time-limit`, 10 s, carried out by pytest-timeout), so an endless
loop in student code fails its test instead of hanging the run.

This route runs the copy inside pytest's own process: it is for a student
checking their own work. Grading runs the copy in a sandbox
(`minitorch-module check`, see conformance/classroom/).
"""

from __future__ import annotations

import pytest

from conformance.registry import TOPICS

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
    # One marker per topic, so `-m attributes` selects a topic's scenarios.
    for topic, about in TOPICS.items():
        config.addinivalue_line("markers", f"{topic}: {about}")


def pytest_collection_modifyitems(config, items):
    limit = config.getoption("--scenario-time-limit")
    if limit is None:
        limit = DEFAULT_TIME_LIMIT if config.getoption("--impl") != "clone" else 0
    if not limit:
        return
    # pytest-timeout stops the test with a signal: student code that catches
    # Exception cannot swallow it.
    for item in items:
        if item.fspath and "conformance" in str(item.fspath):
            item.add_marker(pytest.mark.timeout(limit, method="signal"))
