"""Render the walkthrough pages from the clone's source.

Each walked-through file becomes one page, or one page per section banner
for the long files (`modules/module.py`, `modules/container.py`, the longer layers). Every row from `chunks.py`
is prose on the left and our code on the right. After the rows of a method
come three closed panels, so torch's code sits beside ours without cutting
through it: PyTorch's code (read from the installed torch now), the method's
featured example (a scenario run now on both backends) and every scenario
tagged with the method.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path


import minitorch_module
from conformance import i18n
from conformance.backends import clone_backend
from conformance.registry import Scenario, all_scenarios
from conformance.runner import Comparison, compare

from . import examples, records
from .chunks import Row, Unit, rows, units
from .featured import FEATURED
from .torch_map import torch_counterpart
from .translations import prose as translated_prose
from .translations import site

PACKAGE = Path(minitorch_module.__file__).parent


@dataclass(frozen=True)
class WalkedFile:
    """A file of the clone shown on the site."""

    name: str  # page name, e.g. "modules/module"
    relative: str  # path inside minitorch_module/
    title: str
    split: bool = False  # one page per section banner


# Page name -> title. Walkthrough order. A page's name is its file's path
# inside minitorch_module/ without ".py", the same path as torch's file under
# torch/nn/ (`modules/linear` is torch/nn/modules/linear.py), and the site
# path under walkthrough/.
PAGES: dict[str, str] = {
    "parameter": "Parameter and Buffer",
    "modules/module": "Module",
    "hooks": "Hooks and handles",
    "modules/container": "Containers",
    "modules/linear": "Linear",
    "modules/normalization": "Normalization layers",
    "modules/conv": "Convolution",
    "modules/pooling": "Pooling",
    "modules/activation": "Activations",
    "modules/dropout": "Dropout",
    "modules/sparse": "Embedding",
    "modules/flatten": "Flatten",
    "modules/attention": "Attention",
    "modules/lazy": "Lazy modules",
    "modules/loss": "Losses",
    "modules/padding": "Padding",
    "modules/upsampling": "Upsampling",
    "modules/pixelshuffle": "Pixel shuffle",
    "modules/distance": "Distances",
    "utils/parametrize": "Parametrizations",
    "utils/parametrizations": "Weight norm",
    "utils/clip_grad": "Gradient clipping",
    "utils/convert_parameters": "Flat parameter vectors",
    "utils/rnn": "Packed sequences",
    "modules/rnn": "Recurrent layers",
    "modules/transformer": "Transformer",
}

# The long files: one page per section banner (mkdocs.yml's nav names
# `walkthrough/<name>/index.md` for them).
SPLIT = {
    "modules/module", "hooks", "modules/container", "modules/activation", "modules/lazy", "modules/loss",
    "utils/parametrize", "modules/rnn", "modules/transformer",
}

# Where the pages were before the files moved to torch's paths (old site
# path prefix under walkthrough/): the build writes a redirect from each old
# page to its new place, so old links keep working (see hook.py).
OLD_NAMES: dict[str, str] = {
    "modules/module": "module", "modules/container": "containers", "utils/rnn": "packing",
    **{name: name.split("/")[-1] for name in PAGES if name.startswith(("modules/", "utils/"))
       and name not in ("modules/module", "modules/container", "utils/rnn")},
}

FILES: list[WalkedFile] = [
    WalkedFile(name, f"{name}.py", title, split=name in SPLIT) for name, title in PAGES.items()
]


@dataclass
class Page:
    """One walkthrough page: some rows of one file."""

    path: str  # site path, e.g. "walkthrough/module/registration.md"
    title: str
    file: WalkedFile
    rows: list[Row] = field(default_factory=list)


@functools.lru_cache(maxsize=None)
def source(file: WalkedFile) -> str:
    return (PACKAGE / file.relative).read_text()


def clear_caches() -> None:
    """Forget the sources read and the pages cut (`mkdocs serve` rebuilds)."""
    for cached in (source, pages, page_of_anchor, all_units, resolve_tag, tagged):
        cached.cache_clear()


def slug(text: str) -> str:
    """`"2. Registration"` -> `"registration"`."""
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"^\d+\.\s*", "", text).lower()).strip("-")


def anchor(qualname: str) -> str:
    """The link target of a def: `Module.register_buffer` -> `module-register-buffer`.

    A private name keeps one leading underscore, so `Module._apply` and
    `Module.apply` get different targets; an in-place name keeps one
    trailing underscore, so `clip_grad_norm_` and `clip_grad_norm` do too.
    """
    parts = []
    for part in qualname.split("."):
        dunder = part.startswith("__") and part.endswith("__")
        core = part.strip("_")
        prefix = "_" if part.startswith("_") and not dunder else ""
        suffix = "_" if part.endswith("_") and not dunder else ""
        parts.append(prefix + re.sub(r"[^a-z0-9]+", "-", core.lower()).strip("-") + suffix)
    return "-".join(parts)


@functools.lru_cache(maxsize=None)
def pages() -> list[Page]:
    """Every walkthrough page, in reading order."""
    found: list[Page] = []
    for file in FILES:
        all_rows = rows(source(file))
        if not file.split:
            found.append(Page(f"walkthrough/{file.name}.md", file.title, file, all_rows))
            continue
        # Rows before the first banner make the file's overview page.
        current = Page(f"walkthrough/{file.name}/index.md", file.title, file)
        found.append(current)
        for row in all_rows:
            if row.heading and row.level == 2:
                title = re.sub(r"^\d+\.\s*", "", row.heading)
                current = Page(f"walkthrough/{file.name}/{slug(row.heading)}.md", f"{file.title}: {title}", file)
                found.append(current)
                continue
            current.rows.append(row)
    return found


@functools.lru_cache(maxsize=None)
def page_of_anchor() -> dict[str, str]:
    """Anchor of every def -> the site path of the page that holds it."""
    found = {}
    for page in pages():
        for row in page.rows:
            if row.unit is not None:
                found[anchor(row.unit.qualname)] = page.path
    return found


# -- scenarios and methods ------------------------------------------------


@functools.lru_cache(maxsize=None)
def results() -> dict[str, Comparison]:
    """Every scenario run once on torch and on the clone (once per build)."""
    backend = clone_backend()
    return {s.name: compare(s, backend) for s in all_scenarios()}


@functools.lru_cache(maxsize=None)
def all_units() -> dict[str, tuple[WalkedFile, Unit]]:
    """qualname -> (file, unit) for every def and class of every walked file."""
    import ast

    found = {}
    for file in FILES:
        for unit in units(ast.parse(source(file))):
            found.setdefault(unit.qualname, (file, unit))
    return found


def _clone_class(name: str) -> type | None:
    # Classes of the walked files, public or private (`_BatchNorm`).
    for file in FILES:
        module = __import__(f"minitorch_module.{file.relative[:-3].replace('/', '.')}", fromlist=["x"])
        if isinstance(vars(module).get(name), type):
            return vars(module)[name]
    return None


@functools.lru_cache(maxsize=None)
def resolve_tag(tag: str) -> str | None:
    """The def a `methods=` tag of a scenario names, as a qualname (None if none).

    - `"Sequential.pop"`: that method, or the one the class inherits from a
      walked class (`"BatchNorm1d.forward"` is `_BatchNorm.forward`).
    - `"register_buffer"`: a method of `Module`, else a function of a walked file.
    - `"Tanh"`: the class's own `__init__`, `__new__` or `forward`.
    """
    known = all_units()
    owner, _, name = tag.rpartition(".")
    if owner:
        cls = _clone_class(owner)
        for klass in getattr(cls, "__mro__", ()):
            if name in vars(klass) and f"{klass.__qualname__}.{name}" in known:
                return f"{klass.__qualname__}.{name}"
        return None
    cls = _clone_class(tag)
    if cls is not None:
        for name in ("__new__", "__init__", "forward"):
            for klass in cls.__mro__:
                if klass is minitorch_module.Module:
                    break
                if name in vars(klass) and f"{klass.__qualname__}.{name}" in known:
                    return f"{klass.__qualname__}.{name}"
        return tag if tag in known else None
    if f"Module.{tag}" in known:
        return f"Module.{tag}"
    return tag if tag in known and known[tag][1].kind == "def" else None


@functools.lru_cache(maxsize=None)
def tagged() -> dict[str, list[Scenario]]:
    """qualname of a def -> the scenarios whose `methods=` tags name it."""
    found: dict[str, list[Scenario]] = {}
    for s in all_scenarios():
        for tag in s.methods:
            qualname = resolve_tag(tag)
            if qualname and s not in found.setdefault(qualname, []):
                found[qualname].append(s)
    return found


def unresolved_tags() -> list[tuple[str, str]]:
    """(scenario, tag) pairs whose tag names no def of the walked files."""
    return [(s.name, t) for s in all_scenarios() for t in s.methods if resolve_tag(t) is None]


def scenarios_for(qualname: str) -> list[Scenario]:
    return tagged().get(qualname, [])


def featured(qualname: str) -> Scenario | None:
    """The scenario shown as the method's example (named in featured.py)."""
    name = FEATURED.get(qualname)
    return next((s for s in all_scenarios() if s.name == name), None) if name else None


