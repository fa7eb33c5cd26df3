"""The benchmark harness runs end to end and reports every case.

No timing is asserted here: timings depend on the machine. We check that the
quick run works and that its output has every case of issue 8.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# `benchmarks/` is a folder at the repository root, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.__main__ import main  # noqa: E402
from benchmarks.cases import Row  # noqa: E402
from benchmarks.timing import Stats, measure  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    assert main(["--quick", "--out", str(out)]) == 0
    return out


def test_quick_run_writes_json_markdown_and_plot(quick_run: Path) -> None:
    for name in ("latest.json", "latest.md", "scaling.png"):
        assert (quick_run / name).stat().st_size > 0
    assert (quick_run / "scaling.png").read_bytes().startswith(b"\x89PNG")


def test_quick_run_reports_every_case_of_the_issue(quick_run: Path) -> None:
    data = json.loads((quick_run / "latest.json").read_text())
    cases = {row["case"] for row in data["rows"]}
    assert cases == {"1", "2", "3", "4", "5", "6", "7"}
    names = " ".join(row["name"] for row in data["rows"])
    for expected in ("hooks", "named_parameters()", "named_modules()", "state_dict()", "load_state_dict()",
                     "to(torch.float64)", "zero_grad()", "build", "LSTM", "transformer encoder"):
        assert expected in names
    # Data-moving cases carry a floor; the others do not.
    for row in data["rows"]:
        assert (row["floor"] is not None) == (row["case"] in ("3", "4"))
        assert row["clone_over_torch"] > 0
    # Case 6 has three sizes per method and side, and a growth exponent.
    for method in ("named_parameters()", "state_dict()"):
        for side in ("torch", "clone"):
            assert len(data["scaling"][method][side]) == 3
        assert set(data["growth_exponent"][method]) == {"torch", "clone"}


def test_markdown_has_a_line_per_row_and_the_command(quick_run: Path) -> None:
    data = json.loads((quick_run / "latest.json").read_text())
    text = (quick_run / "latest.md").read_text()
    assert "python -m benchmarks --quick" in text
    for row in data["rows"]:
        assert f"| {row['case']} | {row['name']} |" in text


def test_measure_takes_turns_and_counts_rounds() -> None:
    order: list[str] = []
    sides = {name: (lambda name=name: lambda: order.append(name)) for name in ("a", "b")}
    stats = measure(sides, rounds=4, warmup=0)
    assert stats["a"].rounds == stats["b"].rounds == 4
    # Every other round runs the sides in reverse order.
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]


def test_warmup_rounds_run_but_are_not_counted() -> None:
    calls: list[str] = []
    stats = measure({"a": lambda: lambda: calls.append("a")}, rounds=2, warmup=1)
    assert len(calls) == 3
    assert stats["a"].rounds == 2


def test_a_row_meets_its_target_only_when_every_ratio_does() -> None:
    fast, slow = Stats(1.0, 1.0, 1.0, 1), Stats(2.0, 2.0, 2.0, 1)
    assert Row("1", "x", torch=slow, clone=fast, ratio_target=1.0).met is True
    assert Row("1", "x", torch=fast, clone=slow, ratio_target=1.0).met is False
    assert Row("3", "x", torch=slow, clone=fast, floor=Stats(0.5, 0.5, 0.5, 1), ratio_target=1.0,
               floor_target=1.05).met is False
    assert Row("6", "x", torch=fast, clone=slow).met is None


@pytest.mark.parametrize("name", ["timing", "models", "cases", "report"])
def test_docstring_examples_of_the_benchmarks_run(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"benchmarks.{name}"))
    assert result.attempted > 0 and result.failed == 0
