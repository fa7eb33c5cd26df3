"""Translations: English in the source, Chinese in gettext catalogs.

Every text a reader or a student sees is written in English in the source.
Its Chinese lives in a `.po` catalog keyed by that English text:

    conformance/locale/<domain>.pot                  template (the English, extracted)
    conformance/locale/zh/LC_MESSAGES/<domain>.po    the Chinese

Domains: `walkthrough` (the clone's comment blocks, the walkthrough prose),
`site` (headings and fixed texts of the generated pages), `messages`
(what `minitorch-module check` and the exercises tell a student) and
`scenarios` (what each scenario does: its docstring, shown on the site and
in `check`'s report).

When an English text changes, extraction (`python docs/gen/translations.py`)
rewrites the template and merges it into each catalog the way `msgmerge`
does: the old translation of a similar text is kept but marked fuzzy. A fuzzy
or missing entry is *stale*: `translate` then returns the English with
`stale=True`, never a translation of some other sentence.

    >>> t = translate("hello", "en")
    >>> str(t), t.stale
    ('hello', False)

`python -m conformance.i18n coverage` (or `minitorch-module translations`)
prints translated / stale / missing per page of each catalog, and for the
hand-written pages (`docs/x.zh.md` beside `docs/x.md`, see `stamp`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS = ("walkthrough", "site", "messages", "scenarios")
LANGUAGES = ("en", "zh")  # English is the source; the rest have catalogs
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")


class Translated(str):
    """A string to show, with where it came from.

    `state` is "source" (English asked for), "translated", "stale" (the
    English changed since it was translated) or "missing". A stale or
    missing text holds the English.
    """

    state: str

    def __new__(cls, text: str, state: str) -> "Translated":
        self = super().__new__(cls, text)
        self.state = state
        return self

    @property
    def stale(self) -> bool:
        return self.state in ("stale", "missing")


def resolve_lang(lang: str | None = None) -> str:
    """"zh", "zh_CN.UTF-8", "zh-Hans"... -> "zh"; None -> from the environment; else "en"."""
    if not lang:
        # The order gettext reads them in.
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(name):
                lang = os.environ[name].split(":")[0]
                break
    code = (lang or "en").replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else "en"


def catalog_path(domain: str, lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    return LOCALE_DIR / f"{domain}.pot"


@functools.lru_cache(maxsize=None)
def load(domain: str, lang: str) -> Catalog:
    """The catalog of one domain and language (empty if there is none)."""
    path = catalog_path(domain, lang)
    if not path.exists():
        return Catalog(locale=lang, domain=domain)
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


# Extraction listens here: (domain, text) of every translate() call while
# a recorder list is open (see `recording`).
_recorders: list[list[tuple[str, str]]] = []


@contextlib.contextmanager
def recording():
    """Collect the (domain, text) pairs that code asks to translate."""
    found: list[tuple[str, str]] = []
    _recorders.append(found)
    try:
        yield found
    finally:
        _recorders.remove(found)


def translate(text: str, lang: str | None, domain: str = "messages") -> Translated:
    """`text` in `lang`, or the English marked stale when no good translation exists."""
    for found in _recorders:
        found.append((domain, text))
    lang = resolve_lang(lang)
    if lang == "en" or not text.strip():
        return Translated(text, "source")
    entry = load(domain, lang).get(text)
    if entry is None or not entry.string:
        return Translated(text, "missing")
    if entry.fuzzy:
        return Translated(text, "stale")
    return Translated(entry.string, "translated")


def translator(lang: str | None, domain: str = "messages"):
    """A one-argument `translate` for one language: `_ = translator("zh")`."""
    return lambda text: translate(text, lang, domain)


GLOSSARY = LOCALE_DIR / "glossary.tsv"


def glossary() -> list[tuple[str, str, str]]:
    """(English, Chinese, note) for every term the translation follows."""
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [tuple((line.split("\t") + ["", ""])[:3]) for line in lines[1:]]  # after the header


# ---------------------------------------------------------------- extraction


def update(domain: str, messages: list[tuple[str, str]]) -> None:
    """Write the template of `domain` and merge it into each language's catalog.

    `messages` are (English text, where it comes from) pairs; the place
    groups entries into pages for `coverage`. A place has no spaces or
    colons: Babel would quote it in the file and not read it back. Like msgmerge: a changed text
    keeps the old translation of its closest old text, marked fuzzy.
    """
    template = Catalog(domain=domain, project="minitorch-module", fuzzy=False)
    for text, place in messages:
        if text.strip():
            template.add(text, locations=[(place, None)])
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with template_path(domain).open("wb") as f:
        write_po(f, template, include_lineno=False, omit_header=True, width=100)
    for lang in TRANSLATED:
        catalog = load(domain, lang)
        catalog.update(template, no_fuzzy_matching=False)
        # Entries whose English is gone entirely are dropped, not kept as #~.
        catalog.obsolete.clear()
        path = catalog_path(domain, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, include_lineno=False, omit_header=True, width=100)
    load.cache_clear()


def message_texts() -> list[tuple[str, str]]:
    """Every text the checker and the exercises show a student (the `messages` domain)."""
    from .classroom.track import TEXT, TRACK

    found: list[tuple[str, str]] = []
    for key, value in dict.items(TEXT):
        found += [(text, "check") for text in (value if isinstance(value, tuple) else (value,))]
    for exercise in TRACK.values():
        place = f"exercise-{exercise.number:02d}"
        found += [(exercise.title, place), (exercise.goal, place)]
        found += [(hint.text, place) for hint in exercise.hints]
    return found


def scenario_texts() -> list[tuple[str, str]]:
    """Every scenario's docstring (the `scenarios` domain), grouped by topic."""
    from .registry import all_scenarios

    return [(s.doc, f"topic-{s.topic}") for s in sorted(all_scenarios(), key=lambda s: (s.topic, s.name))]


