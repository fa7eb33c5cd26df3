"""MkDocs hook: add the generated pages and put them in the nav.

- `on_config` puts the generated pages in the nav: the section pages of the
  long walkthrough files, the exercise pages, the family pages and the
  conformance report's topic pages (mkdocs.yml names only their index pages).
- `on_files` adds every generated page (walkthrough, families, report,
  exercises), all made from the source and a live harness run.
- `on_page_markdown` points links to `walkthrough/modules/module.md#anchor` at the
  section page that holds the anchor, and puts a banner on a hand-written
  Chinese page whose English changed.
- `on_page_content` puts the record tables into the pages' HTML (a table
  is big, and Python-Markdown is slow over inline HTML; see `records.py`).
- `on_post_page` loads the Mermaid script only on pages that draw a diagram.
- `on_post_build` writes a redirect at each walkthrough page's old address
  (before the clone's files moved to torch's paths), so old links still work.
- Both editions: mkdocs-static-i18n builds English, then Chinese under zh/.
  Generated pages are rendered in the language of the build (see
  `translations.py`); `on_post_page` makes Material's language switch
  follow its own links to the page's twin.

Code that runs at build time inside a page (programs on both backends, CLI
output) is not this hook's job: markdown-exec runs those blocks (see
`examples.py`).

Why the generated pages are added here and not by mkdocs-gen-files: that
plugin writes its pages to a temporary folder, and mkdocs-static-i18n drops
every page from outside `docs/` ("Unhandled file case", a warning that fails
the strict build; ultrabug/mkdocs-static-i18n#263). So `on_files` runs after
the i18n plugin and does for our pages what it does for files on disk
(`_localize`).
Registered in mkdocs.yml under `hooks:`.
"""

from __future__ import annotations

import copy
import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

# mkdocs loads this file by path: make `gen` importable as a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance import i18n  # noqa: E402
from conformance.classroom import reach  # noqa: E402
from conformance.registry import all_scenarios  # noqa: E402
from gen import exercise_pages, families, griffe_i18n, records, translations, walkthrough  # noqa: E402

MERMAID_SCRIPT = "javascripts/mermaid.min.js"

# The site's languages. Hand-written pages are `x.md` (English) and
# `x.zh.md` (Chinese); mkdocs-static-i18n (mkdocs.yml) builds each language
# in turn, the Chinese one under zh/. Generated pages are made per build, in
# that build's language.
LANGUAGES = ("en", "zh")


def page_renderers(lang: str = "en") -> dict[str, Callable[[], str]]:
    """Site path -> a function that renders that generated page in `lang`."""
    pages: dict[str, Callable[[], str]] = {
        page.path: functools.partial(walkthrough.render, page, lang) for page in walkthrough.pages()
    }
    pages["walkthrough/index.md"] = functools.partial(walkthrough.render_index, lang)
    pages.update(families.renderers(lang))
    pages.update(exercise_pages.renderers(lang))
    pages["glossary.md"] = functools.partial(translations.render_glossary, lang)
    return pages


def generated_pages(lang: str = "en") -> dict[str, str]:
    """Site path -> markdown of every generated page in `lang`."""
    return {path: render() for path, render in page_renderers(lang).items()}


def children(lang: str = "en") -> dict[str, list[dict[str, str] | str]]:
    """Index page named in mkdocs.yml's nav -> the generated pages under it, titled in `lang`."""
    found: dict[str, list] = {}
    for page in walkthrough.pages():
        if page.file.split:
            index = f"walkthrough/{page.file.name}/index.md"
            # The nav shows titles as plain text: no backticks.
            section = walkthrough.title_in(page.title.split(": ", 1)[-1], lang)
            title = section.replace("`", "") if page.path != index else translations.site("Overview", lang)
            found.setdefault(index, []).append({title: page.path})
    found["families/index.md"] = ["families/index.md"] + [
        {translations.site(f.title, lang): families.page_path(f)} for f in families.FAMILIES
    ]
    found["conformance/index.md"] = ["conformance/index.md"] + [
        {topic if len(parts) == 1 else f"{topic} ({i + 1})": path}
        for topic, parts in families.report_parts().items()
        for i, (path, _) in enumerate(parts)
    ]
    exercises = sorted(p for p in exercise_pages.renderers() if p != "exercises/index.md")
    found["exercises/index.md"] = ["exercises/index.md", *exercises]
    return found


def _expand(nav: list, children: dict[str, list]) -> list:
    out = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if isinstance(value, list):
                out.append({title: _expand(value, children)})
            elif value in children:
                out.append({title: children[value]})
            else:
                out.append(item)
        elif isinstance(item, str) and item in children:
            out.extend(children[item])
        else:
            out.append(item)
    return out


# mkdocs.yml's nav, as written. The i18n plugin builds each language with
# the same config, so the Chinese build finds the English build's expanded
# nav there: it starts again from this copy.
_written_nav: list | None = None


@event_priority(-200)  # after mkdocs-static-i18n (-100) has set this build's language
def on_config(config: dict, **kwargs: object) -> dict:
    """MkDocs event: list the generated pages in the nav, titled in the build's language."""
    global _written_nav
    lang = config.theme.get("language") or LANGUAGES[0]
    griffe_i18n.build_language = lang  # the API reference's docstrings follow the build
    if lang == LANGUAGES[0]:  # the first build (and every rebuild of `mkdocs serve`)
        _anchors.cache_clear()
        walkthrough.clear_caches()
        families.report_parts.cache_clear()
        _written_nav = copy.deepcopy(config.get("nav"))
        # The exercise pages say which scenarios are graded: start that
        # search now, beside the build (only an empty cache has work to do).
        reach.start_search(all_scenarios())
    if _written_nav:
        config["nav"] = _expand(copy.deepcopy(_written_nav), children(lang))
    return config


