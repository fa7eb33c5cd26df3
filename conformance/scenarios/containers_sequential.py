"""Sequential: construction, the list protocol, the operators, forward chaining, repr."""

from collections import OrderedDict

import torch

from conformance.registry import scenario


def _three(nn):
    """A small Sequential used by many scenarios below."""
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


@scenario("containers", methods=("Sequential.__init__",))
def sequential_names_positional_modules_by_index(nn, see):
    """Modules passed one by one are named "0", "1", ..."""
    see.keys(_three(nn).named_children())


@scenario("containers", methods=("Sequential.__init__",))
def sequential_keeps_ordereddict_names(nn, see):
    """An OrderedDict gives the children its own names, in its order."""
    net = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    see.keys(net.named_children())
    see.type(net.fc)


@scenario("containers", methods=("Sequential.__init__",))
def sequential_rejects_a_plain_dict(nn, see):
    """A plain dict is not an OrderedDict: it is treated as one module and rejected."""
    see.raises(lambda: nn.Sequential({"fc": nn.Linear(2, 2)}))


@scenario("containers", methods=("Sequential.__init__",))
def sequential_rejects_non_module_argument(nn, see):
    """Every positional argument must be a Module."""
    see.raises(lambda: nn.Sequential(nn.ReLU(), 3))


@scenario("containers", methods=("Sequential.__init__",))
def sequential_accepts_none_as_a_child(nn, see):
    """None is a legal child: it counts in len() but named_children skips it."""
    net = nn.Sequential(nn.ReLU(), None)
    see(len(net))
    see.keys(net.named_children())
    see.repr(net)


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_index_returns_the_module(nn, see):
    """net[i] is the i-th module itself."""
    net = _three(nn)
    see.same(net[1], net._modules["1"])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_negative_index_counts_from_the_end(nn, see):
    """net[-1] is the last module."""
    net = _three(nn)
    see.same(net[-1], net[2])
    see.same(net[-3], net[0])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_index_out_of_range_is_index_error(nn, see):
    """An index past either end raises IndexError with the index in the message."""
    net = _three(nn)
    see.raises(lambda: net[3])
    see.raises(lambda: net[-4])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_index_on_empty_is_index_error(nn, see):
    """Indexing an empty Sequential raises IndexError."""
    see.raises(lambda: nn.Sequential()[0])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_float_index_is_type_error(nn, see):
    """The index must be an int: a float raises TypeError."""
    see.raises(lambda: _three(nn)[1.0])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_slice_is_a_new_sequential_sharing_modules(nn, see):
    """net[1:] is a new Sequential holding the same module objects."""
    net = _three(nn)
    tail = net[1:]
    see.type(tail)
    see(len(tail))
    see.same(tail[0], net[1])
    see.same(tail, net)


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_slice_keeps_the_old_names(nn, see):
    """A slice keeps the original child names ("1", "2"), it does not renumber."""
    see.keys(_three(nn)[1:].named_children())


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_slice_of_subclass_keeps_the_class(nn, see):
    """Slicing a Sequential subclass gives an instance of the subclass."""

    class MyStack(nn.Sequential):
        pass

    see.type(MyStack(nn.ReLU(), nn.Tanh())[:1])


@scenario("containers", methods=("Sequential.__getitem__",))
def sequential_step_slice_picks_every_other(nn, see):
    """A slice with a step works like a list slice."""
    net = nn.Sequential(*[nn.Linear(1, 1) for _ in range(5)])
    see.keys(net[::2].named_children())
    see.keys(net[::-1].named_children())


@scenario("containers", methods=("Sequential.__setitem__",))
def sequential_setitem_replaces_and_keeps_the_name(nn, see):
    """net[i] = m replaces the module under the same name."""
    net = _three(nn)
    new = nn.Tanh()
    net[1] = new
    see.same(net[1], new)
    see.keys(net.named_children())


@scenario("containers", methods=("Sequential.__setitem__",))
def sequential_setitem_negative_index(nn, see):
    """net[-1] = m replaces the last module."""
    net = _three(nn)
    net[-1] = nn.Sigmoid()
    see.repr(net)


@scenario("containers", methods=("Sequential.__setitem__",))
def sequential_setitem_out_of_range(nn, see):
    """Assigning past the end raises IndexError, it does not append."""
    net = _three(nn)

    def assign():
        net[5] = nn.ReLU()

    see.raises(assign)


@scenario("containers", methods=("Sequential.__setitem__",))
def sequential_setitem_non_module(nn, see):
    """Assigning a non-module to a child name raises TypeError."""
    net = _three(nn)

    def assign():
        net[0] = "relu"

    see.raises(assign)


@scenario("containers", methods=("Sequential.__setitem__",))
def sequential_setitem_on_named_sequential(nn, see):
    """On an OrderedDict-built Sequential, net[0] = m writes under the first name."""
    net = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    net[0] = nn.Identity()
    see.type(net.fc)


