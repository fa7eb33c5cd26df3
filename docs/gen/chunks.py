"""Cut a source file into walkthrough rows: prose beside the code it explains.

The format (shared/walkthrough-format.md, in short):

- A block of whole-line `#` comments is the prose for the code below it.
- The docstring of a class or function is prose too, beside its `def` line;
  the comment block above the def and its docstring combine.
- A row is one prose block and the code below it, up to the next prose block
  or the next `def`/`class` of a class body or of the file, whichever comes
  first. So a row never spans two methods or two classes. Decorators belong
  to the def below them.
- A section banner (a dashed rule, a title, a dashed rule) is a heading; a
  line `# -- Advanced: <title> --` is a sub-heading.
- Exercise markers (`# exercise: tag`) are not prose and are skipped.

Example:
    >>> [r.prose for r in rows("# Why.\\nx = 1\\n")]
    ['Why.']
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

# Exercise markers steer the student copy; they are not prose.
MARKER = re.compile(r"#\s*(end\s+)?exercise\b")
# A banner rule: a comment that is only dashes.
RULE = re.compile(r"#\s*-{10,}\s*$")
ADVANCED = re.compile(r"#\s*--\s*(Advanced:.*?)\s*--\s*$")


@dataclass
class Unit:
    """A `def` or `class` of the file or of a class body: rows never span two."""

    qualname: str  # e.g. "Module.register_buffer", "Linear", "_addindent"
    kind: str  # "class" or "def"
    start: int  # first line, decorators included
    body: int  # first line after the docstring (or of the body)
    end: int
    owner: str  # enclosing class name, "" at file level
    name: str
    docstring: str = ""
    doc_lines: tuple[int, int] | None = None  # the docstring's first and last line


@dataclass
class Row:
    """One walkthrough row: prose beside some code, or a heading."""

    prose: str = ""
    lines: list[int] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    heading: str = ""  # a banner or Advanced title (then there is no code)
    level: int = 0  # 2 for a banner, 3 for an Advanced sub-heading
    unit: Unit | None = None  # the def/class whose first line is in this row
    scope: str = ""  # qualname of the innermost unit around the code ("" = file level)

    def segments(self) -> list[list[int]]:
        """The row's line numbers cut into runs of consecutive lines."""
        runs: list[list[int]] = []
        for n in self.lines:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        return runs


def comment_lines(source: str) -> dict[int, str]:
    """Line number -> comment text, for lines that hold only a comment.

    `tokenize` tells a real comment from a `#` inside a string.
    """
    found: dict[int, str] = {}
    code_lines: set[int] = set()
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
        elif token.type not in skip:
            # A multi-line string covers every line it spans.
            code_lines.update(range(token.start[0], token.end[0] + 1))
    return {line: text for line, text in found.items() if line not in code_lines}


def _docstring(node: ast.AST) -> tuple[str, tuple[int, int] | None]:
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        if isinstance(body[0].value.value, str):
            return ast.get_docstring(node) or "", (body[0].lineno, body[0].end_lineno)
    return "", None


def units(tree: ast.Module) -> list[Unit]:
    """Every def/class of the file and of its class bodies (not nested functions)."""
    found: list[Unit] = []

    def visit(body: list[ast.stmt], owner: str) -> None:
        for node in body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            text, doc = _docstring(node)
            first_after = node.body[1].lineno if doc and len(node.body) > 1 else (doc[1] + 1 if doc else node.body[0].lineno)
            qualname = f"{owner}.{node.name}" if owner else node.name
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            found.append(Unit(qualname, kind, start, first_after, node.end_lineno, owner, node.name, text, doc))
            if kind == "class":
                visit(node.body, qualname)

    visit(tree.body, "")
    return found


def _comment_text(comments: list[str]) -> str:
    # "# text" -> "text"; an empty "#" line keeps a paragraph break.
    return "\n".join(re.sub(r"^#\s?", "", c) for c in comments).strip()


def _banner_title(text: str) -> tuple[str, str]:
    """A banner's heading and the prose that follows it.

    A one-line banner is all heading ("2. Registration"). A longer banner
    opens with its heading as a sentence ("Global hooks: they run for every
    module..."): the heading is that sentence's first words.
    """
    first, _, more = text.partition("\n")
    if not more:
        return first, ""
    cut = re.search(r"(?<!\d)[.:]\s", first)
    if cut is None:
        return first, more
    rest = (first[cut.end():] + "\n" + more).strip()
    return first[: cut.start()], rest[:1].upper() + rest[1:]


