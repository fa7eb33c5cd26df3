"""One docs page per exercise, generated from the track in conformance/exercises.py."""

from __future__ import annotations

from conformance.exercises import TRACK, Exercise, regions

from .records import code_dunders


def page_path(exercise: Exercise) -> str:
    return f"exercises/{exercise.number:02d}-{exercise.tag}.md"


def render(exercise: Exercise) -> str:
    """Goal, what to read, what to write, hints, and the scenarios that check it."""
    needs = ", ".join(f"[{TRACK[n].number}. {TRACK[n].title}](../{page_path(TRACK[n])})" for n in exercise.needs)
    functions = "\n".join(
        f"- `{r.qualname}` in `minitorch_module/{r.file.name}`" for r in regions() if r.tag == exercise.tag
    )
    hints = "\n".join(f"{i}. {hint}" for i, hint in enumerate(exercise.hints, start=1))
    scenarios = "\n".join(f"| `{s.name}` | {s.topic} | {code_dunders(s.doc)} |" for s in exercise.scenarios)
    return f"""# Exercise {exercise.number}: {exercise.title}

**Goal.** {exercise.goal}

**Do first:** {needs or "nothing; start here."}

**Read:** [the walkthrough](../{exercise.page}).

## What to write

{functions}

## Check it

```bash
minitorch-module check DIR --exercise {exercise.number}
pytest conformance --impl DIR -m {exercise.tag}
```

## Hints

{hints}

## The {len(exercise.scenarios)} scenarios that check it

| scenario | topic | what it shows |
|---|---|---|
{scenarios}
"""


def render_index() -> str:
    rows = "\n".join(
        f"| {e.number} | [{e.title}]({page_path(e).removeprefix('exercises/')}) | "
        f"{', '.join(str(TRACK[n].number) for n in e.needs) or '-'} | {len(e.scenarios)} |"
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
read. An exercise waits until the exercises it needs pass.

| # | exercise | needs | scenarios |
|---|---|---|---|
{rows}
"""


def pages() -> dict[str, str]:
    found = {page_path(e): render(e) for e in TRACK.values()}
    found["exercises/index.md"] = render_index()
    return found
