"""The `minitorch-module` command.

Each sub-command lives in its own module with two functions:
`add_arguments(parser)` and `run(args) -> exit code`. Add a new one to
`COMMANDS` below.

Exit codes: 0 success, 1 the check found a difference or failure,
2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Commands raise UsageError for bad input; it lives in `usage.py` so that the
# commands never import this module (no import cycle).
from .usage import UsageError

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("conformance.compare", "run the scenarios on torch and on the clone and compare"),
    "explain": ("conformance.explain_command", "show the internal state of a module tree"),
    "trace": ("conformance.trace_command", "show the tree of Module method calls that some code makes"),
    "exercises": ("conformance.classroom.exercises", "make a student copy of the clone with exercises to fill in"),
    "check": ("conformance.classroom.check", "check a student copy against torch, exercise by exercise"),
    "translations": ("conformance.i18n", "show how much of the Chinese translation is done and up to date"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minitorch-module",
        description="Learn torch.nn.Module by comparing a from-scratch clone with real PyTorch.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits with code 2 on bad usage
    try:
        return args._run(args)
    except UsageError as error:
        print(f"minitorch-module {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
