"""One docs page per exercise, generated from the exercise table in conformance/track.py."""

from __future__ import annotations

from conformance.exercises import regions
from conformance.reach import graded
from conformance.track import TEXT, TRACK, Exercise


def page_path(exercise: Exercise) -> str:
    return f"exercises/{exercise.number:02d}-{exercise.tag}.md"


def _link(tag: str) -> str:
    e = TRACK[tag]
    return f"[{e.number}. {e.title}](../{page_path(e)})"


def _table(scenarios: list) -> str:
    return "\n".join(f"| `{s.name}` | {s.topic} | {s.doc} |" for s in scenarios)


def render(exercise: Exercise) -> str:
    """Goal, what to read, what to write, hints, and the scenarios that check it."""
    after = ", ".join(_link(tag) for tag in exercise.builds_on)
    functions = "\n".join(
        f"- `{r.qualname}` in `minitorch_module/{r.file.name}`" for r in regions() if r.tag == exercise.tag
    )
    hints = "\n".join(
        f"{i}. {hint.text}" + (f" *(for scenarios about: {', '.join(hint.about)})*" if hint.about else "")
        for i, hint in enumerate(exercise.hints, start=1)
    )
    counted, dropped = graded(exercise.scenarios)
    scenarios, not_graded = _table(counted), ""
    if dropped:
        not_graded = f"""
## Not graded

{TEXT['not_graded'].capitalize()}. These scenarios carry this exercise's tag
but never call the functions above, so they pass whatever you write there
and give no points (`--scenario NAME` still runs them).

| scenario | topic | what it shows |
|---|---|---|
{_table(dropped)}
"""
    return f"""# Exercise {exercise.number}: {exercise.title}

**Goal.** {exercise.goal}

**Read first:** {after or "nothing; start here"}. This is the reading
order only: the checker grades this exercise with your code for it and the
reference code for every other exercise, so it passes as soon as it is right.

**Read:** [the walkthrough](../{exercise.page}).

## What to write

{functions}

## Check it

```bash
minitorch-module check DIR --exercise {exercise.number}
minitorch-module check DIR --scenario {counted[0].name}   # one scenario, both records in full
pytest conformance --impl DIR -m {exercise.tag}
```

## Hints

The checker shows the hint that fits each failing scenario.

{hints}

## The {len(counted)} scenarios that grade it

Each one calls at least one of the functions above. The exercise's points
are spread evenly over them.

| scenario | topic | what it shows |
|---|---|---|
{scenarios}
{not_graded}"""


def render_index() -> str:
    rows = "\n".join(
        f"| {e.number} | [{e.title}]({page_path(e).removeprefix('exercises/')}) | "
        f"{', '.join(str(TRACK[tag].number) for tag in e.builds_on) or '-'} | {len(graded(e.scenarios)[0])} |"
        for e in TRACK.values()
    )
    return f"""# Exercises

Rebuild `torch.nn.Module` yourself, one piece at a time, and check each piece
against real PyTorch. Teachers: see the [teacher's guide](teachers.md).

```bash
minitorch-module exercises new my-copy      # your copy, with stubs to fill in
minitorch-module check my-copy              # a table: which exercises pass
```

Each stub raises `NotImplementedError` and names its exercise and the page to
read. Each exercise is graded on its own (your code for it, the reference
code for the rest), so you can do them in any order; "read first" is the
order in which the walkthrough explains them.

Only scenarios that run an exercise's own functions grade it (the
"scenarios" column); each exercise page also lists those that do not.

| # | exercise | read first | scenarios |
|---|---|---|---|
{rows}
"""


def pages() -> dict[str, str]:
    found = {page_path(e): render(e) for e in TRACK.values()}
    found["exercises/index.md"] = render_index()
    return found
