"""MkDocs hook: add the generated pages and run the build-time examples.

- `on_files` adds one walkthrough page per walked-through source file, the
  conformance report and the exercise pages, all generated from the source
  and a live harness run.
- `on_page_markdown` replaces `<!-- run-both NAME -->` lines with a program
  run on torch.nn and on the clone (see `examples.py`).
Registered in mkdocs.yml under `hooks:`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

# mkdocs loads this file by path: make `gen` importable as a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gen import examples, exercise_pages, walkthrough  # noqa: E402


def generated_pages() -> dict[str, str]:
    """Site path -> markdown of every generated page."""
    pages = {f"walkthrough/{name}.md": walkthrough.render_page(name) for name in walkthrough.PAGES}
    pages["conformance.md"] = walkthrough.render_report()
    pages.update(exercise_pages.pages())
    return pages


def on_files(files: Files, config: object, **kwargs: object) -> Files:
    """MkDocs event: add the generated pages to the site."""
    for path, markdown in generated_pages().items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    """MkDocs event: run the `run-both` programs of a page."""
    return examples.expand(markdown)