def _localize(file: File, lang: str, config: MkDocsConfig) -> File:
    # What mkdocs-static-i18n does to the files it finds on disk (it cannot
    # take in-memory ones): a Chinese page goes under zh/, and knows its
    # other-language twin for the language switch.
    prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
    if prefix:
        file.dest_path = prefix + file.dest_path
        file.abs_dest_path = str(Path(config.site_dir) / file.dest_path)
        file.url = file._get_url(config.use_directory_urls)  # as the plugin does
    plain_url = file.url.removeprefix(prefix)
    file.alternates = {other: SimpleNamespace(url=("" if other == LANGUAGES[0] else f"{other}/") + plain_url)
                       for other in LANGUAGES}
    file.locale = file.locale_alternate_of = lang
    file.localization = None if not prefix else lang
    file.norm_src_uri = file.src_uri
    return file


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen this build's files
def on_files(files: Files, config: MkDocsConfig, **kwargs: object) -> Files:
    """MkDocs event: add the generated pages, in the language being built."""
    lang = config.theme.get("language") or LANGUAGES[0]
    for path, markdown in generated_pages(lang).items():
        files.append(_localize(File.generated(config, path, content=markdown), lang, config))
    return files


@functools.lru_cache(maxsize=1)
def _anchors() -> dict[str, str]:
    return walkthrough.page_of_anchor()


_OLD_LINK = re.compile(r"walkthrough/(?P<file>[\w/]+?)\.md(?:#(?P<anchor>[\w-]+))?")


def _relink(match: re.Match) -> str:
    # The long files became one page per section; find the section page.
    name, target = match.group("file"), match.group("anchor")
    if not any(f.name == name and f.split for f in walkthrough.FILES):
        return match.group(0)
    path = _anchors().get(target or "", f"walkthrough/{name}/index.md")
    return path + (f"#{target}" if target else "")


def page_language(page: object) -> str:
    """The language of a page: mkdocs-static-i18n sets `locale` on its file."""
    return getattr(getattr(page, "file", None), "locale", None) or "en"


# Above a hand-written Chinese page whose English changed after translation.
STALE_PAGE = """!!! warning "译文待更新 · translation out of date"
    英文版在翻译之后改过了，本页可能已经过时。请用页面顶部的语言切换对照英文原文。

"""


def on_page_markdown(markdown: str, page: object = None, **kwargs: object) -> str:
    """MkDocs event: fix old walkthrough links; mark a stale translation."""
    lang = page_language(page)
    source = getattr(getattr(page, "file", None), "abs_src_path", None) or ""
    if lang != LANGUAGES[0] and source.endswith(f".{lang}.md") and i18n.page_state(Path(source)) == "stale":
        markdown = STALE_PAGE + markdown
    return _OLD_LINK.sub(_relink, markdown)


def on_page_content(html: str, **kwargs: object) -> str:
    """MkDocs event: put the record tables in (see `records.fill_slots`)."""
    return records.fill_slots(html)


# Material's language switch first looks for the page in the other
# language's sitemap.xml (found beside each <link rel="alternate"> of the
# head) and, if it is not listed, goes to that language's home page. Without
# a `site_url` the sitemap's addresses cannot be parsed, so the lookup always
# failed. Every page has a twin (tests/test_site_browser.py checks it), and
# the switch's own links already point at it: drop the head's alternate
# links, and the switch simply follows its link.
_ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="\w+">\n?')


def on_post_page(output: str, page: object, config: object, **kwargs: object) -> str:
    """MkDocs event: no alternate links in the head (see above); load Mermaid
    (2.5 MB) only where a diagram is drawn."""
    output = _ALTERNATE_LINK.sub("", output)
    if 'class="mermaid"' not in output:
        return output
    src = get_relative_url(MERMAID_SCRIPT, page.url)  # type: ignore[attr-defined]
    return output.replace("</body>", f'<script src="{src}"></script>\n</body>', 1)


# A page that sends the reader on to the page's new address (with its anchor).
_REDIRECT = """<!doctype html>
<html><head><meta charset="utf-8"><title>Moved</title>
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
<script>location.replace("{url}" + location.hash)</script>
</head><body><p>This page moved to <a href="{url}">{url}</a>.</p></body></html>
"""


def old_addresses() -> dict[str, str]:
    """Old walkthrough page (site path) -> its new site path."""
    moved = {}
    for page in walkthrough.pages():
        name = page.file.name
        old = walkthrough.OLD_NAMES.get(name)
        if old and old != name:
            moved[page.path.replace(f"walkthrough/{name}", f"walkthrough/{old}", 1)] = page.path
    return moved


def on_post_build(config: MkDocsConfig, **kwargs: object) -> None:
    """MkDocs event: a redirect page at every old walkthrough address."""
    lang = config.theme.get("language") or LANGUAGES[0]
    # The Chinese pages are under zh/ of the same site folder (see `_localize`).
    site = Path(config.site_dir) / ("" if lang == LANGUAGES[0] else lang)
    for old, new in old_addresses().items():
        # "walkthrough/module/state.md" is served as walkthrough/module/state/;
        # "walkthrough/module/index.md" as walkthrough/module/.
        folder = Path(old).with_suffix("")
        if folder.name == "index":
            folder = folder.parent
        new_url = Path(new).with_suffix("")
        new_url = new_url.parent if new_url.name == "index" else new_url
        target = site / folder / "index.html"
        if target.exists():
            continue  # a real page lives there
        target.parent.mkdir(parents=True, exist_ok=True)
        url = get_relative_url(f"{new_url.as_posix()}/", f"{folder.as_posix()}/")
        target.write_text(_REDIRECT.format(url=url), encoding="utf-8")
