"""MkDocs hook: add the generated pages and run the build-time examples.

- `on_files` adds one walkthrough page per walked-through source file, the
  conformance report and the exercise pages, all generated from the source
  and a live harness run.
- `on_page_markdown` replaces `<!-- run-both NAME -->` lines with a program
  run on torch.nn and on the clone (see `examples.py`), and puts a banner
  on a hand-written Chinese page whose English changed since translation.
- Both editions: mkdocs-static-i18n builds English, then Chinese under zh/.
  Generated pages are rendered in the language of the build (see
  `translations.py`); `on_post_page` and `on_post_build` make Material's
  language switch work with that plugin.
Registered in mkdocs.yml under `hooks:`.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

# mkdocs loads this file by path: make `gen` importable as a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance import i18n  # noqa: E402
from gen import examples, exercise_pages, translations, walkthrough  # noqa: E402


# The site's languages. Hand-written pages are `x.md` (English) and
# `x.zh.md` (Chinese); mkdocs-static-i18n (mkdocs.yml) builds each language
# in turn, the Chinese one under zh/. Generated pages are made per build, in
# that build's language.
LANGUAGES = ("en", "zh")


def page_renderers(lang: str = "en") -> dict[str, Callable[[], str]]:
    """Site path -> a function that renders that generated page in `lang`."""
    pages: dict[str, Callable[[], str]] = {
        f"walkthrough/{name}.md": functools.partial(walkthrough.render_page, name, lang) for name in walkthrough.PAGES
    }
    pages["conformance.md"] = functools.partial(walkthrough.render_report, lang)
    pages.update(exercise_pages.renderers(lang))
    pages["glossary.md"] = functools.partial(translations.render_glossary, lang)
    return pages


def generated_pages(lang: str = "en") -> dict[str, str]:
    """Site path -> markdown of every generated page in `lang`."""
    return {path: render() for path, render in page_renderers(lang).items()}


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


def page_language(page: object) -> str:
    """The language of a page: mkdocs-static-i18n sets `locale` on its file."""
    return getattr(getattr(page, "file", None), "locale", None) or "en"


# Above a hand-written Chinese page whose English changed after translation.
STALE_PAGE = """!!! warning "译文待更新 · translation out of date"
    英文版在翻译之后改过了，本页可能已经过时。请用页面顶部的语言切换对照英文原文。

"""


def on_page_markdown(markdown: str, page: object = None, **kwargs: object) -> str:
    """MkDocs event: run the `run-both` programs of a page; mark a stale translation."""
    lang = page_language(page)
    source = getattr(getattr(page, "file", None), "abs_src_path", None) or ""
    if lang != LANGUAGES[0] and source.endswith(f".{lang}.md") and i18n.page_state(Path(source)) == "stale":
        markdown = STALE_PAGE + markdown
    return examples.expand(markdown, lang)


def on_post_build(config: MkDocsConfig, **kwargs: object) -> None:
    """MkDocs event: give each edition a sitemap.

    Material's language switch reads the sitemap.xml of every language to
    find the same page there; mkdocs-static-i18n writes one, at the root,
    that lists both editions.
    """
    sitemap = Path(config.site_dir) / "sitemap.xml"
    for lang in LANGUAGES[1:]:
        if sitemap.exists() and (Path(config.site_dir) / lang).is_dir():
            (Path(config.site_dir) / lang / "sitemap.xml").write_bytes(sitemap.read_bytes())


# Material fetches sitemap.xml beside each <link rel="alternate"> of a page's
# head. The plugin points those links at the same page in each language
# (right for the switch in the header), so point the head's links at the
# language roots, where the sitemaps are.
_ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="(\w+)">')


def on_post_page(output: str, page: object, **kwargs: object) -> str:
    """MkDocs event: the head's alternate links lead to each edition's root."""
    up = "../" * page.url.count("/") or "./"

    def root(match: re.Match) -> str:
        lang = match[1]
        return f'<link rel="alternate" href="{up}{"" if lang == LANGUAGES[0] else lang + "/"}" hreflang="{lang}">'

    return _ALTERNATE_LINK.sub(root, output)
