"""The Chinese edition of the generated pages, and the extraction of their texts.

The generators write English. Where a text is shown, they ask for it in the
page's language through `site` (headings, fixed sentences) or `prose` (the
walkthrough rows). Both read the catalogs of `conformance/i18n.py`. A prose
row whose translation is stale or missing shows the English with a small
"translation out of date" mark, never an old translation.

Extraction renders every generated page in Chinese and records which texts
it asked for, so the catalogs hold exactly what the pages show:

    python docs/gen/translations.py          # rewrite templates, merge catalogs
    python -m conformance.i18n coverage      # translated / stale / missing per page
"""

from __future__ import annotations

import sys
from pathlib import Path

from conformance import i18n

# Shown after a prose row whose Chinese is stale or missing.
STALE_MARK = (
    '<span class="i18n-stale" title="The English changed after this was translated, '
    'or it is not translated yet: showing the English.">译文待更新 · translation out of date</span>'
)


def site(text: str, lang: str) -> str:
    """A heading or fixed text of a generated page, in `lang` (English if stale)."""
    return str(i18n.translate(text, lang, "site"))


def prose(text: str, lang: str, domain: str = "walkthrough") -> str:
    """A paragraph of prose in `lang`; stale or missing shows the English, marked."""
    found = i18n.translate(text, lang, domain)
    if lang == "en" or not found.stale:
        return str(found)
    return f"{text}\n\n{STALE_MARK}"


GLOSSARY_INTRO = """The words the Chinese edition uses for the ideas of `torch.nn.Module`.
The translation follows this list (`conformance/locale/glossary.tsv`). Names from
the API (classes, methods, arguments) stay in English, in code font:
`register_buffer`, `state_dict`, `forward`."""


def render_glossary(lang: str = "en") -> str:
    """The glossary page, from the machine-readable glossary file."""
    rows = "\n".join(f"| {english} | {chinese} | {note} |" for english, chinese, note in i18n.glossary())
    head = " | ".join(site(word, lang) for word in ("English", "Chinese", "note"))
    return f"# {site('Glossary', lang)}\n\n{site(GLOSSARY_INTRO, lang)}\n\n| {head} |\n|---|---|---|\n{rows}\n"


def page_texts() -> dict[str, list[tuple[str, str]]]:
    """Domain -> (text, page) for every text the generated Chinese pages ask for."""
    from gen import examples, hook

    renderers = hook.page_renderers("zh")
    # The run_both examples of the hand-written pages say the same few texts.
    renderers["run_both-examples"] = lambda: examples.run_both(next(iter(examples.PROGRAMS)), "zh")
    # The nav titles of the generated pages.
    renderers["nav"] = lambda: hook.children("zh")
    found: dict[str, list[tuple[str, str]]] = {domain: [] for domain in i18n.DOMAINS}
    for path, render in renderers.items():
        with i18n.recording() as asked:
            render()
        for domain, text in asked:
            found[domain].append((text, path.replace(".zh.md", ".md")))
    return found


def extract() -> None:
    """Rewrite every template from the source and merge it into the catalogs."""
    found = page_texts()
    # Student messages: the checker's own list, then what the pages show.
    found["messages"] = i18n.message_texts() + found["messages"]
    # Scenario docstrings: every scenario, whether or not a page shows it.
    found["scenarios"] = i18n.scenario_texts()
    for domain, texts in found.items():
        i18n.update(domain, texts)
    print(i18n.coverage_table())


if __name__ == "__main__":
    # Run as a script from the repository: import the generators as `gen`.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from gen.translations import extract as _extract

    _extract()
