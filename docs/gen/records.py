"""Show a scenario on the site: its program (with the helpers it calls) and
what torch and the clone recorded, as a labelled table, side by side.

A record entry is a plain value made by `conformance.recorder.See.plain`:
`("tensor", type, dtype, device, shape, requires_grad, values)`,
`("raised", type, message)`, `("keys", [...])`, `("is", bool)`, ... Each kind
is shown with labels a reader understands, not as a Python tuple.
"""

from __future__ import annotations

import functools
import html
import inspect
import re
import textwrap
import types
from pathlib import Path
from typing import Any

from conformance.registry import Scenario
from conformance.runner import Comparison

from .translations import site

ROOT = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=None)
def scenario_source(scenario: Scenario) -> str:
    """The scenario's own code, decorator included."""
    return textwrap.dedent(inspect.getsource(scenario.func))


def _names_used(code: types.CodeType) -> set[str]:
    # Global names read by a function and by the functions nested in it.
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


@functools.lru_cache(maxsize=1)
def _scenario_funcs() -> frozenset:
    from conformance.registry import all_scenarios

    return frozenset(s.func for s in all_scenarios())


def _is_scenario(func: Any) -> bool:
    return func in _scenario_funcs()


def helpers(scenario: Scenario) -> list[str]:
    """Source of the file-level helpers the scenario calls, in file order.

    An example must not call code the reader cannot see (`_tree(nn)`), so the
    helpers are shown above it.
    """
    module = inspect.getmodule(scenario.func)
    seen: dict[str, Any] = {}
    todo = [scenario.func]
    while todo:
        func = todo.pop()
        code = getattr(func, "__code__", None)
        if code is None:
            continue
        for name in _names_used(code):
            value = vars(module).get(name)
            is_local = getattr(value, "__module__", None) == module.__name__
            if is_local and name not in seen and (inspect.isfunction(value) or inspect.isclass(value)):
                if value is scenario.func or _is_scenario(value):
                    continue
                seen[name] = value
                todo.append(value)
    ordered = sorted(seen.values(), key=lambda v: inspect.getsourcelines(v)[1])
    return [textwrap.dedent(inspect.getsource(v)) for v in ordered]


@functools.lru_cache(maxsize=None)
def program(scenario: Scenario) -> str:
    """The code a reader sees for a scenario: helpers, then the scenario."""
    return "\n\n".join([*helpers(scenario), scenario_source(scenario)]).strip()


@functools.lru_cache(maxsize=None)
def source_location(scenario: Scenario) -> str:
    """`conformance/scenarios/file.py:line` of the scenario."""
    path = Path(inspect.getsourcefile(scenario.func)).resolve()
    line = inspect.getsourcelines(scenario.func)[1]
    try:
        path = path.relative_to(ROOT)
    except ValueError:
        pass
    return f"{path.as_posix()}:{line}"


_BACKTICKED = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_DUNDER = re.compile(r"(?<![\w`])(__\w+?__)(?![\w`])")


def code_dunders(text: str) -> str:
    """Put bare dunder names in backticks: markdown reads `__init__` as bold "init"."""
    parts = _BACKTICKED.split(text)
    return "".join(p if i % 2 else _DUNDER.sub(r"`\1`", p) for i, p in enumerate(parts))


def summary(scenario: Scenario, lang: str = "en") -> str:
    """What a scenario does, in `lang`, on one line (for tables and lists)."""
    return code_dunders(" ".join(scenario.doc_in(lang).split()))


def _short(value: Any, limit: int = 240) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str) -> str:
    # The table joins the page as HTML, after markdown (see `table_slot`).
    return html.escape(text)


def _code(text: str) -> str:
    return f"<code>{_escape(text)}</code>"


def describe(value: Any) -> str:
    """One recorded value as labelled HTML lines."""
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        kind = value[0]
        if kind == "tensor" and len(value) == 7:
            _, cls, dtype, device, shape, grad, values = value
            parts = [
                f"type: {_code(cls)}", f"dtype: {_code(dtype)}", f"shape: {_code(str(tuple(shape)))}",
                f"requires_grad: {_code(str(grad))}", f"value: {_code(_short(values))}",
            ]
            if device != "cpu":
                parts.insert(3, f"device: {_code(device)}")
            return "<br>".join(parts)
        if kind == "raised" and len(value) == 3:
            return f"raised {_code(value[1])}<br>message: {_code(value[2])}"
        if kind == "returned" and len(value) == 2:
            return "returned: " + describe(value[1])
        if kind == "keys":
            return f"keys: {_code(_short(value[1]))}"
        if kind == "is":
            return f"same object: {_code(str(value[1]))}"
        if kind in ("type", "class", "module"):
            return f"{kind}: {_code(value[1])}"
        if kind == "repr":
            return f"repr:<pre>{_escape(str(value[1]))}</pre>"
        if kind == "warnings":
            if not value[1]:
                return "warnings: none"
            return "<br>".join(f"warning {_code(c)}: {_code(m)}" for c, m in value[1])
        if kind == "size":
            return f"size: {_code(str(tuple(value[1])))}"
        if kind == "generator":
            return "a generator"
        if kind == "callable" and len(value) == 2:
            return f"function: {_code(value[1])}"
        if kind == "object" and len(value) == 3:
            return f"object of type {_code(value[1])}: {_code(_short(value[2]))}"
        if kind == "set" and len(value) == 2:
            return f"set: {_code(_short(', '.join(value[1])))}"
        if kind == "mapping" and len(value) == 3:
            return _container(value[1], [f"{_code(_short(k))}: {_item(v)}" for k, v in value[2]])
        if len(value) == 2 and isinstance(value[1], list):  # a list, a tuple or a named tuple
            items = value[1]
            if not any(isinstance(item, (tuple, list)) for item in items):
                return f"{kind}: {_code(_short(items))}"
            return _container(kind, [_item(item) for item in items])
    return f"value: {_code(_short(value))}"


