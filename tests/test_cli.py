"""`minitorch-module compare`: exit codes, the --json file, usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import minitorch_module
from conformance.cli import main
from conformance.registry import all_scenarios

REGISTRATION = [s.name for s in all_scenarios() if s.topic == "registration"]
BUGGY_LINE = ("raise KeyError('buffer name can\\'t contain \".\"')", "pass")


@pytest.fixture(scope="module")
def buggy_copy(tmp_path_factory) -> Path:
    """A copy of the package where register_buffer accepts dotted names."""
    folder = tmp_path_factory.mktemp("student") / "minitorch_module"
    shutil.copytree(Path(minitorch_module.__file__).parent, folder)
    module_py = folder / "modules" / "module.py"
    text = module_py.read_text()
    assert text.count(BUGGY_LINE[0]) == 1, "the line to break was not found"
    module_py.write_text(text.replace(BUGGY_LINE[0], BUGGY_LINE[1]))
    return folder


def test_compare_exits_0_when_all_agree(capsys):
    assert main(["compare", "--topic", "registration"]) == 0
    assert "registration" in capsys.readouterr().out


def test_compare_exits_1_with_a_divergent_copy(buggy_copy, capsys):
    assert main(["compare", "--topic", "registration", "--impl", str(buggy_copy)]) == 1
    out = capsys.readouterr().out
    assert "register_buffer_rejects_dotted_name" in out


def test_json_file_shape(buggy_copy, tmp_path, capsys):
    report = tmp_path / "report.json"
    main(["compare", "--topic", "registration", "--impl", str(buggy_copy), "--json", str(report)])
    data = json.loads(report.read_text())
    assert set(data["summary"]) == {"scenarios", "agree", "differ"}
    assert data["summary"]["scenarios"] == len(REGISTRATION) == len(data["scenarios"])
    assert data["summary"]["agree"] + data["summary"]["differ"] == len(REGISTRATION)
    assert [entry["name"] for entry in data["scenarios"]] == REGISTRATION
    for entry in data["scenarios"]:
        assert {"name", "topic", "agree"} <= set(entry)
        assert entry["topic"] == "registration"
    differing = {entry["name"] for entry in data["scenarios"] if not entry["agree"]}
    assert "register_buffer_rejects_dotted_name" in differing
    assert "register_parameter_rejects_dotted_name" not in differing


def test_unknown_topic_is_a_one_line_usage_error(capsys):
    assert main(["compare", "--topic", "nonsense"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "unknown topic 'nonsense'" in err and "registration" in err


def test_missing_impl_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["compare", "--topic", "registration", "--impl", str(tmp_path / "nowhere")]) == 2
    assert "cannot load" in capsys.readouterr().err


def test_installed_command_exit_code():
    # The installed console script, in a fresh process.
    command = shutil.which("minitorch-module")
    if command is None:
        pytest.skip("the minitorch-module command is not installed")
    done = subprocess.run(
        [command, "compare", "--topic", "nonsense"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "unknown topic" in done.stderr
