"""One docs page per exercise, generated from the track in conformance/exercises.py."""

from __future__ import annotations

import functools
from collections.abc import Callable

from conformance.exercises import TRACK, Exercise, regions
from conformance.i18n import translate

from .translations import site


def page_path(exercise: Exercise) -> str:
    return f"exercises/{exercise.number:02d}-{exercise.tag}.md"


def render(exercise: Exercise, lang: str = "en") -> str:
    """Goal, what to read, what to write, hints, and the scenarios that check it."""
    t = functools.partial(site, lang=lang)  # headings and fixed texts
    m = functools.partial(translate, lang=lang, domain="messages")  # what the checker says too
    needs = ", ".join(f"[{TRACK[n].number}. {m(TRACK[n].title)}](../{page_path(TRACK[n])})" for n in exercise.needs)
    functions = "\n".join(
        f"- `{r.qualname}` " + t("in") + f" `minitorch_module/{r.file.name}`" for r in regions() if r.tag == exercise.tag
    )
    hints = "\n".join(f"{i}. {m(hint)}" for i, hint in enumerate(exercise.hints, start=1))
    scenarios = "\n".join(f"| `{s.name}` | {s.topic} | {s.doc} |" for s in exercise.scenarios)
    heading = t("Exercise {number}: {title}").format(number=exercise.number, title=m(exercise.title))
    count = t("The {count} scenarios that check it").format(count=len(exercise.scenarios))
    return f"""# {heading}

**{t("Goal.")}** {m(exercise.goal)}

**{t("Do first:")}** {needs or t("nothing; start here.")}

{t("**Read:** [the walkthrough]({page}).").format(page=f"../{exercise.page}")}

## {t("What to write")}

{functions}

## {t("Check it")}

```bash
minitorch-module check DIR --exercise {exercise.number}{" --lang " + lang if lang != "en" else ""}
pytest conformance --impl DIR -m {exercise.tag}
```

## {t("Hints")}

{hints}

## {count}

| {t("scenario")} | {t("topic")} | {t("what it shows")} |
|---|---|---|
{scenarios}
"""


INDEX_INTRO = """Rebuild `torch.nn.Module` yourself, one piece at a time, and check each piece
against real PyTorch. Teachers: see the [teacher's guide](teachers.md)."""

INDEX_STUBS = """Each stub raises `NotImplementedError` and names its exercise and the page to
read. An exercise waits until the exercises it needs pass."""


def render_index(lang: str = "en") -> str:
    t = functools.partial(site, lang=lang)
    rows = "\n".join(
        f"| {e.number} | [{translate(e.title, lang, 'messages')}]({page_path(e).removeprefix('exercises/')}) | "
        f"{', '.join(str(TRACK[n].number) for n in e.needs) or '-'} | {len(e.scenarios)} |"
        for e in TRACK.values()
    )
    option = f" --lang {lang}" if lang != "en" else ""
    return f"""# {t("Exercises")}

{t(INDEX_INTRO)}

```bash
minitorch-module exercises new my-copy{option}      # {t("your copy, with stubs to fill in")}
minitorch-module check my-copy{option}              # {t("a table: which exercises pass")}
```

{t(INDEX_STUBS)}

| # | {t("exercise")} | {t("needs")} | {t("scenarios")} |
|---|---|---|---|
{rows}
"""


def renderers(lang: str = "en") -> dict[str, Callable[[], str]]:
    """Site path -> a function that renders that exercise page in `lang`."""
    found: dict[str, Callable[[], str]] = {page_path(e): functools.partial(render, e, lang) for e in TRACK.values()}
    found["exercises/index.md"] = functools.partial(render_index, lang)
    return found


def pages(lang: str = "en") -> dict[str, str]:
    return {path: render() for path, render in renderers(lang).items()}