@scenario("containers", methods=("Sequential.__delitem__",))
def sequential_delitem_renumbers(nn, see):
    """Deleting a module renames the rest "0", "1", ... without a gap."""
    net = _three(nn)
    del net[0]
    see.keys(net.named_children())
    see.type(net[0])


@scenario("containers", methods=("Sequential.__delitem__",))
def sequential_delitem_slice(nn, see):
    """Deleting a slice removes all of it, then renumbers."""
    net = nn.Sequential(*[nn.Linear(i + 1, 1) for i in range(5)])
    del net[1:4]
    see.repr(net)


@scenario("containers", methods=("Sequential.__delitem__",))
def sequential_delitem_renames_ordereddict_children(nn, see):
    """Surprise: deleting from a named Sequential renames the rest to numbers."""
    net = nn.Sequential(OrderedDict([("a", nn.ReLU()), ("b", nn.Tanh()), ("c", nn.Sigmoid())]))
    del net[0]
    see.keys(net.named_children())
    see.type(net._modules)


@scenario("containers", methods=("Sequential.__delitem__",))
def sequential_delitem_out_of_range(nn, see):
    """Deleting past the end raises IndexError."""
    net = _three(nn)

    def delete():
        del net[7]

    see.raises(delete)


@scenario("containers", methods=("Sequential.__len__", "Sequential.__iter__"))
def sequential_len_and_iteration_follow_children(nn, see):
    """len() counts the children and iteration yields them in order."""
    net = _three(nn)
    see(len(net))
    see([type(m).__name__ for m in net])


@scenario("containers", methods=("Sequential.append",))
def sequential_append_returns_self(nn, see):
    """append adds at the end and returns the same Sequential."""
    net = _three(nn)
    see.same(net.append(nn.Tanh()), net)
    see.keys(net.named_children())


@scenario("containers", methods=("Sequential.append",))
def sequential_append_non_module(nn, see):
    """append of a non-module raises add_module's TypeError."""
    see.raises(lambda: _three(nn).append(lambda x: x))


@scenario("containers", methods=("Sequential.insert",))
def sequential_insert_shifts_later_modules(nn, see):
    """insert(1, m) puts m at position 1 and moves the rest one step up."""
    net = _three(nn)
    new = nn.Tanh()
    see.same(net.insert(1, new), net)
    see.same(net[1], new)
    see.repr(net)


@scenario("containers", methods=("Sequential.insert",))
def sequential_insert_negative_index(nn, see):
    """insert(-1, m) puts m before the last module."""
    net = _three(nn)
    net.insert(-1, nn.Tanh())
    see([type(m).__name__ for m in net])


@scenario("containers", methods=("Sequential.insert",))
def sequential_insert_at_len_appends(nn, see):
    """insert(len(net), m) is the same as append."""
    net = _three(nn)
    net.insert(3, nn.Tanh())
    see([type(m).__name__ for m in net])


@scenario("containers", methods=("Sequential.insert",))
def sequential_insert_out_of_range(nn, see):
    """insert beyond len(net) raises IndexError with its own message."""
    see.raises(lambda: _three(nn).insert(4, nn.Tanh()))
    see.raises(lambda: _three(nn).insert(-4, nn.Tanh()))


@scenario("containers", methods=("Sequential.insert",))
def sequential_insert_non_module_is_assertion_error(nn, see):
    """insert checks the type itself and raises AssertionError."""
    see.raises(lambda: _three(nn).insert(0, "relu"))


@scenario("containers", methods=("Sequential.extend",))
def sequential_extend_with_a_list(nn, see):
    """extend takes any iterable of modules and returns self."""
    net = _three(nn)
    see.same(net.extend([nn.Tanh(), nn.Sigmoid()]), net)
    see(len(net))


@scenario("containers", methods=("Sequential.extend",))
def sequential_extend_with_itself_shares_modules(nn, see):
    """Extending by another Sequential shares its modules (no copies)."""
    a, b = _three(nn), nn.Sequential(nn.Tanh())
    a.extend(b)
    see.same(a[-1], b[0])


@scenario("containers", methods=("Sequential.pop",))
def sequential_pop_returns_and_removes(nn, see):
    """pop(i) returns the module and renumbers the rest."""
    net = _three(nn)
    first = net[0]
    see.same(net.pop(0), first)
    see.keys(net.named_children())


@scenario("containers", methods=("Sequential.pop",))
def sequential_pop_slice_returns_a_sequential(nn, see):
    """pop with a slice returns a Sequential of the removed modules."""
    net = _three(nn)
    popped = net.pop(slice(0, 2))
    see.type(popped)
    see(len(popped))
    see(len(net))