# ---------------------------------------------------------------- hand-written pages

# A hand-written Chinese page `x.zh.md` starts with front matter that names
# the English it was translated from, by a hash of `x.md`:
#
#     ---
#     translated_from: 3f2a9c01d4e5
#     ---
#
# When `x.md` changes, the hash no longer matches and the page is stale (the
# site shows a banner). After updating the translation, stamp it again:
# `python -m conformance.i18n stamp docs/x.zh.md`.
DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
STAMP = re.compile(r"\A---\ntranslated_from: (\w+)\n---\n")


def english_of(page: Path) -> Path:
    return page.with_name(page.name.replace(".zh.md", ".md"))


def source_hash(english: Path) -> str:
    return hashlib.sha1(english.read_bytes()).hexdigest()[:12]


def page_state(page: Path) -> str:
    """"translated", or "stale" when the English changed since the stamp."""
    found = STAMP.match(page.read_text(encoding="utf-8"))
    return "translated" if found and found[1] == source_hash(english_of(page)) else "stale"


def stamp(page: Path) -> None:
    """Record that `page` is a translation of the English as it is now."""
    text = STAMP.sub("", page.read_text(encoding="utf-8"))
    page.write_text(f"---\ntranslated_from: {source_hash(english_of(page))}\n---\n" + text, encoding="utf-8")


def page_coverage(docs: Path = DOCS_DIR) -> list[tuple[str, str, int, int, int]]:
    """Rows for the hand-written pages of a checkout (none in an installed package)."""
    if not docs.is_dir():
        return []
    rows = []
    for english in sorted(docs.rglob("*.md")):
        if english.name.endswith(".zh.md") or "gen" in english.relative_to(docs).parts:
            continue
        chinese = english.with_name(english.name.replace(".md", ".zh.md"))
        state = page_state(chinese) if chinese.exists() else "missing"
        rows.append(("pages", english.relative_to(docs).as_posix(), *(int(state == s) for s in ("translated", "stale", "missing"))))
    return rows


# ---------------------------------------------------------------- coverage


def coverage(lang: str = "zh") -> list[tuple[str, str, int, int, int]]:
    """(catalog, page, translated, stale, missing) for every page of every catalog."""
    rows = []
    for domain in DOMAINS:
        counts: dict[str, Counter] = {}
        for entry in load(domain, lang):
            if not entry.id:
                continue  # the header
            page = entry.locations[0][0] if entry.locations else "?"
            state = "missing" if not entry.string else ("stale" if entry.fuzzy else "translated")
            counts.setdefault(page, Counter())[state] += 1
        for page, c in counts.items():
            rows.append((domain, page, c["translated"], c["stale"], c["missing"]))
    return rows + page_coverage()


def coverage_table(lang: str = "zh") -> str:
    rows = coverage(lang)
    header = ("catalog", "page", "translated", "stale", "missing")
    total = ("total", "", *(sum(r[i] for r in rows) for i in (2, 3, 4)))
    cells = [header, *rows, total]
    widths = [max(len(str(row[i])) for row in cells) for i in range(5)]
    lines = []
    for n, row in enumerate(cells):
        if n == len(cells) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
    return f"Translation coverage ({lang}):\n" + "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", default="zh", choices=TRANSLATED, help="the language to report")


def run(args: argparse.Namespace) -> int:
    """`minitorch-module translations`: print the coverage table."""
    print(coverage_table(args.lang))
    return 0


if __name__ == "__main__":
    # python -m conformance.i18n coverage [--lang zh]
    parser = argparse.ArgumentParser(prog="python -m conformance.i18n")
    parser.add_argument("action", choices=["coverage", "stamp"])
    parser.add_argument("pages", nargs="*", type=Path, help="for stamp: the x.zh.md pages whose translation is up to date")
    add_arguments(parser)
    options = parser.parse_args()
    if options.action == "stamp":
        for page in options.pages:
            stamp(page)
        raise SystemExit(0)
    raise SystemExit(run(options))
