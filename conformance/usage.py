"""What the sub-commands share: the usage error and picking exercises.

Sub-commands import from here, never from `cli.py`, so `cli.py` can import
every sub-command without a cycle.
"""

from __future__ import annotations

from .classroom.track import TRACK, Exercise, by_number_or_tag


class UsageError(Exception):
    """Raised by a command for bad input: printed as one line, exit code 2."""


def pick_exercises(keys: list[str] | None) -> list[Exercise]:
    """The exercises named by number or tag, in track order; all when `keys` is empty."""
    if not keys:
        return list(TRACK.values())
    try:
        chosen = {by_number_or_tag(key).tag for key in keys}
    except KeyError as error:
        raise UsageError(f"unknown exercise {error.args[0]!r}; use a number 1-{len(TRACK)} or a tag") from None
    return [e for e in TRACK.values() if e.tag in chosen]