# -- pictures and tool views shown under some methods ------------------------

# Where a picture or a call tree says more than prose: explain/trace output
# (run at build time by markdown-exec, see examples.py) and hand-drawn
# Mermaid pictures.


def _command(args: str) -> str:
    return examples.exec_block(f"command({args!r})")


_SHARED = "m = nn.Module(); m.a = nn.Linear(1, 1); m.b = m.a; m"
_HOOKED = "m = nn.Linear(2, 2); m.register_forward_hook(lambda mod, args, out: None); m"
PICTURES: dict[str, list[str]] = {
    "Module.__setattr__": [
        "The routing table of `self.name = value`:",
        """```mermaid
flowchart TD
    A["self.name = value"] --> P{"value is a Parameter?"}
    P -- yes --> RP["register_parameter: _parameters[name]"]
    P -- no --> PN{"name in _parameters?"}
    PN -- "yes (value must be None)" --> RP
    PN -- no --> M{"value is a Module?"}
    M -- yes --> AM["_modules[name]"]
    M -- no --> MN{"name in _modules?"}
    MN -- "yes (value must be None)" --> AM
    MN -- no --> B{"name in _buffers?"}
    B -- "yes (Tensor or None)" --> RB["_buffers[name]"]
    B -- no --> D["object.__setattr__: a plain attribute"]
```""",
        _command('trace "nn.Module()" --call "m.w = nn.Parameter(torch.ones(2))" --backend both --width 50'),
    ],
    "Module.named_modules": [
        "The module tree and the `_modules` dicts that hold it (a layer shared twice is one node):",
        _command(f'explain "{_SHARED}" --format mermaid'),
        _command(f'trace "{_SHARED}" --call "list(m.named_modules())" --backend both --width 50'),
    ],
    "Module.to": [
        _command('trace "m = nn.Module(); m.inner = nn.Linear(2, 3); m" --call "m.to(torch.double)" --backend both --width 50'),
    ],
    "Module.state_dict": [
        "How a key is built: each level adds its name and a dot to the prefix.",
        """```mermaid
flowchart LR
    R["model<br>prefix ''"] -- "_modules['encoder']" --> E["encoder<br>prefix 'encoder.'"]
    E -- "_modules['0']" --> L["Linear<br>prefix 'encoder.0.'"]
    L -- "_parameters['weight']" --> K["key 'encoder.0.weight'"]
    L -- "_buffers / _parameters" --> K2["key 'encoder.0.bias'"]
```""",
        _command("explain \"m = nn.Module(); m.inner = nn.Linear(2, 2); "
                 "m.register_buffer('steps', torch.tensor(0), persistent=False); m\" --format text"),
    ],
    "Module.register_forward_hook": [
        "The order in which the pieces run on `model(x)`:",
        """```mermaid
sequenceDiagram
    participant U as model(x)
    participant G as global hooks
    participant M as module hooks
    participant F as forward
    U->>G: global forward pre-hooks
    G->>M: module forward pre-hooks
    M->>F: forward(*args)
    F->>G: global forward hooks
    G->>M: module forward hooks
    M->>U: output (backward hooks attached if any)
```""",
        _command(f'explain "{_HOOKED}" --format mermaid'),
        _command(f'trace "{_HOOKED}" --call "m(torch.ones(1, 2))" --backend both --width 50'),
    ],
}


