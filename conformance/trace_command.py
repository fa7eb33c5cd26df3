"""`minitorch-module trace EXPR --call CODE`: the Module method calls CODE makes.

EXPR builds a module, bound to `m`; CODE then runs under `trace()`. Both are
Python code run on your machine like `python -c`. With `--backend both` the
torch and clone call trees are printed side by side and the lines that
differ are marked:

    minitorch-module trace "nn.Sequential(nn.Linear(2, 3))" --call "m.to(torch.double)" --backend both
"""

from __future__ import annotations

import argparse
import difflib
from dataclasses import dataclass
from pathlib import Path

from minitorch_module.trace import Trace, machinery_files, torch_machinery_files

from .backends import Backend
from .explain_command import build_module, load_backend, run_code

EPILOG = """\
EXPR and CODE are evaluated as local Python code, like `python -c`: `nn` is
the backend's namespace (torch.nn or minitorch_module) and `torch` is
imported. EXPR must give a module; CODE sees it as `m`. Without --call, EXPR
itself is traced (e.g. to see what a constructor does).

Marks in the side-by-side view (--backend both):
  (blank) same call   ~ the call differs   < only torch   > only the clone
"""

# Marks of the side-by-side view, one per row.
SAME, DIFFERENT, ONLY_LEFT, ONLY_RIGHT = " ", "~", "<", ">"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("expr", metavar="EXPR", help="Python code whose last expression gives a module (bound to m)")
    parser.add_argument("--call", metavar="CODE", help="the code to trace, e.g. 'm.to(torch.double)'")
    parser.add_argument(
        "--backend", default="clone", metavar="B", help="'torch', 'clone' (default), 'both', or a student copy's folder"
    )
    parser.add_argument("--width", type=int, default=60, metavar="N", help="column width in the side-by-side view")


def files_of(backend: Backend) -> set[str]:
    """The Module machinery files to follow for one backend."""
    if backend.name == "torch":
        return torch_machinery_files()
    return machinery_files(Path(backend.nn.__file__).parent)


def trace_lines(expr: str, call: str | None, backend: Backend) -> list[str]:
    """Build the module from EXPR, trace CODE on it, return the call tree lines."""
    # Without CODE we trace EXPR itself; with it, EXPR is built untraced.
    if call is None:
        with Trace(files_of(backend)) as recorded:
            run_code(expr, backend)
    else:
        module = build_module(expr, backend)
        with Trace(files_of(backend)) as recorded:
            run_code(call, backend, {"m": module})
    return [backend.normalize(line) for line in recorded.lines()]


@dataclass
class Row:
    """One row of the side-by-side view."""

    mark: str
    left: str
    right: str


def align(left: list[str], right: list[str]) -> list[Row]:
    """Pair up two call trees line by line, marking where they differ.

    Example:
        >>> [r.mark for r in align(["a", "b", "c"], ["a", "x", "c", "d"])]
        [' ', '~', ' ', '>']
    """
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row(SAME, a, b) for a, b in zip(left[i1:i2], right[j1:j2])]
            continue
        # A replaced block pairs its lines as far as both sides go; the
        # rest of the longer side stands alone.
        a_block, b_block = left[i1:i2], right[j1:j2]
        for k in range(max(len(a_block), len(b_block))):
            a = a_block[k] if k < len(a_block) else None
            b = b_block[k] if k < len(b_block) else None
            mark = DIFFERENT if a is not None and b is not None else (ONLY_LEFT if b is None else ONLY_RIGHT)
            rows.append(Row(mark, a or "", b or ""))
    return rows


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_side_by_side(rows: list[Row], width: int = 60, titles: tuple[str, str] = ("torch", "clone")) -> str:
    """The aligned rows as two text columns with the mark between them."""
    lines = [f"{titles[0]:<{width}}   {titles[1]}", f"{'-' * width}   {'-' * width}"]
    lines += [f"{_fit(r.left, width):<{width}} {r.mark} {_fit(r.right, width)}".rstrip() for r in rows]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.backend != "both":
        print("\n".join(trace_lines(args.expr, args.call, load_backend(args.backend))))
        return 0
    left = trace_lines(args.expr, args.call, load_backend("torch"))
    right = trace_lines(args.expr, args.call, load_backend("clone"))
    print(render_side_by_side(align(left, right), args.width))
    return 0
