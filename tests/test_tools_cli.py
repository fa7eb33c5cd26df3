"""The `explain` and `trace` commands: output on both backends, one-line errors on bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.trace_command import DIFFERENT, ONLY_LEFT, ONLY_RIGHT, SAME, align


@pytest.mark.parametrize("backend", ["torch", "clone"])
def test_explain_text_lists_the_tree(capsys, backend):
    model = "m = nn.Module(); m.a = nn.Linear(2, 3); m.b = nn.Identity(); m"
    code = main(["explain", model, "--backend", backend, "--format", "text"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].startswith("(root) Module")
    assert lines[1].startswith("├── a Linear") and lines[-1].startswith("└── b Identity")


def test_explain_mermaid(capsys):
    assert main(["explain", "m = nn.Module(); m.a = nn.Linear(1, 1); m.b = m.a; m", "--format", "mermaid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD") and '-.->|"b"| m1' in out


def test_explain_tree_prints(capsys):
    assert main(["explain", "nn.Linear(1, 1)"]) == 0
    assert "param weight" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["explain", "nn.Linear(2,"], "cannot parse"),
        (["explain", "1 / 0"], "raised ZeroDivisionError: division by zero"),
        (["explain", "torch.zeros(2)"], "gives Tensor, not a module"),
        (["explain", "x = 3"], "must end with an expression"),
        (["explain", "nn.Linear(1, 1)", "--backend", "/no/such/folder"], "cannot load backend"),
        (["trace", "nn.Linear(1, 1)", "--call", "m.missing()"], "raised AttributeError"),
        (["trace", "3", "--call", "m.float()"], "gives int, not a module"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert message in captured.err and "Traceback" not in captured.err


def test_bad_input_in_a_real_process_has_no_traceback():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from conformance.cli import main; sys.exit(main())", "explain", "1 / 0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "minitorch-module explain: error: '1 / 0' raised ZeroDivisionError: division by zero"
    ]


@pytest.mark.parametrize("backend", ["torch", "clone"])
def test_trace_prints_the_nested_calls(capsys, backend):
    model = "m = nn.Module(); m.inner = nn.Module(); m.inner.layer = nn.Linear(2, 3); m"
    assert main(["trace", model, "--call", "m.to(torch.double)", "--backend", backend]) == 0
    lines = capsys.readouterr().out.splitlines()
    applies = [line for line in lines if "._apply(" in line]
    indents = [len(line) - len(line.lstrip()) for line in applies]
    assert lines[0].startswith("Module.to(self=Module")
    assert indents == [2, 4, 6]
    assert "self=Linear" in applies[2]


def test_trace_without_call_traces_the_expression(capsys):
    assert main(["trace", "nn.Linear(1, 1)", "--backend", "clone"]) == 0
    assert "register_parameter" in capsys.readouterr().out


def test_trace_both_shows_two_aligned_columns(capsys):
    assert main(["trace", "nn.Linear(2, 3)", "--call", "m.to(torch.double)", "--backend", "both", "--width", "50"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["torch", "clone"]
    first = lines[2]
    # The same first call on both sides, with the "same" mark between.
    assert first[:50].rstrip() == first[53:] and first[51] == SAME


def test_align_marks_same_changed_and_missing_lines():
    rows = align(["to", "  _apply", "    a", "    b"], ["to", "  _apply", "    x", "    b", "    c"])
    assert [r.mark for r in rows] == [SAME, SAME, DIFFERENT, SAME, ONLY_RIGHT]
    assert [r.mark for r in align(["a", "b"], ["a"])] == [SAME, ONLY_LEFT]


def docs_examples():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
    from gen import examples

    return examples


def test_a_page_command_shows_real_output_as_a_picture_or_text():
    examples = docs_examples()
    assert examples.command('explain "nn.Linear(1, 1)" --format mermaid').startswith("```mermaid\nflowchart TD\n")
    shown = examples.command('explain "nn.Linear(1, 1)" --backend torch --format text')
    assert shown.startswith('```text\n$ minitorch-module explain "nn.Linear(1, 1)" --backend torch --format text\n(root) Linear')


def test_a_failing_page_command_stops_the_build():
    # markdown-exec reports the exception as a warning; the strict build fails on it.
    with pytest.raises(docs_examples().CommandFailed, match="ZeroDivisionError"):
        docs_examples().command('explain "1 / 0"')


def test_every_example_of_the_tools_page_runs():
    docs_examples()  # puts docs/ on the path, as the docs hook does
    page = (Path(__file__).resolve().parents[1] / "docs" / "tools.md").read_text()
    blocks = re.findall(r'^```python exec="1"\n(.*?)^```$', page, flags=re.MULTILINE | re.DOTALL)
    printed: list[str] = []
    for block in blocks:  # as markdown-exec runs them
        exec(block, {"print": lambda text: printed.append(str(text))})
    assert len(printed) == len(blocks) > 5
    assert sum(text.startswith("```mermaid") for text in printed) == 2