# -- rendering ---------------------------------------------------------------

_code_dunders = records.code_dunders


# English section names, and the Chinese ones of the translated docstrings.
_SECTION = re.compile(
    r"^(Args|Arguments|Returns|Raises|Yields|Examples?|Example|Note|Notes|Attributes|Shape"
    r"|参数|返回|抛出|示例|注意|属性|形状)\s*[:：]\s*$"
)


_ITEM = re.compile(r"^([\w*.]+)(?:\s*\([^)]*\))?:\s*(.*)$")


def docstring_markdown(doc: str) -> str:
    """A Google-style docstring as markdown: sections as bold labels,
    argument lists as lists, examples as code."""
    out: list[str] = []
    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        match = _SECTION.match(lines[i].strip())
        if not match or lines[i].startswith(" "):
            out.append(_code_dunders(lines[i]))
            i += 1
            continue
        title = match.group(1)
        body: list[str] = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
            body.append(lines[i])
            i += 1
        text = textwrap.dedent("\n".join(body)).strip("\n")
        out.append(f"\n**{title}:**\n")
        if title.startswith("Example") or ">>>" in text:
            out.append(f"```pycon\n{text}\n```\n")
            continue
        items: list[str] = []
        for line in text.splitlines():
            item = _ITEM.match(line)
            if item:
                items.append(f"- `{item.group(1)}`: {_code_dunders(item.group(2))}")
            elif items and line.startswith(" "):
                items[-1] += " " + _code_dunders(line.strip())
            else:
                items.append(_code_dunders(line.strip()))
        out.append("\n".join(items) + "\n")
    return "\n".join(out).strip()


