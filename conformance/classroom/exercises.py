"""Student copies: the marked regions of the clone, stubs, and `exercises ...`.

The track itself (what each exercise is) is the table in `conformance/classroom/track.py`.
A region of the clone belongs to an exercise when the line right above its
`def` is a marker comment:

    # exercise: registration
    def register_buffer(self, name, tensor, persistent=True):

`minitorch-module exercises new DIR` copies the package and replaces the body
of every marked function with a stub that raises NotImplementedError.
`minitorch-module check DIR` runs each exercise's scenarios against the copy
(see `conformance/classroom/check.py`), each graded on its own.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import shutil
import textwrap
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import minitorch_module

from .track import TEXT, TRACK, Exercise, set_language, tr
from ..usage import UsageError, pick_exercises

PACKAGE = Path(minitorch_module.__file__).parent
MARKER = re.compile(r"^\s*# exercise: (?P<tag>\w+)\s*$")


# ---------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
    """A marked function: its file, name, and the body lines a stub replaces."""

    file: Path
    tag: str
    qualname: str
    first_line: int  # first body line after the docstring (1-based)
    last_line: int
    indent: str


def regions(package: Path = PACKAGE) -> list[Region]:
    """Every marked function of the package, in file order."""
    found: list[Region] = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        lines = source.splitlines()
        for node, owner in _functions(ast.parse(source)):
            marker = MARKER.match(lines[node.lineno - 2 - len(node.decorator_list)] if node.lineno > 1 else "")
            if not marker:
                continue
            body = node.body[1:] if ast.get_docstring(node) is not None and len(node.body) > 1 else node.body
            first = body[0].lineno
            indent = re.match(r"\s*", lines[first - 1]).group()
            found.append(Region(path, marker["tag"], f"{owner}{node.name}", first, node.end_lineno, indent))
    return found


def locate(region: Region, package: str, root: Path = PACKAGE) -> tuple[ModuleType, type, str]:
    """Where a marked function lives in `package` (the reference or a copy): module, class, name."""
    path = ".".join(region.file.relative_to(root).with_suffix("").parts)
    owner, name = region.qualname.rsplit(".", 1)
    module = found = importlib.import_module(f"{package}.{path}")
    for part in owner.split("."):
        found = getattr(found, part)
    return module, found, name


def _functions(tree: ast.AST, owner: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{owner}{node.name}.")
        elif isinstance(node, ast.FunctionDef):
            yield node, owner


def stub_text(exercise: Exercise, qualname: str) -> str:
    """The one statement a student finds in place of the reference body."""
    return TEXT["stub"].format(number=exercise.number, title=tr(exercise.title), qualname=qualname, page=exercise.page)


def replace_bodies(package: Path, bodies: dict[str, str]) -> None:
    """In a copy of the package, replace marked functions' bodies: qualname -> code."""
    by_file: dict[Path, list[Region]] = {}
    for region in regions(package):
        if region.qualname in bodies:
            by_file.setdefault(region.file, []).append(region)
    for path, items in by_file.items():
        lines = path.read_text().splitlines()
        # From the bottom up, so earlier line numbers stay valid.
        for region in sorted(items, key=lambda r: r.first_line, reverse=True):
            new = textwrap.indent(textwrap.dedent(bodies[region.qualname]).strip("\n"), region.indent).splitlines()
            lines[region.first_line - 1 : region.last_line] = new
        path.write_text("\n".join(lines) + "\n")


def reference_bodies(tags: set[str]) -> dict[str, str]:
    """The reference code of the marked functions of exercises `tags`: qualname -> body."""
    found = {}
    for region in regions():
        if region.tag in tags:
            lines = region.file.read_text().splitlines()[region.first_line - 1 : region.last_line]
            found[region.qualname] = "\n".join(lines)
    return found


def make_student_copy(dest: Path, only: list[Exercise] | None = None) -> list[Region]:
    """Write a student copy of the package into `dest`; return the stubbed regions.

    `dest/course.toml` lists the stubbed exercises, so `check dest` grades
    only those.
    """
    target = dest / "minitorch_module"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    chosen = [e for e in TRACK.values() if e.tag in {c.tag for c in (only or TRACK.values())}]
    stubbed = [r for r in regions(target) if r.tag in {e.tag for e in chosen}]
    replace_bodies(target, {r.qualname: stub_text(TRACK[r.tag], r.qualname) for r in stubbed})
    listing = "\n".join(f"{e.number}. {tr(e.title)} ({e.tag}): {tr(e.goal)}" for e in chosen)
    (dest / "README.md").write_text(TEXT["student_readme"].format(folder=dest, exercises=listing))
    (dest / "course.toml").write_text(f"exercises = {json.dumps([e.tag for e in chosen])}\n")
    return stubbed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = sub.add_parser("new", help="write a student copy with stubs into DIR")
    new.add_argument("folder", metavar="DIR", help="a new or empty folder")
    new.add_argument("--only", nargs="+", metavar="N", help="stub only these exercises (numbers or tags)")
    new.add_argument("--lang", metavar="LANG", help="language of the stubs' messages: en or zh (default: from LANG)")
    listing = sub.add_parser("list", help="list the exercises in order, with how many scenarios grade each")
    listing.add_argument("--course", metavar="FILE", help="a course file: count its hidden scenarios too")
    listing.add_argument("--ungraded", action="store_true",
                         help="name the scenarios not graded because they never run the exercise's code")
    grader = sub.add_parser("autograder", help="write a Gradescope bundle and a GitHub Classroom workflow into DIR")
    grader.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    grader.add_argument("--course", metavar="FILE", help="a course file (TOML): exercises, points, hidden scenarios")
    grader.add_argument(
        "--source", metavar="URL",
        help="where GitHub Classroom installs minitorch-module from (a pip requirement, e.g. git+https://...)",
    )


def _empty_folder(path: str) -> Path:
    folder = Path(path)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _list(args: argparse.Namespace) -> int:
    """`exercises list`: the track, and how many of each exercise's scenarios are graded."""
    from .course import load_course
    from .reach import graded
    from ..registry import load_scenario_folder

    for folder in load_course(Path(args.course)).hidden if args.course else []:
        load_scenario_folder(folder)
    for e in TRACK.values():
        counted, dropped = graded(e.scenarios)
        after = ", ".join(str(TRACK[n].number) for n in e.builds_on) or "-"
        extra = f" ({len(dropped)} not graded)" if dropped else ""
        print(f"{e.number:>2}. {e.title:<36} builds on: {after:<6} {len(counted):>3} graded scenarios{extra:<18} {e.page}")
        for s in dropped if args.ungraded else []:
            print(f"      {s.name}: {TEXT['not_graded']}")
    return 0


def run(args: argparse.Namespace) -> int:
    """`minitorch-module exercises new DIR` / `list` / `autograder --out DIR`."""
    if args.action == "list":
        return _list(args)
    if args.action == "autograder":
        from .autograder import write_bundle
        from .course import load_course

        course = load_course(Path(args.course)) if args.course else None
        out = _empty_folder(args.out)
        for line in write_bundle(out, course, args.source):
            print(line)
        return 0
    only = pick_exercises(args.only) if args.only else None
    dest = _empty_folder(args.folder)
    set_language(args.lang)
    stubbed = make_student_copy(dest, only)
    print(f"Wrote {dest}/minitorch_module with {len(stubbed)} functions to write. Start with {dest}/README.md.")
    print(f"Check your work: minitorch-module check {dest}")
    return 0
