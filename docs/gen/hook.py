"""MkDocs hook: add the generated pages, put them in the nav, run the examples.

- `on_config` puts the generated pages in the nav: the section pages of the
  long walkthrough files, the exercise pages, the family pages and the
  conformance report's topic pages (mkdocs.yml names only their index pages).
- `on_files` adds every generated page (walkthrough, families, report,
  exercises), all made from the source and a live harness run.
- `on_page_markdown` replaces `<!-- run-both NAME -->` lines with a program
  run on torch.nn and on the clone (see `examples.py`), and points links to
  `walkthrough/module.md#anchor` at the section page that holds the anchor.
- `on_post_page` loads the Mermaid script only on pages that draw a diagram.
Registered in mkdocs.yml under `hooks:`.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

# mkdocs loads this file by path: make `gen` importable as a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gen import examples, exercise_pages, families, walkthrough  # noqa: E402

MERMAID_SCRIPT = "javascripts/mermaid.min.js"


def generated_pages() -> dict[str, str]:
    """Site path -> markdown of every generated page."""
    pages = {page.path: walkthrough.render(page) for page in walkthrough.pages()}
    pages["walkthrough/index.md"] = walkthrough.render_index()
    pages.update(families.pages())
    pages.update(exercise_pages.pages())
    return pages


def _children() -> dict[str, list[dict[str, str] | str]]:
    """Index page named in mkdocs.yml's nav -> the generated pages under it."""
    found: dict[str, list] = {}
    for page in walkthrough.pages():
        if page.file.split:
            index = f"walkthrough/{page.file.name}/index.md"
            # The nav shows titles as plain text: no backticks.
            title = page.title.split(": ", 1)[-1].replace("`", "") if page.path != index else "Overview"
            found.setdefault(index, []).append({title: page.path})
    found["families/index.md"] = ["families/index.md"] + [
        {f.title: families.page_path(f)} for f in families.FAMILIES
    ]
    found["conformance/index.md"] = ["conformance/index.md"] + [
        {topic if len(parts) == 1 else f"{topic} ({i + 1})": path}
        for topic, parts in families.report_parts().items()
        for i, (path, _) in enumerate(parts)
    ]
    exercises = sorted(p for p in exercise_pages.pages() if p != "exercises/index.md")
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


def on_config(config: dict, **kwargs: object) -> dict:
    """MkDocs event: list the generated pages in the nav."""
    _anchors.cache_clear()
    walkthrough.clear_caches()
    families.report_parts.cache_clear()
    if config.get("nav"):
        config["nav"] = _expand(config["nav"], _children())
    return config


def on_files(files: Files, config: object, **kwargs: object) -> Files:
    """MkDocs event: add the generated pages to the site."""
    for path, markdown in generated_pages().items():
        files.append(File.generated(config, path, content=markdown))
    return files


@functools.lru_cache(maxsize=1)
def _anchors() -> dict[str, str]:
    return walkthrough.page_of_anchor()


_OLD_LINK = re.compile(r"walkthrough/(?P<file>\w+)\.md(?:#(?P<anchor>[\w-]+))?")


def _relink(match: re.Match) -> str:
    # The long files became one page per section; find the section page.
    name, target = match.group("file"), match.group("anchor")
    if not any(f.name == name and f.split for f in walkthrough.FILES):
        return match.group(0)
    path = _anchors().get(target or "", f"walkthrough/{name}/index.md")
    return path + (f"#{target}" if target else "")


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    """MkDocs event: run the `run-both` programs of a page; fix old walkthrough links."""
    return _OLD_LINK.sub(_relink, examples.expand(markdown))


def on_post_page(output: str, page: object, config: object, **kwargs: object) -> str:
    """MkDocs event: load Mermaid (2.5 MB) only where a diagram is drawn."""
    if 'class="mermaid"' not in output:
        return output
    src = get_relative_url(MERMAID_SCRIPT, page.url)  # type: ignore[attr-defined]
    return output.replace("</body>", f'<script src="{src}"></script>\n</body>', 1)
