"""One docs page per exercise, generated from the exercise table in conformance/classroom/track.py.

Every page exists in each language: headings and fixed sentences come from
the `site` catalog, titles, goals and hints from the `messages` catalog (the
checker shows the same texts to the student).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from conformance.classroom.exercises import regions
from conformance.i18n import translate
from conformance.classroom.reach import graded
from conformance.classroom.track import TRACK, Exercise

from .records import summary
from .translations import site


def page_path(exercise: Exercise) -> str:
    return f"exercises/{exercise.number:02d}-{exercise.tag}.md"


def _table(scenarios: list, lang: str) -> str:
    t = functools.partial(site, lang=lang)
    rows = "\n".join(f"| `{s.name}` | {s.topic} | {summary(s, lang)} |" for s in scenarios)
    return f"| {t('scenario')} | {t('topic')} | {t('what it shows')} |\n|---|---|---|\n{rows}"


NOT_GRADED = """These scenarios carry this exercise's tag but never call the functions
above, so they pass whatever you write there and give no points
(`--scenario NAME` still runs them)."""

GRADED = """Each one calls at least one of the functions above. The exercise's points
are spread evenly over them."""

READ_ORDER = """This is the reading order only: the checker grades this exercise with your
code for it and the reference code for every other exercise, so it passes as
soon as it is right."""


def render(exercise: Exercise, lang: str = "en") -> str:
    """Goal, what to read, what to write, hints, and the scenarios that grade it."""
    t = functools.partial(site, lang=lang)  # headings and fixed texts
    m = functools.partial(translate, lang=lang, domain="messages")  # what the checker says too
    after = ", ".join(
        f"[{TRACK[tag].number}. {m(TRACK[tag].title)}](../{page_path(TRACK[tag])})" for tag in exercise.builds_on
    )
    functions = "\n".join(
        f"- `{r.qualname}` " + t("in") + f" `minitorch_module/{r.file.name}`" for r in regions() if r.tag == exercise.tag
    )
    hints = "\n".join(
        f"{i}. {m(hint.text)}" + (" *(" + t("for scenarios about:") + f" {', '.join(hint.about)})*" if hint.about else "")
        for i, hint in enumerate(exercise.hints, start=1)
    )
    counted, dropped = graded(exercise.scenarios)
    not_graded = f"\n## {t('Not graded')}\n\n{t(NOT_GRADED)}\n\n{_table(dropped, lang)}\n" if dropped else ""
    heading = t("Exercise {number}: {title}").format(number=exercise.number, title=m(exercise.title))
    count = t("The {count} scenarios that grade it").format(count=len(counted))
    option = f" --lang {lang}" if lang != "en" else ""
    return f"""# {heading}

**{t("Goal.")}** {m(exercise.goal)}

**{t("Read first:")}** {after or t("nothing; start here.")} {t(READ_ORDER)}

{t("**Read:** [the walkthrough]({page}).").format(page=f"../{exercise.page}")}

## {t("What to write")}

{functions}

## {t("Check it")}

```bash
minitorch-module check DIR --exercise {exercise.number}{option}
minitorch-module check DIR --scenario {counted[0].name}{option}   # {t("one scenario, both records in full")}
pytest conformance --impl DIR -m {exercise.tag}
```

## {t("Hints")}

{t("The checker shows the hint that fits each failing scenario.")}

{hints}

## {count}

{t(GRADED)}

{_table(counted, lang)}
{not_graded}"""


INDEX_INTRO = """Rebuild `torch.nn.Module` yourself, one piece at a time, and check each piece
against real PyTorch. Teachers: see the [teacher's guide](teachers.md)."""

INDEX_STUBS = """Each stub raises `NotImplementedError` and names its exercise and the page to
read. Each exercise is graded on its own (your code for it, the reference
code for the rest), so you can do them in any order; "read first" is the
order in which the walkthrough explains them. Only scenarios that run an
exercise's own functions grade it (the "scenarios" column); each exercise
page also lists those that do not."""


def render_index(lang: str = "en") -> str:
    t = functools.partial(site, lang=lang)
    m = functools.partial(translate, lang=lang, domain="messages")
    rows = "\n".join(
        f"| {e.number} | [{m(e.title)}]({page_path(e).removeprefix('exercises/')}) | "
        f"{', '.join(str(TRACK[tag].number) for tag in e.builds_on) or '-'} | {len(graded(e.scenarios)[0])} |"
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

| # | {t("exercise")} | {t("read first")} | {t("scenarios")} |
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
