"""Nothing in the project calls `torch.load` without `weights_only=True`.

`torch.load` with `weights_only=False` runs pickle, which can run any code
from the file. The test reads every .py file of the repository with `ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".git", ".venv", "venv", "site", "build", "node_modules", ".hypothesis"}


def unsafe_loads(source: str) -> list[int]:
    """Line numbers of `torch.load(...)` / `load(...)` calls without weights_only=True."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_torch_load = (
            isinstance(func, ast.Attribute)
            and func.attr == "load"
            and isinstance(func.value, ast.Name)
            and func.value.id == "torch"
        )
        if not is_torch_load:
            continue
        safe = any(
            k.arg == "weights_only" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
        if not safe:
            lines.append(node.lineno)
    return lines


def python_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not SKIP.intersection(p.relative_to(ROOT).parts)]


def test_every_torch_load_uses_weights_only():
    found = [f"{path.relative_to(ROOT)}:{line}" for path in python_files() for line in unsafe_loads(path.read_text())]
    assert not found, "torch.load without weights_only=True at: " + ", ".join(found)


def test_the_scan_finds_an_unsafe_call():
    # The check must be able to fail.
    assert unsafe_loads("import torch\ntorch.load('f')\ntorch.load('g', weights_only=False)\n") == [2, 3]
    assert unsafe_loads("torch.load('f', weights_only=True)\n") == []