def _in_language(text: str, lang: str) -> str:
    """Prose in `lang`, one paragraph at a time (the catalogs are keyed by
    English paragraphs); a stale paragraph shows the English, marked."""
    if lang == "en" or not text:
        return text
    return "\n\n".join(translated_prose(p.strip(), lang) for p in text.split("\n\n") if p.strip())


def _prose(row: Row, lang: str = "en") -> str:
    # The comment block above, then the docstring (rendered as prose).
    parts = []
    if row.unit is not None and row.unit.docstring:
        comment = row.prose[: -len(row.unit.docstring)].strip() if row.prose.endswith(row.unit.docstring) else row.prose
        parts = [_code_dunders(_in_language(comment, lang)), docstring_markdown(_in_language(row.unit.docstring, lang))]
    else:
        # A file's docstring may have sections too (Examples: ...).
        parts = [docstring_markdown(_in_language(row.prose, lang))]
    return "\n\n".join(p for p in parts if p)


def _heading(unit: Unit, level: int) -> str:
    label = f"class {unit.qualname}" if unit.kind == "class" else unit.qualname
    return f'{"#" * level} `{label}` {{ #{anchor(unit.qualname)} }}'


def _lines_attr(row: Row) -> str:
    return ",".join(f"{s[0]}-{s[-1]}" for s in row.segments())


def render_row(file: WalkedFile, row: Row, level: int, lang: str = "en") -> str:
    """One row: prose left, code right. Each run of consecutive lines is one
    code block with the file's line numbers (a docstring leaves a gap)."""
    heading = _heading(row.unit, level) if row.unit is not None else ""
    prose = "\n\n".join(p for p in [heading, _prose(row, lang)] if p)
    text = source(file).splitlines()
    blocks = "\n\n".join(
        f'```python linenums="{run[0]}"\n' + "\n".join(text[n - 1] for n in run) + "\n```" for run in row.segments()
    )
    first = row.lines[0] if row.lines else 0
    attrs = f'data-src="{file.relative}:{first}" data-lines="{_lines_attr(row)}" data-scope="{row.scope}"'
    if not row.lines:
        return f'<div class="wt-row wt-prose-only" {attrs} markdown>\n<div class="wt-prose" markdown>\n\n{prose}\n\n</div>\n</div>\n'
    return (
        f'<div class="wt-row" {attrs} markdown>\n<div class="wt-prose" markdown>\n\n'
        f"{prose or '&nbsp;'}\n\n</div>\n"
        f'<div class="wt-code" markdown>\n\n{blocks}\n\n</div>\n</div>\n'
    )


def family_links(qualname: str) -> list[tuple[str, str]]:
    from .families import families_of

    return families_of(qualname)


def report_page_of(name: str) -> str:
    from .families import report_page_of as find

    return find(name)


