"""children, modules, parameters, buffers: order, prefixes and dedup."""

import torch

from conformance.registry import scenario


def _tree(nn):
    # A small nested net: root -> (a: Linear, b: (c: Linear, d: Identity)).
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Module()
    root.b.c = nn.Linear(2, 1)
    root.b.d = nn.Identity()
    root.register_buffer("stat", torch.zeros(1))
    root.b.register_buffer("count", torch.tensor(0))
    return root


@scenario("traversal", methods=("named_children",))
def named_children_in_insertion_order(nn, see):
    """named_children yields direct children in the order they were added."""
    see.keys(_tree(nn).named_children())


@scenario("traversal", methods=("children",))
def children_is_a_generator(nn, see):
    """children() returns a generator of direct children."""
    root = _tree(nn)
    see(root.children())
    see([type(c).__name__ for c in root.children()])


@scenario("traversal", methods=("named_modules",))
def named_modules_preorder(nn, see):
    """named_modules walks the tree depth first, root first with name ''."""
    see.keys(_tree(nn).named_modules())


@scenario("traversal", methods=("named_modules",))
def named_modules_with_prefix(nn, see):
    """A prefix is put in front of every name."""
    see.keys(_tree(nn).named_modules(prefix="net"))


@scenario("traversal", methods=("modules",))
def modules_counts_every_node(nn, see):
    """modules() yields the root and every descendant."""
    see(len(list(_tree(nn).modules())))


@scenario("traversal", methods=("modules",))
def modules_dedups_shared_submodule(nn, see):
    """A submodule used twice is yielded once by modules()."""
    root = nn.Module()
    shared = nn.Linear(1, 1)
    root.x = shared
    root.y = shared
    see(len(list(root.modules())))
    see.keys(root.named_modules())


@scenario("traversal", methods=("named_modules",))
def named_modules_keeps_duplicates_when_asked(nn, see):
    """remove_duplicate=False yields a shared submodule under every name."""
    root = nn.Module()
    shared = nn.Linear(1, 1)
    root.x = shared
    root.y = shared
    see.keys(root.named_modules(remove_duplicate=False))


@scenario("traversal", methods=("named_modules",))
def named_modules_dedups_deep_shared(nn, see):
    """A module shared at two depths is found at its first path only."""
    root = nn.Module()
    shared = nn.Identity()
    root.a = nn.Module()
    root.a.s = shared
    root.s = shared
    see.keys(root.named_modules())


@scenario("traversal", methods=("named_modules",))
def named_modules_memo_skips_known(nn, see):
    """A memo set skips modules already seen."""
    root = _tree(nn)
    memo = {root.b}
    see.keys(root.named_modules(memo=memo))


@scenario("traversal", methods=("named_modules",))
def named_modules_skips_none_children(nn, see):
    """None children are skipped by named_modules and children."""
    root = nn.Module()
    root.add_module("gone", None)
    root.kept = nn.Identity()
    see.keys(root.named_modules())
    see.keys(root.named_children())


@scenario("traversal", methods=("named_modules",))
def module_containing_itself(nn, see):
    """A module registered inside itself is not visited twice."""
    root = nn.Module()
    root.me = root
    see.keys(root.named_modules())


@scenario("traversal", methods=("named_parameters",))
def named_parameters_are_dotted(nn, see):
    """named_parameters gives dotted paths."""
    see.keys(_tree(nn).named_parameters())


@scenario("traversal", methods=("named_parameters",))
def named_parameters_no_recurse(nn, see):
    """recurse=False gives only the module's own parameters."""
    m = nn.Linear(2, 2)
    root = nn.Module()
    root.w = nn.Parameter(torch.zeros(1))
    root.lin = m
    see.keys(root.named_parameters(recurse=False))


@scenario("traversal", methods=("named_parameters",))
def named_parameters_prefix(nn, see):
    """A prefix is put in front of every parameter name."""
    see.keys(_tree(nn).named_parameters(prefix="model"))


@scenario("traversal", methods=("named_parameters",))
def shared_parameter_listed_once(nn, see):
    """A Parameter shared by two modules is listed once."""
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Linear(2, 2)
    root.b.weight = root.a.weight
    see.keys(root.named_parameters())
    see(len(list(root.parameters())))


@scenario("traversal", methods=("named_parameters",))
def shared_parameter_listed_twice_without_dedup(nn, see):
    """remove_duplicate=False lists a shared Parameter under each name."""
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Linear(2, 2)
    root.b.weight = root.a.weight
    see.keys(root.named_parameters(remove_duplicate=False))


@scenario("traversal", methods=("named_parameters",))
def none_parameter_is_skipped(nn, see):
    """A None parameter does not appear in named_parameters."""
    m = nn.Linear(2, 2, bias=False)
    see.keys(m.named_parameters())
    see.keys(m._parameters)


@scenario("traversal", methods=("named_buffers",))
def named_buffers_recursive(nn, see):
    """named_buffers walks into submodules."""
    see.keys(_tree(nn).named_buffers())


@scenario("traversal", methods=("named_buffers",))
def named_buffers_no_recurse(nn, see):
    """recurse=False gives only the module's own buffers."""
    see.keys(_tree(nn).named_buffers(recurse=False))


@scenario("traversal", methods=("named_buffers",))
def named_buffers_include_non_persistent(nn, see):
    """Non-persistent buffers are still listed by named_buffers."""
    m = nn.Module()
    m.register_buffer("a", torch.zeros(1), persistent=False)
    m.register_buffer("b", torch.zeros(1))
    see.keys(m.named_buffers())


@scenario("traversal", methods=("named_buffers",))
def shared_buffer_dedup(nn, see):
    """The same tensor as two buffers is listed once unless asked."""
    m = nn.Module()
    t = torch.zeros(1)
    m.register_buffer("a", t)
    m.register_buffer("b", t)
    see.keys(m.named_buffers())
    see.keys(m.named_buffers(remove_duplicate=False))


@scenario("traversal", methods=("buffers",))
def buffers_skip_none(nn, see):
    """None buffers are not yielded."""
    m = nn.Module()
    m.register_buffer("a", None)
    see(list(m.buffers()))


@scenario("traversal", methods=("parameters",))
def parameters_is_generator_of_parameters(nn, see):
    """parameters() yields the Parameter objects themselves."""
    m = nn.Linear(2, 1)
    params = list(m.parameters())
    see.same(params[0], m.weight)
    see.same(params[1], m.bias)
    see(m.parameters())


@scenario("traversal", methods=("named_modules",))
def named_modules_prefix_and_duplicates(nn, see):
    """prefix and remove_duplicate=False work together."""
    root = nn.Module()
    shared = nn.Identity()
    root.a = shared
    root.b = shared
    see.keys(root.named_modules(prefix="p", remove_duplicate=False))
