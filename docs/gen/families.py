"""The five scenario families, and the conformance report.

A family is a handful of scenarios about one thing students ask about
(register_buffer errors, apply() init, modules() dedup, state_dict keys,
to() examples). Its page shows each scenario's program and what torch and
the clone recorded, side by side, run when the site is built.

The report lists every scenario by topic, with a link to its source, to the
walkthrough of each method it is tagged with, to its family page, and its
outputs in a closed panel.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import torch

from conformance.registry import TOPICS, Scenario, all_scenarios
from conformance.runner import Comparison

from . import examples, records
from .translations import site


@dataclass(frozen=True)
class Family:
    slug: str
    title: str
    intro: str
    methods: tuple[str, ...]  # our qualnames; every scenario is tagged with one of them
    scenarios: tuple[str, ...]
    run_both: str = ""  # an extra program from docs/gen/examples.py


FAMILIES: list[Family] = [
    Family(
        "register-buffer-errors", "register_buffer errors",
        "`register_buffer` checks its arguments in a fixed order, and the first failing check decides the "
        "error. Each program below breaks one rule.",
        ("Module.register_buffer",),
        (
            "register_buffer_rejects_non_string_name", "register_buffer_rejects_dotted_name",
            "register_buffer_rejects_empty_name", "register_buffer_rejects_existing_attribute",
            "register_buffer_rejects_class_attribute_name", "register_buffer_over_parameter_fails",
            "register_buffer_over_submodule_fails", "register_buffer_rejects_non_tensor",
            "register_buffer_before_init_fails",
        ),
    ),
    Family(
        "apply-init", "apply() to initialize weights",
        "`apply(fn)` calls `fn` on every submodule, children first, then the module itself. It is the usual "
        "way to initialize the weights of a whole model.",
        ("Module.apply",),
        (
            "apply_fill_linear_weights_with_one", "apply_zero_biases_with_no_grad",
            "apply_visits_children_before_parent", "apply_visits_shared_module_twice",
            "apply_constant_on_nested_sequence", "apply_ignores_return_value",
        ),
    ),
    Family(
        "modules-dedup", "modules() and shared submodules",
        "A layer used twice is one object. `modules()`, `parameters()` and their `named_` forms list it "
        "once, unless you ask for duplicates.",
        ("Module.modules", "Module.named_modules", "Module.named_parameters", "Module.named_buffers"),
        (
            "modules_counts_every_node", "modules_dedups_shared_submodule", "named_modules_dedups_deep_shared",
            "named_modules_keeps_duplicates_when_asked", "named_modules_memo_skips_known",
            "shared_parameter_listed_once", "shared_buffer_dedup", "module_containing_itself",
        ),
    ),
    Family(
        "state-dict-keys", "state_dict keys",
        "A key is the path of attribute names from the model down to the tensor, joined by dots. "
        "Non-persistent buffers, `None` slots and plain tensor attributes have no key.",
        ("Module.state_dict",),
        (
            "state_dict_keys_nested", "state_dict_deep_prefix_and_nesting", "state_dict_prefix",
            "sequential_state_dict_keys_use_child_names", "state_dict_skips_non_persistent",
            "state_dict_skips_none", "state_dict_plain_tensor_attribute_left_out",
            "state_dict_shared_parameter_twice",
        ),
    ),
    Family(
        "to-examples", "to(): dtypes, devices, tensors",
        "`to()` accepts a dtype, a device, both, or a tensor to copy them from. Only floating point (and "
        "complex) tensors change dtype; parameters keep their identity.",
        ("Module.to",),
        (
            "to_dtype_changes_floats", "to_keeps_integer_buffers", "to_keeps_parameter_identity",
            "to_device_and_dtype", "to_tensor_form", "to_keyword_forms", "to_meta_device",
            "to_integer_dtype_fails", "to_complex_warns_and_converts", "to_converts_grads",
        ),
        run_both="to-double",
    ),
]


def page_path(family: Family) -> str:
    return f"families/{family.slug}.md"


def families_of(qualname: str) -> list[tuple[str, str]]:
    """(title, site path) of the families about one method."""
    return [(f.title, page_path(f)) for f in FAMILIES if qualname in f.methods]


def families_of_scenario(name: str) -> list[Family]:
    return [f for f in FAMILIES if name in f.scenarios]


@functools.lru_cache(maxsize=None)
def _by_name() -> dict[str, Scenario]:
    return {s.name: s for s in all_scenarios()}


def method_links(scenario: Scenario, up: str) -> list[str]:
    """Links to the walkthrough section of each method the scenario is tagged with."""
    from .walkthrough import anchor, page_of_anchor, resolve_tag

    where = page_of_anchor()
    links = []
    for tag in scenario.methods:
        qualname = resolve_tag(tag)
        if qualname and anchor(qualname) in where:
            links.append(f"[`{qualname}`]({up}{where[anchor(qualname)]}#{anchor(qualname)})")
    return links


def render_family(family: Family, lang: str = "en") -> str:
    from .walkthrough import anchor, page_of_anchor, results

    where = page_of_anchor()
    read = ", ".join(f"[`{q}`](../{where[anchor(q)]}#{anchor(q)})" for q in family.methods if anchor(q) in where)
    out = [
        f"# {site(family.title, lang)}\n",
        site(family.intro, lang) + "\n",
        site("Read the code: {read}. Every program below ran on torch {version} and on the clone when "
             "this site was built; the table puts what each one recorded side by side.", lang).format(
            read=read, version=torch.__version__) + "\n",
    ]
    if family.run_both:
        out.append(examples.exec_block(f"run_both({family.run_both!r}, {lang!r})") + "\n")
    for name in family.scenarios:
        comparison = results()[name]
        out.append(f"## `{name}` {{ #{name} }}\n")
        out.append(records.example(comparison, named=False, lang=lang))
    return "\n".join(out)


def render_families_index(lang: str = "en") -> str:
    out = [
        f"# {site('Scenario families', lang)}\n",
        site("Five questions students ask about `nn.Module`, each answered by several small programs run on "
             "torch and on the clone when this site was built.", lang) + "\n",
    ]
    for family in FAMILIES:
        count = site("{count} programs.", lang).format(count=len(family.scenarios))
        out.append(f"- [{site(family.title, lang)}]({family.slug}.md): {count}")
    return "\n".join(out) + "\n"


# Markdown per report page; the HTML is about three times bigger, and a page
# must stay under 400 KB.
REPORT_PAGE_BUDGET = 85_000


def _scenario_block(c: Comparison, lang: str) -> str:
    s = c.scenario
    links = method_links(s, "../")
    family = site("family:", lang)
    links += [f"[{family} {site(f.title, lang)}](../{page_path(f)}#{s.name})" for f in families_of_scenario(s.name)]
    return "\n".join([
        f"### `{s.name}` {{ #{s.name} }}\n",
        f"{records.summary(s, lang)} — **{records.verdict(c, lang)}** · "
        f"{site('source:', lang)} `{records.source_location(s)}`"
        + (f" · {site('read:', lang)} {', '.join(links)}" if links else "")
        + "\n",
        f'??? note "{site("Program and outputs", lang)}"\n\n' + records.example(c, indent="    ", named=False, lang=lang),
    ])


@functools.lru_cache(maxsize=None)
def report_parts(lang: str = "en") -> dict[str, list[tuple[str, str]]]:
    """Topic -> its pages: (site path, markdown of its scenarios), in order.

    Pages are cut by the size of the English, so both languages have the
    same pages.
    """
    from .walkthrough import results

    _report_pages.cache_clear()
    found: dict[str, list[tuple[str, str]]] = {}
    for topic in TOPICS:
        parts: list[list[tuple[str, str]]] = [[]]
        size = 0
        for c in results().values():
            if c.scenario.topic != topic:
                continue
            block = _scenario_block(c, "en")
            # The record table joins the page after conversion (a slot here).
            weight = len(block) + len(records.table(c))
            if parts[-1] and size + weight > REPORT_PAGE_BUDGET:
                parts.append([])
                size = 0
            parts[-1].append((c.scenario.name, block))
            size += weight
        by_name = {c.scenario.name: c for c in results().values()}
        found[topic] = [
            (
                f"conformance/{topic}.md" if i == 0 else f"conformance/{topic}-{i + 1}.md",
                "\n".join(b if lang == "en" else _scenario_block(by_name[name], lang) for name, b in part),
            )
            for i, part in enumerate(parts)
        ]
    return found


def report_page_of(name: str) -> str:
    """The report page that holds scenario `name`."""
    return _report_pages()[name]


@functools.lru_cache(maxsize=None)
def _report_pages() -> dict[str, str]:
    return {
        name: path
        for parts in report_parts().values()
        for path, markdown in parts
        for name in re.findall(r"\{ #(\w+) \}", markdown)
    }


def report_path(topic: str) -> str:
    return f"conformance/{topic}.md"


def render_report_index(lang: str = "en") -> str:
    from .walkthrough import results

    all_results = list(results().values())
    agree = sum(c.agree for c in all_results)
    columns = " | ".join(site(word, lang) for word in ("topic", "what it covers", "scenarios", "agree", "differ"))
    out = [
        f"# {site('Conformance report', lang)}\n",
        site("Generated when the site was built: torch {version} against the clone. "
             "**{agree} of {total} scenarios agree.** Run it yourself with `minitorch-module compare`.", lang).format(
            version=torch.__version__, agree=agree, total=len(all_results)) + "\n",
        site("Each topic page lists its scenarios; open one to see its program and both outputs.", lang) + "\n",
        f"| {columns} |\n|---|---|---|---|---|",
    ]
    for topic, about in TOPICS.items():
        items = [c for c in all_results if c.scenario.topic == topic]
        n = sum(c.agree for c in items)
        out.append(f"| [{topic}]({topic}.md) | {records.code_dunders(site(about, lang))} | {len(items)} | {n} | {len(items) - n} |")
    return "\n".join(out) + "\n"


def _report_page(topic: str, i: int, lang: str) -> str:
    parts = report_parts(lang)[topic]
    markdown = parts[i][1]
    part = " " + site("(part {number} of {count})", lang).format(number=i + 1, count=len(parts)) if len(parts) > 1 else ""
    others = " · ".join(
        f"[{site('part {number}', lang).format(number=j + 1)}]({p.removeprefix('conformance/')})" for j, (p, _) in enumerate(parts)
    )
    stop = "." if lang == "en" else "。"
    head = f"# {site('Conformance', lang)}: {topic}{part}\n\n{records.code_dunders(site(TOPICS[topic], lang))}{stop}\n\n"
    if part:
        head += f"{site('Pages:', lang)} {others}\n\n"
    return head + markdown


def renderers(lang: str = "en") -> dict[str, Callable[[], str]]:
    """Site path -> a function that renders that family or report page in `lang`."""
    found: dict[str, Callable[[], str]] = {page_path(f): functools.partial(render_family, f, lang) for f in FAMILIES}
    found["families/index.md"] = functools.partial(render_families_index, lang)
    found["conformance/index.md"] = functools.partial(render_report_index, lang)
    for topic, parts in report_parts().items():
        for i, (path, _) in enumerate(parts):
            found[path] = functools.partial(_report_page, topic, i, lang)
    return found


def pages(lang: str = "en") -> dict[str, str]:
    """Site path -> markdown of the family pages and the report."""
    return {path: render() for path, render in renderers(lang).items()}
