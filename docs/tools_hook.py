"""MkDocs hook: replace `<!-- minitorch-module ... -->` lines with the command's real output.

A page writes a command of the `minitorch-module` CLI in an HTML comment, on
a line of its own:

    <!-- minitorch-module explain "nn.Linear(2, 3)" --backend torch --format text -->
    <!-- minitorch-module explain "nn.Linear(2, 3)" --format mermaid -->
    <!-- minitorch-module trace "nn.Linear(2, 3)" --call "m.double()" --backend both -->

At build time the hook runs the command (in this process, through the same
`main()` the shell uses) and puts its output in the page: a Mermaid diagram
for `--format mermaid`, a text block (starting with the command) otherwise.
A command that fails stops the build, so the site never shows a stale or
broken example. Register it in mkdocs.yml under `hooks:`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import shlex

from mkdocs.exceptions import PluginError

from conformance.cli import main

# A whole line that holds only the comment, so prose that mentions the
# syntax in backticks is left alone.
PLACEHOLDER = re.compile(r"^<!-- minitorch-module (?P<args>(?:explain|trace) .*?) -->$", re.MULTILINE)


def run_command(argv: list[str]) -> str:
    """Run one CLI command and return what it printed; raise if it failed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse exits on a bad option
            code = exit_.code
    if code != 0:
        raise PluginError(f"minitorch-module {shlex.join(argv)} failed ({code}): {err.getvalue().strip()}")
    return out.getvalue().rstrip()


@functools.lru_cache(maxsize=None)
def render(args_text: str) -> str:
    """The Markdown that replaces one placeholder (run once; both languages show it)."""
    argv = shlex.split(args_text)
    output = run_command(argv)
    # A Mermaid fence is drawn as a picture; anything else is shown as text,
    # after the command that made it, so a reader can run it too.
    if "mermaid" in argv and argv[argv.index("mermaid") - 1] == "--format":
        return f"```mermaid\n{output}\n```"
    return f"```text\n$ minitorch-module {args_text}\n{output}\n```"


def on_page_markdown(markdown: str, **kwargs: object) -> str:
    """MkDocs event: replace every placeholder of a page with generated output."""
    return PLACEHOLDER.sub(lambda match: render(match.group("args")), markdown)
