"""`minitorch-module explain EXPR`: show the internal state of a module tree.

EXPR is Python code, run on your machine like `python -c` (do not paste code
you do not trust). In it, `nn` is the chosen backend (torch.nn or the clone)
and `torch` is imported. Several statements are allowed, separated by `;`;
the last one must be an expression that gives a module:

    minitorch-module explain "nn.Sequential(nn.Linear(2, 3), nn.ReLU())"
    minitorch-module explain "m = nn.Module(); m.a = nn.Linear(1, 1); m.b = m.a; m" --format mermaid
"""

from __future__ import annotations

import argparse
import ast
from typing import Any

import torch
from rich.console import Console

from minitorch_module.explain import explain, is_module_like

from .backends import Backend, get_backend
from .usage import UsageError

EPILOG = """\
EXPR is evaluated as local Python code, like `python -c`: `nn` is the backend's
namespace (torch.nn or minitorch_module) and `torch` is imported. Separate
statements with ';'; the last one must give a module, e.g.
  "m = nn.Module(); m.a = nn.Linear(1, 1); m.b = m.a; m"
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("expr", metavar="EXPR", help="Python code whose last expression gives a module")
    parser.add_argument(
        "--backend", default="clone", metavar="B", help="'torch', 'clone' (default) or the folder of a student copy"
    )
    parser.add_argument(
        "--format", choices=("tree", "text", "mermaid"), default="tree", help="rich tree (default), plain text or Mermaid"
    )


def load_backend(spec: str) -> Backend:
    """The backend named on the command line; a bad name is a usage error."""
    try:
        return get_backend(spec)
    except (FileNotFoundError, ImportError, SyntaxError) as error:
        raise UsageError(f"cannot load backend {spec}: {error}") from None


def run_code(code: str, backend: Backend, names: dict[str, Any] | None = None, need_value: bool = False) -> Any:
    """Run `code` with `nn`, `torch` (and `names`) bound; return its last expression.

    Returns None when the last statement is not an expression (an error if
    `need_value`). Any error (bad syntax, an exception while running)
    becomes a one-line UsageError.
    """
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError as error:
        raise UsageError(f"cannot parse {code!r}: {error.msg}") from None

    # Split off the last statement when it is an expression, so that we can
    # hand back its value (like the Python prompt does).
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is None and need_value:
        raise UsageError(f"{code!r} must end with an expression that gives a module")
    scope: dict[str, Any] = {"nn": backend.nn, "torch": torch, **(names or {})}
    try:
        exec(compile(tree, "<EXPR>", "exec"), scope)
        if last is None:
            return None
        return eval(compile(ast.Expression(last.value), "<EXPR>", "eval"), scope)
    except Exception as error:  # any error in user code is reported in one line
        message = str(error).splitlines()[0] if str(error) else ""
        raise UsageError(f"{code!r} raised {type(error).__name__}: {message}") from None


def build_module(expr: str, backend: Backend) -> Any:
    """Evaluate EXPR on `backend` and check that it gives a module."""
    module = run_code(expr, backend, need_value=True)
    if not is_module_like(module):
        raise UsageError(f"{expr!r} gives {type(module).__name__}, not a module")
    return module


def run(args: argparse.Namespace) -> int:
    backend = load_backend(args.backend)
    module = build_module(args.expr, backend)
    if args.format == "tree":
        Console().print(explain(module, format="tree"))
    else:
        print(explain(module, format=args.format))
    return 0