@scenario("containers", methods=("Sequential.__add__",))
def sequential_add_makes_a_new_sequential(nn, see):
    """a + b is a new Sequential with the modules of both, renumbered."""
    a = _three(nn)
    b = nn.Sequential(OrderedDict([("out", nn.Sigmoid())]))
    c = a + b
    see.keys(c.named_children())
    see.same(c[3], b.out)
    see(len(a))


@scenario("containers", methods=("Sequential.__add__",))
def sequential_add_a_list_is_value_error(nn, see):
    """Only a Sequential can be added; a list raises ValueError."""
    see.raises(lambda: _three(nn) + [nn.ReLU()])


@scenario("containers", methods=("Sequential.__iadd__",))
def sequential_iadd_appends_in_place(nn, see):
    """a += b keeps the same object and appends b's modules."""
    a = _three(nn)
    before = a
    a += nn.Sequential(nn.Tanh())
    see.same(a, before)
    see(len(a))


@scenario("containers", methods=("Sequential.__iadd__",))
def sequential_iadd_a_module_is_value_error(nn, see):
    """a += module (not a Sequential) raises ValueError."""
    a = _three(nn)

    def add():
        nonlocal a
        a += nn.ReLU()

    see.raises(add)


@scenario("containers", methods=("Sequential.__mul__",))
def sequential_mul_repeats_the_same_modules(nn, see):
    """net * 2 repeats the modules: the copies are the SAME objects."""
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    twice = net * 2
    see(len(twice))
    see.same(twice[0], twice[2])
    see(len(list(twice.parameters())))


@scenario("containers", methods=("Sequential.__rmul__",))
def sequential_rmul_works_like_mul(nn, see):
    """2 * net is net * 2."""
    net = nn.Sequential(nn.ReLU())
    see.repr(3 * net)


@scenario("containers", methods=("Sequential.__mul__",))
def sequential_mul_by_float_is_type_error(nn, see):
    """The factor must be an int."""
    see.raises(lambda: nn.Sequential(nn.ReLU()) * 2.0)


@scenario("containers", methods=("Sequential.__mul__",))
def sequential_mul_by_zero_is_value_error(nn, see):
    """A factor of zero or less raises ValueError."""
    see.raises(lambda: nn.Sequential(nn.ReLU()) * 0)


@scenario("containers", methods=("Sequential.__imul__",))
def sequential_imul_repeats_in_place(nn, see):
    """net *= 3 keeps the same object and repeats its modules."""
    net = nn.Sequential(nn.ReLU(), nn.Tanh())
    before = net
    net *= 3
    see.same(net, before)
    see.keys(net.named_children())


@scenario("containers", methods=("Sequential.__imul__",))
def sequential_imul_errors(nn, see):
    """net *= 1.5 is a TypeError and net *= -1 a ValueError."""
    net = nn.Sequential(nn.ReLU())

    def by(factor):
        nonlocal net
        net *= factor

    see.raises(by, 1.5)
    see.raises(by, -1)


@scenario("containers", methods=("Sequential.__imul__",))
def sequential_imul_on_named_sequential_is_key_error(nn, see):
    """Surprise: *= reads children by the names "0", "1", so named ones fail."""
    net = nn.Sequential(OrderedDict([("a", nn.ReLU())]))

    def by_two():
        nonlocal net
        net *= 2

    see.raises(by_two)


@scenario("containers", methods=("Sequential.__dir__",))
def sequential_dir_hides_numeric_names(nn, see):
    """dir() lists named children but not "0", "1", ..."""
    net = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1))]))
    net.append(nn.ReLU())
    names = dir(net)
    see("fc" in names)
    see("1" in names)
    see("append" in names)


@scenario("containers", methods=("Sequential.forward",))
def sequential_forward_chains_outputs(nn, see):
    """Calling the Sequential feeds each output into the next module."""
    net = _three(nn)
    see(net(torch.randn(4, 2)))


@scenario("containers", methods=("Sequential.forward",))
def sequential_empty_forward_returns_input(nn, see):
    """An empty Sequential returns its input unchanged (the same object)."""
    x = torch.randn(2)
    see.same(nn.Sequential()(x), x)


@scenario("containers", methods=("Sequential.forward",))
def sequential_forward_takes_one_argument(nn, see):
    """forward takes exactly one input; two raise TypeError."""
    see.raises(lambda: _three(nn)(torch.randn(1, 2), torch.randn(1, 2)))


@scenario("containers", methods=("Sequential.__repr__",))
def sequential_repr_nests_children(nn, see):
    """repr shows every child, nested ones indented."""
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)))
    see.repr(net)
    see.repr(nn.Sequential())


@scenario("containers", methods=("state_dict",))
def sequential_state_dict_keys_use_child_names(nn, see):
    """state_dict keys are "<index>.<param>" for a Sequential."""
    see.keys(_three(nn).state_dict())
