"""The walkthrough shows every code line of the walked files, in short chunks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))

from gen import examples, walkthrough  # noqa: E402
from gen.chunks import MAX_LINES, chunk_source, code_line_numbers  # noqa: E402


def test_comment_block_becomes_prose_for_the_code_below():
    chunks = chunk_source("# Why we do it.\n# Second line.\nx = 1\ny = 2\n# Next.\nz = 3\n")
    assert [(c.prose, c.code) for c in chunks] == [
        ("Why we do it.\nSecond line.", ["x = 1", "y = 2"]),
        ("Next.", ["z = 3"]),
    ]


def test_hash_inside_a_string_is_code_not_prose():
    source = 'text = """\n# not a comment\n"""\n'
    (chunk,) = chunk_source(source)
    assert chunk.prose == ""
    assert "# not a comment" in chunk.code


def test_exercise_markers_are_not_prose():
    chunks = chunk_source("# Real prose.\n# exercise: registration\ndef f():\n    pass\n")
    assert chunks[0].prose == "Real prose."


def test_long_code_is_split_into_short_chunks_without_losing_lines():
    source = "# Many lines.\n" + "".join(f"x{i} = {i}\n" for i in range(20))
    chunks = chunk_source(source)
    assert all(len(c.code) <= MAX_LINES for c in chunks)
    assert [line for c in chunks for line in c.code] == [f"x{i} = {i}" for i in range(20)]
    assert chunks[0].prose == "Many lines." and all(c.prose == "" for c in chunks[1:])


@pytest.mark.parametrize("page", list(walkthrough.PAGES))
def test_every_code_line_of_a_walked_file_is_on_its_page(page):
    relative, _ = walkthrough.PAGES[page]
    source = (walkthrough.PACKAGE / relative).read_text()
    chunks = chunk_source(source)
    assert max(len(c.code) for c in chunks) <= MAX_LINES
    shown = {n for c in chunks for n in c.lines}
    assert code_line_numbers(source) <= shown
    # And the rendered page really holds each of those lines.
    markdown = walkthrough.render_page(page)
    lines = source.splitlines()
    missing = [n for n in sorted(code_line_numbers(source)) if lines[n - 1] not in markdown]
    assert not missing, f"{relative}: lines {missing[:10]} are not on the page"


@pytest.mark.parametrize("page", list(walkthrough.PAGES))
def test_every_public_method_has_torch_tab_example_and_scenarios(page):
    # Each public method's section carries the three tabs.
    source = (walkthrough.PACKAGE / walkthrough.PAGES[page][0]).read_text()
    markdown = walkthrough.render_page(page)
    items = list(walkthrough.public_defs(source).values())
    assert items, f"{page}: no public method found"
    for item in items:
        assert f"{{ #{item.anchor} }}" in markdown, item.title
        tabs = walkthrough.method_tabs(item)
        assert tabs in markdown, item.title
        for tab in ("PyTorch's code", "Example", "Scenarios ("):
            assert f'=== "{tab}' in tabs, f"{item.title} has no {tab!r} tab"


def test_torch_tab_shows_torch_own_source():
    item = walkthrough.PublicDef("Module", "register_buffer", 0)
    import inspect
    import textwrap

    import torch

    assert walkthrough.torch_counterpart(item) == textwrap.dedent(inspect.getsource(torch.nn.Module.register_buffer))


@pytest.mark.parametrize("name", list(examples.PROGRAMS))
def test_docs_programs_print_the_same_on_both_backends(name):
    from conformance.backends import clone_backend, torch_backend

    code = examples.PROGRAMS[name]
    torch_output = examples.run_program(code, torch_backend().nn)
    assert "Traceback" not in torch_output
    assert torch_output == examples.run_program(code, clone_backend().nn)