# A container shows its first items, each described on its own line.
CONTAINER_ITEMS = 8


def _item(value: Any) -> str:
    # Inside a container a plain number or string needs no "value:" label.
    return describe(value) if isinstance(value, tuple) else _code(_short(value))


def _container(kind: str, items: list[str]) -> str:
    if not items:
        return f"{kind}: empty"
    shown = "".join(f"<li>{item}</li>" for item in items[:CONTAINER_ITEMS])
    more = f"<li>… {len(items) - CONTAINER_ITEMS} more</li>" if len(items) > CONTAINER_ITEMS else ""
    return f"{kind} of {len(items)}:<ul>{shown}{more}</ul>"


def _label(label: str) -> str:
    # Labels are "line N: <source line>": the line itself is what a reader
    # can find in the program above.
    text = label.split(": ", 1)[1] if label.startswith("line ") and ": " in label else label
    return _code(text)


def table(comparison: Comparison, lang: str = "en") -> str:
    """torch and the clone side by side, one row per observation; differences marked.

    The headings follow `lang`; the records stay as the programs made them.
    """
    expected, actual = comparison.expected.entries, comparison.actual.entries
    same_text, differs_text = site("same", lang), site("differs ✗", lang)
    out = [
        f'<table class="wt-record"><thead><tr><th>{site("what the program looked at", lang)}</th>'
        f"<th>torch</th><th>{site('clone', lang)}</th><th></th></tr></thead><tbody>"
    ]
    for i in range(max(len(expected), len(actual))):
        left = expected[i] if i < len(expected) else None
        right = actual[i] if i < len(actual) else None
        same = left is not None and right is not None and left[1] == right[1]
        label = (left or right)[0]
        cells = [describe(e[1]) if e is not None else site("(nothing)", lang) for e in (left, right)]
        mark = same_text if same else f'<strong class="wt-differs">{differs_text}</strong>'
        row_class = "" if same else ' class="wt-differ"'
        out.append(f"<tr{row_class}><td>{_label(label)}</td><td>{cells[0]}</td><td>{cells[1]}</td><td>{mark}</td></tr>")
    if not expected and not actual:
        out.append(f'<tr><td colspan="4">{site("(nothing recorded)", lang)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


# A record table is a few KB of HTML. In the markdown of a page, inside a
# panel, Python-Markdown would run its inline patterns over every tag of it:
# a fifth of the site's build time. So the markdown holds a one-line slot,
# and the docs hook puts the table into the page's HTML after conversion
# (`fill_slots`, called from `on_page_content`).
_SLOTTED: dict[str, tuple[Comparison, str]] = {}
_SLOT = re.compile(r'<span class="wt-record-slot" data-table="([\w.]+)"></span>')


def table_slot(comparison: Comparison, lang: str = "en") -> str:
    """A placeholder for `table(comparison, lang)`; see `fill_slots`."""
    key = f"{comparison.scenario.name}.{lang}"
    _SLOTTED[key] = (comparison, lang)
    return f'<span class="wt-record-slot" data-table="{key}"></span>'


def fill_slots(html_text: str) -> str:
    """Put each record table into the HTML of a page, where its slot is."""
    return _SLOT.sub(lambda found: table(*_SLOTTED[found.group(1)]), html_text)


def verdict(comparison: Comparison, lang: str = "en") -> str:
    return site("agree ✓" if comparison.agree else "differ ✗", lang)


def fence(code: str, lang: str = "python", indent: str = "") -> str:
    body = textwrap.indent(code.rstrip("\n"), indent)
    return f"{indent}```{lang}\n{body}\n{indent}```"


def example(comparison: Comparison, indent: str = "", named: bool = True, lang: str = "en") -> str:
    """Program, then torch's and the clone's records side by side (markdown)."""
    scenario = comparison.scenario
    name = f"`{scenario.name}` " if named else ""
    text = (
        f"{name}(`{source_location(scenario)}`): {code_dunders(scenario.doc_in(lang))}\n\n"
        + fence(program(scenario))
        + "\n\n" + site("Run when this site was built, on torch and on the clone:", lang) + "\n\n"
        + table_slot(comparison, lang)
        + "\n"
    )
    return textwrap.indent(text, indent) if indent else text
