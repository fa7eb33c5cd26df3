"""The one place where backend-specific names are made equal.

torch says `torch.nn.modules.linear.Linear`, the clone says
`minitorch_module.modules.linear.Linear`, a student copy says
`student_copy_1.layers.linear.Linear`. All three become `nn.Linear`.
Nothing else in the project rewrites names.
"""

from __future__ import annotations

import re

# Memory addresses differ from run to run: "<object at 0x7f3a...>".
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def package_pattern(prefix: str) -> re.Pattern[str]:
    """A regex for `prefix`, then any lowercase sub-packages, before a class name.

    `torch.nn` matches `torch.nn.parameter.Parameter` up to `Parameter`, and
    `torch.nn.Module` up to `Module`.
    """
    return re.compile(r"\b" + re.escape(prefix) + r"(?:\.[a-z_][a-z0-9_]*)*\.(?=[A-Z_])")


def normalize_text(text: str, patterns: list[re.Pattern[str]]) -> str:
    """Replace package paths before class names by `nn.`, and hide addresses."""
    for pattern in patterns:
        text = pattern.sub("nn.", text)
    return _ADDRESS.sub("0x…", text)