def beside(unit: Unit, page_path: str, relative: str, shown: dict[str, str], lang: str = "en") -> str:
    """The panels after a method's rows: torch's code, the example, the scenarios."""
    depth = page_path.count("/")
    up = "../" * depth
    parts = ['<div class="wt-beside" markdown>\n']
    theirs = torch_counterpart(unit, relative)
    # A torch function that does the job of several of our helpers
    # (`_call_impl`) is shown once per page; later panels point to it.
    earlier = shown.get(theirs.label) if theirs.code else None
    body = (f"    {theirs.note_in(lambda text: site(text, lang))}\n\n" if theirs.notes else "")
    if earlier:
        body += "    " + site("Its code is shown after {link}.", lang).format(link=f"[`{earlier}`](#{anchor(earlier)})") + "\n"
    elif theirs.code:
        shown[theirs.label] = unit.qualname
        body += records.fence(theirs.code, indent="    ") + "\n"
    torch_title = site("PyTorch's code:", lang)
    parts.append(f'??? torch "{torch_title} `{theirs.label}`"\n\n' + body)
    checks = scenarios_for(unit.qualname)
    chosen = featured(unit.qualname)
    if chosen is not None:
        comparison = results()[chosen.name]
        parts.append(
            f'??? example "{site("Example:", lang)} `{chosen.name}` ({records.verdict(comparison, lang)})"\n\n'
            + records.example(comparison, indent="    ", lang=lang)
        )
    links = [f"[{title}]({up}{path})" for title, path in family_links(unit.qualname)]
    if checks:
        listed = "\n".join(
            f"    - [`{s.name}`]({up}{report_page_of(s.name)}#{s.name}) ({s.topic}): {records.summary(s, lang)} — {records.verdict(results()[s.name], lang)}"
            for s in checks
        )
        family = f"    {site('Family page:', lang)} {', '.join(links)}.\n\n" if links else ""
        title = site("Scenarios that check it ({count})", lang).format(count=len(checks))
        parts.append(f'??? abstract "{title}"\n\n{family}{listed}\n')
    views = PICTURES.get(unit.qualname)
    if views:
        parts.append(site("**Pictures and a look inside** (generated when the site was built):", lang) + "\n")
        # Captions are prose; fences (pictures, run blocks) are the same in every language.
        parts.append("\n\n".join(view if view.startswith("```") else site(view, lang) for view in views) + "\n")
    parts.append("</div>\n")
    return "\n".join(parts)


def _is_method(unit: Unit | None) -> bool:
    return unit is not None and unit.kind == "def"


def render(page: Page, lang: str = "en") -> str:
    """The markdown of one walkthrough page, in `lang`."""
    file = page.file
    where = f"`minitorch_module/{file.relative}`"
    out = [
        f"# {_code_dunders(title_in(page.title, lang))}\n",
        site("Generated from {where} when the site was built. Prose on the left is the comment above the code "
             "on the right (or the docstring). After each method, open **PyTorch's code** to read torch's version "
             "beside ours, and **Example** to see it run on both.", lang).format(where=where) + "\n",
    ]
    # Headings: class under the current section level, method one deeper.
    section = 2
    open_unit: Unit | None = None
    shown: dict[str, str] = {}
    for row in page.rows:
        if open_unit is not None and not (row.scope == open_unit.qualname or row.scope.startswith(open_unit.qualname + ".")):
            out.append(beside(open_unit, page.path, file.relative, shown, lang))
            open_unit = None
        if row.heading:
            out.append(f"{'#' * row.level} {_code_dunders(title_in(row.heading, lang))}\n")
            # Under a section, classes one level down; under an Advanced
            # sub-heading, at its level, so its methods come right below it.
            section = row.level + 1 if row.level == 2 else row.level
            continue
        level = section if row.unit is None or row.unit.kind == "class" or not row.unit.owner else section + 1
        out.append(render_row(file, row, min(level, 6), lang))
        if _is_method(row.unit):
            open_unit = row.unit
    if open_unit is not None:
        out.append(beside(open_unit, page.path, file.relative, shown, lang))
    return "\n".join(out)


def title_in(title: str, lang: str) -> str:
    """A page title or section heading in `lang` ("Module: 2. Registration"
    translates each part); the English where no translation exists."""
    if lang == "en":
        return title
    return ": ".join(str(i18n.translate(part, lang, "walkthrough")) for part in title.split(": "))


INDEX_INTRO = """These pages are the clone's source files, shown in full and generated from the source every time
the site is built, so they never drift from the code."""

INDEX_HOW = """How to read a page:

- On the left is the prose: the comment written above those lines in the file, or the docstring.
- On the right is the code, with its line numbers in the file.
- After each method there are closed panels: **PyTorch's code** (the same method in the installed
  torch), **Example** (a scenario, run on both backends when the site was built) and **Scenarios**
  (every scenario that checks the method)."""


def render_index(lang: str = "en") -> str:
    """The walkthrough's index: every page, in reading order."""
    out = [
        f"# {site('Walkthrough', lang)}\n",
        site(INDEX_INTRO, lang) + "\n",
        site(INDEX_HOW, lang) + "\n",
        site("Read them in this order:", lang) + "\n",
    ]
    for page in pages():
        relative = page.path.removeprefix("walkthrough/")
        indent = "    " if page.file.split and not relative.endswith("index.md") else ""
        out.append(f"{indent}- [{_code_dunders(title_in(page.title, lang))}]({relative})")
    return "\n".join(out) + "\n"