def rows(source: str) -> list[Row]:
    """The walkthrough rows of `source`, in file order."""
    text = source.splitlines()
    comments = comment_lines(source)
    tree = ast.parse(source)
    all_units = units(tree)
    starts = {u.start: u for u in all_units}
    doc_lines: set[int] = set()
    for u in all_units:
        if u.doc_lines and u.doc_lines[0] > u.start:
            doc_lines.update(range(u.doc_lines[0], u.doc_lines[1] + 1))
    module_doc, module_doc_lines = _docstring(tree)
    if module_doc_lines:
        doc_lines.update(range(module_doc_lines[0], module_doc_lines[1] + 1))

    def scope_of(number: int) -> str:
        # The innermost unit around a line (units are listed outer first).
        inner = ""
        for u in all_units:
            if u.start <= number <= u.end:
                inner = u.qualname
        return inner

    out: list[Row] = []
    pending: list[str] = [module_doc] if module_doc else []
    current: Row | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            _trim(current, text)
            if current.lines or current.prose:
                out.append(current)
        current = None

    block: list[str] = []

    def close_block() -> None:
        # Consecutive comment lines are one prose block.
        if block:
            pending.append(_comment_text(block))
            block.clear()

    def take_prose() -> str:
        nonlocal pending
        close_block()
        prose = "\n\n".join(p for p in pending if p)
        pending = []
        return prose

    def _keep_as_prose_row() -> None:
        # Prose read just before a heading stays on the page, as prose alone.
        prose = take_prose()
        if prose:
            out.append(Row(prose=prose, scope=""))

    number = 0
    while number < len(text):
        number += 1
        line = text[number - 1].strip()
        if number in comments:
            if MARKER.match(line):
                continue
            if RULE.match(line):
                # A banner: rule, title lines, rule. Its first line is the heading.
                close = number + 1
                while close <= len(text) and close in comments and not RULE.match(text[close - 1].strip()):
                    close += 1
                if close <= len(text) and close in comments and close > number + 1:
                    flush()
                    _keep_as_prose_row()
                    inside = _comment_text([text[n - 1].strip() for n in range(number + 1, close)])
                    title, rest = _banner_title(inside)
                    out.append(Row(heading=title, level=2, scope=scope_of(number)))
                    if rest:
                        pending.append(rest)
                    number = close
                    continue
            advanced = ADVANCED.match(line)
            if advanced:
                flush()
                _keep_as_prose_row()
                out.append(Row(heading=advanced.group(1), level=3, scope=scope_of(number)))
                continue
            # Prose: it starts a new row after any code.
            if current is not None and current.lines:
                flush()
            block.append(line)
            continue
        close_block()
        if number in doc_lines:
            continue
        unit = starts.get(number)
        if unit is not None:
            # A def/class opens its own row; the prose above it and its docstring combine.
            flush()
            current = Row(prose="", unit=unit, scope=unit.qualname)
            current.prose = "\n\n".join(p for p in [take_prose(), unit.docstring] if p)
        scope = scope_of(number)
        if current is not None and current.lines and scope != current.scope and line:
            # Leaving a method (or entering class-level code): a new row.
            flush()
        if current is None:
            if not line:
                continue
            current = Row(prose=take_prose(), scope=scope)
        elif pending and not current.lines:
            current.prose = "\n\n".join(p for p in [current.prose, take_prose()] if p)
        current.lines.append(number)
        current.code.append(text[number - 1])
    flush()
    close_block()
    if pending:
        out.append(Row(prose=take_prose()))
    return out


def _trim(row: Row, text: list[str]) -> None:
    # Blank lines at the edges of a row show nothing.
    while row.lines and not text[row.lines[0] - 1].strip():
        row.lines.pop(0)
        row.code.pop(0)
    while row.lines and not text[row.lines[-1] - 1].strip():
        row.lines.pop()
        row.code.pop()


def code_line_numbers(source: str) -> set[int]:
    """Lines that must appear on the site as code: not blank, not a comment, not a docstring."""
    comments = comment_lines(source)
    tree = ast.parse(source)
    docs: set[int] = set()
    for node in [tree, *units(tree)]:
        span = _docstring(node)[1] if isinstance(node, ast.AST) else node.doc_lines
        if span:
            docs.update(range(span[0], span[1] + 1))
    return {
        n for n, line in enumerate(source.splitlines(), 1) if line.strip() and n not in comments and n not in docs
    }
