"""Real programs: unmodified torch scripts give the same output on the clone.

Each file in `tests/real_programs/` is an ordinary tutorial-style training
script written against torch (`from torch import nn` or `import torch.nn as
nn`, `import torch.nn.functional as F`), small and seeded. The test runs it
as it is, then again with only its `torch.nn` import line swapped for the
clone, each in a fresh Python process, and compares what the two runs print.
`torch.nn.functional` stays torch's: it is tensor math, which the clone uses
too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = sorted((ROOT / "tests" / "real_programs").glob("*.py"))

# The two import lines that bring in torch.nn under a name (group 2 is the
# name, if an `as` gives one).
_FROM_TORCH_IMPORT_NN = re.compile(r"^([ \t]*)from torch import nn(?:[ \t]+as[ \t]+(\w+))?[ \t]*$", re.M)
_IMPORT_TORCH_NN_AS = re.compile(r"^([ \t]*)import torch\.nn as (\w+)[ \t]*$", re.M)


def swap_imports(source: str) -> str:
    """Replace `from torch import nn` / `import torch.nn as nn` by the clone.

    Examples:
        >>> swap_imports("import torch\\nfrom torch import nn\\n")
        'import torch\\nimport minitorch_module as nn\\n'
    """
    def clone_import(match: re.Match) -> str:
        return f"{match.group(1)}import minitorch_module as {match.group(2) or 'nn'}"

    source = _FROM_TORCH_IMPORT_NN.sub(clone_import, source)
    return _IMPORT_TORCH_NN_AS.sub(clone_import, source)


def run_program(path: Path, source: str) -> subprocess.CompletedProcess:
    """Run `source` as the script `path` in a new process; the clone is importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    # One thread: the same float sums in the same order on any machine.
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(
        [sys.executable, "-c", source],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_programs_exist():
    assert len(PROGRAMS) >= 3


def test_swap_changes_only_the_nn_import():
    source = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch import nn as tnn\n"
    assert swap_imports(source) == (
        "import torch\nimport minitorch_module as nn\nimport torch.nn.functional as F\nimport minitorch_module as tnn\n"
    )


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_program_prints_the_same_on_torch_and_on_the_clone(path):
    source = path.read_text()
    swapped = swap_imports(source)
    assert swapped != source, f"{path.name} has no `torch.nn` import line to swap"
    on_torch = run_program(path, source)
    assert on_torch.returncode == 0, on_torch.stderr
    assert on_torch.stdout.strip(), f"{path.name} printed nothing"
    on_clone = run_program(path, swapped)
    assert on_clone.returncode == 0, on_clone.stderr
    assert on_clone.stdout == on_torch.stdout
