"""A griffe extension: the API reference shows the clone's docstrings in the build's language.

The walkthrough catalog already holds every docstring paragraph of the walked
files, keyed by its English (see `translations.py`). When mkdocstrings loads
the clone for the Chinese edition, each paragraph with a good translation is
replaced by it; a stale or missing one stays English. Section headers stay
English ("Args:", "Examples:"), because that is how the docstring parser
finds the sections.
Registered in mkdocs.yml (mkdocstrings' `extensions` option).
"""

from __future__ import annotations

import re

import griffe

from conformance import i18n

# The language of the build in progress; docs/gen/hook.py sets it in on_config.
build_language = "en"

_SECTION = re.compile(r"^(\w+):\n")


def translated_docstring(text: str, lang: str) -> str:
    """`text` paragraph by paragraph in `lang`, section headers kept in English."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        found = i18n.translate(paragraph.strip(), lang, "walkthrough")
        shown = paragraph if found.stale else str(found)
        header = _SECTION.match(paragraph)
        if header and not found.stale:
            # "参数:\n    data: ..." -> "Args:\n    data: ..."
            shown = header.group(0) + shown.split("\n", 1)[-1]
        paragraphs.append(shown)
    return "\n\n".join(paragraphs)


class TranslateDocstrings(griffe.Extension):
    """Put each loaded object's docstring in the build's language."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:
        if build_language != "en" and obj.docstring is not None:
            obj.docstring.value = translated_docstring(obj.docstring.value, build_language)
