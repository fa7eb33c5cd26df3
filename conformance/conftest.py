"""pytest options for the conformance suite.

`pytest conformance` compares torch with the clone. A student compares torch
with a copy of the package: `pytest conformance --impl DIR -m registration`.
"""

from __future__ import annotations

from conformance.registry import EXERCISES


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default="clone",
        help="what to compare with torch: 'clone' (default) or the folder of a copy of the package",
    )


def pytest_configure(config):
    # One marker per exercise, so `-m attributes` selects an exercise.
    for tag, title in EXERCISES.items():
        config.addinivalue_line("markers", f"{tag}: exercise '{title}'")
