"""explain builds the same tree for torch.nn and for the clone."""

from __future__ import annotations

import pytest
import torch
from rich.tree import Tree

import minitorch_module
from minitorch_module.explain import ModuleInfo, build_info, explain

BACKENDS = {"torch": torch.nn, "clone": minitorch_module}


@pytest.fixture(params=list(BACKENDS), ids=list(BACKENDS))
def nn(request):
    return BACKENDS[request.param]


def shared_model(nn):
    """A module that holds one Linear under two names, plus a buffer and a hook."""
    model = nn.Module()
    model.first = nn.Linear(2, 3)
    model.second = model.first
    model.register_buffer("steps", torch.tensor(0), persistent=False)
    model.register_buffer("scale", torch.ones(3))
    model.register_forward_hook(lambda module, args, output: None)
    return model


def tensor(info: ModuleInfo, name: str):
    return next(t for t in info.tensors if t.name == name)


def test_shared_linear_is_listed_under_both_names(nn):
    info = build_info(shared_model(nn))
    first, second = info.children
    assert (first.name, first.class_name, first.repeat, first.also_named) == ("first", "Linear", False, ["second"])
    assert (second.name, second.repeat, second.also_named) == ("second", True, ["first"])
    # The repeat is not expanded again, like named_modules() skipping duplicates.
    assert second.tensors == [] and second.children == []


def test_parameters_show_shape_dtype_grad_and_sharing(nn):
    first = build_info(shared_model(nn)).children[0]
    weight = tensor(first, "weight")
    assert (weight.kind, weight.shape, weight.dtype, weight.requires_grad) == ("param", (3, 2), "float32", True)
    assert weight.also_named == ["second.weight"]


def test_buffers_show_whether_they_are_persistent(nn):
    info = build_info(shared_model(nn))
    assert tensor(info, "steps").persistent is False
    assert tensor(info, "scale").persistent is True
    assert tensor(info, "scale").requires_grad is None


def test_hooks_and_training_flag_are_shown(nn):
    model = shared_model(nn)
    model.first.eval()
    info = build_info(model)
    assert [(h.dict_name, h.names) for h in info.hooks] == [("_forward_hooks", ["<lambda>"])]
    assert info.training is True and info.children[0].training is False


def test_torch_and_clone_give_the_same_tree():
    assert build_info(shared_model(torch.nn)) == build_info(shared_model(minitorch_module))


def test_a_module_that_contains_itself_does_not_loop(nn):
    model = nn.Module()
    model.inner = nn.Module()
    model.inner.back = model
    info = build_info(model)
    assert info.children[0].children[0].repeat is True
    assert info.children[0].children[0].also_named == ["(root)"]
    assert '-.->|"back"| m0' in explain(model, format="mermaid")


def test_none_slots_are_listed(nn):
    info = build_info(nn.Linear(2, 3, bias=False))
    assert tensor(info, "bias").shape is None


def test_text_has_one_line_per_item():
    lines = explain(shared_model(minitorch_module), format="text").splitlines()
    # root, 2 buffers, 1 hook dict, first, its 2 params, second
    assert len(lines) == 8
    assert lines[0].startswith("(root) Module")
    assert "also named: second" in lines[4] and "same object as first" in lines[7]


def test_mermaid_draws_a_shared_module_once_with_a_dotted_edge():
    text = explain(shared_model(minitorch_module), format="mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    boxes = [line.strip() for line in lines if "[" in line]
    assert [box.split("[")[0] for box in boxes] == ["m0", "m1"]
    assert boxes[1].startswith('m1["<b>Linear</b>')
    assert '    m0 -->|"first"| m1' in lines and '    m0 -.->|"second"| m1' in lines
    # Hook names like <lambda> are escaped for Mermaid's HTML labels.
    assert "&lt;lambda&gt;" in text


def test_tree_format_is_a_rich_tree():
    tree = explain(minitorch_module.Linear(1, 1))
    assert isinstance(tree, Tree) and len(tree.children) == 2


def test_explain_rejects_what_is_not_a_module():
    with pytest.raises(TypeError, match="expects a Module"):
        explain(torch.zeros(1))
    with pytest.raises(ValueError, match="format"):
        explain(minitorch_module.Module(), format="svg")


# ---------------------------------------------------------------- display


def test_tree_repr_is_the_drawing_not_an_object_address(nn):
    # A REPL shows repr(result): it must be the tree, not <rich.tree.Tree ...>.
    tree = explain(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    text = repr(tree)
    assert "object at 0x" not in text
    assert text.splitlines()[0] == "(root) Sequential  training=True"
    assert "└── 1 ReLU  training=True" in text
    assert str(tree) == text


def test_tree_repr_matches_the_text_format(nn):
    model = shared_model(nn)
    assert repr(explain(model)) == explain(model, format="text")


def test_tree_offers_html_to_jupyter(nn):
    tree = explain(nn.Linear(2, 3))
    html = tree._repr_html_()
    assert html.startswith("<pre>") and "param weight" in html and "style=" in html
    bundle = tree._repr_mimebundle_()
    assert bundle == {"text/plain": repr(tree), "text/html": html}


def test_tree_draws_itself_inside_a_notebook(monkeypatch):
    # rich sends output straight to the notebook when it detects Jupyter;
    # the tree's repr must still return the drawing as text there.
    import builtins

    class ZMQInteractiveShell:  # the class name rich looks for
        pass

    monkeypatch.setattr(builtins, "get_ipython", lambda: ZMQInteractiveShell(), raising=False)
    tree = explain(minitorch_module.Linear(1, 1))
    assert repr(tree).startswith("(root) Linear")
    assert "param bias" in tree._repr_html_()


def test_tree_still_prints_on_a_rich_console():
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=120)
    tree = explain(minitorch_module.Linear(1, 1))
    console.print(tree)
    assert console.file.getvalue().rstrip("\n") == repr(tree)


def test_lazy_placeholders_are_shown_as_uninitialized(nn):
    # Asking a placeholder for its shape raises; explain must not.
    info = build_info(nn.LazyLinear(3))
    assert tensor(info, "weight").shape == "uninitialized"
    assert "param weight  uninitialized float32  requires_grad=True" in explain(nn.LazyLinear(3), format="text")
