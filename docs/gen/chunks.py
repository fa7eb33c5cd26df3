"""Cut a source file into walkthrough chunks: prose from comments, then code.

The rule (see shared/DESIGN.md): a block of `#` comment lines that stands on
its own lines is the prose for the code below it, up to the next such block.
Code runs longer than `MAX_LINES` are split, at blank lines where possible,
so that no chunk on the site is longer than `MAX_LINES` lines.

Example:
    >>> [c.prose for c in chunk_source("# Why.\\nx = 1\\n")]
    ['Why.']
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

MAX_LINES = 8

# Exercise markers steer the student copy; they are not prose.
MARKER = re.compile(r"#\s*(end\s+)?exercise\b")


@dataclass
class Chunk:
    """Some prose and the code lines (1-based line numbers) it explains."""

    prose: str
    lines: list[int] = field(default_factory=list)
    code: list[str] = field(default_factory=list)


def comment_lines(source: str) -> dict[int, str]:
    """Line number -> comment text, for lines that hold only a comment.

    `tokenize` tells a real comment from a `#` inside a string.
    """
    found: dict[int, str] = {}
    code_lines: set[int] = set()
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            # A multi-line string covers every line it spans.
            code_lines.update(range(token.start[0], token.end[0] + 1))
    return {line: text for line, text in found.items() if line not in code_lines}


def _prose(comments: list[str]) -> str:
    # "# text" -> "text"; an empty "#" line keeps a paragraph break.
    return "\n".join(re.sub(r"^#\s?", "", c) for c in comments).strip()


def _split(lines: list[int], text: list[str]) -> list[list[int]]:
    """Split one code run into pieces of at most MAX_LINES shown lines."""
    pieces: list[list[int]] = []
    current: list[int] = []
    for number in lines:
        current.append(number)
        if len(current) < MAX_LINES:
            continue
        # Full: cut after the last blank line if there is one, else here.
        blanks = [i for i, n in enumerate(current) if not text[n - 1].strip()]
        cut = blanks[-1] + 1 if blanks and blanks[-1] > 0 else len(current)
        pieces.append(current[:cut])
        current = current[cut:]
    if current:
        pieces.append(current)
    return [_trim(p, text) for p in pieces if _trim(p, text)]


def _trim(piece: list[int], text: list[str]) -> list[int]:
    # Blank lines at the edges of a chunk show nothing.
    while piece and not text[piece[0] - 1].strip():
        piece = piece[1:]
    while piece and not text[piece[-1] - 1].strip():
        piece = piece[:-1]
    return piece


def chunk_source(source: str) -> list[Chunk]:
    """The walkthrough chunks of `source`, in file order."""
    text = source.splitlines()
    comments = comment_lines(source)
    chunks: list[Chunk] = []
    pending_prose: list[str] = []
    run: list[int] = []

    def flush_code() -> None:
        nonlocal pending_prose, run
        pieces = _split(run, text)
        for i, piece in enumerate(pieces):
            # Only the first piece carries the prose; the rest continue it.
            prose = _prose(pending_prose) if i == 0 else ""
            chunks.append(Chunk(prose, piece, [text[n - 1] for n in piece]))
        if not pieces and pending_prose:
            chunks.append(Chunk(_prose(pending_prose)))
        pending_prose, run = [], []

    for number, line in enumerate(text, start=1):
        if number in comments:
            if MARKER.match(line.strip()):
                continue
            if run and any(text[n - 1].strip() for n in run):
                flush_code()
            pending_prose.append(line.strip())
        else:
            run.append(number)
    flush_code()
    return chunks


def code_line_numbers(source: str) -> set[int]:
    """Lines that must appear on the site: every non-blank, non-comment line."""
    comments = comment_lines(source)
    return {n for n, line in enumerate(source.splitlines(), 1) if line.strip() and n not in comments}
