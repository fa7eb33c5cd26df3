"""ModuleList and ParameterList: the list protocol, registration, repr."""

import torch

from conformance.registry import scenario


def _linears(nn, n=3):
    """A ModuleList of n small Linear layers of different sizes."""
    return nn.ModuleList([nn.Linear(i + 1, 1) for i in range(n)])


# ---------------------------------------------------------------- ModuleList


@scenario("containers", methods=("ModuleList.__init__",))
def modulelist_registers_its_modules(nn, see):
    """Modules in a ModuleList are children: their parameters are found."""
    see.keys(_linears(nn).named_parameters())


@scenario("containers", methods=("ModuleList.__init__",))
def modulelist_accepts_a_generator(nn, see):
    """Any iterable works, a generator too."""
    see(len(nn.ModuleList(nn.ReLU() for _ in range(4))))


@scenario("containers", methods=("ModuleList.__init__",))
def modulelist_rejects_non_iterable(nn, see):
    """ModuleList(module) is not a list of modules: TypeError from extend."""
    see.raises(lambda: nn.ModuleList(nn.ReLU()))


@scenario("containers", methods=("ModuleList.__init__",))
def modulelist_rejects_non_module_items(nn, see):
    """Each item must be a Module."""
    see.raises(lambda: nn.ModuleList([nn.ReLU(), 1]))


@scenario("containers", methods=("ModuleList.__getitem__",))
def modulelist_index_and_negative_index(nn, see):
    """ml[i] and ml[-i] return the module objects."""
    ml = _linears(nn)
    see.same(ml[0], ml._modules["0"])
    see.same(ml[-1], ml._modules["2"])


@scenario("containers", methods=("ModuleList.__getitem__",))
def modulelist_index_out_of_range(nn, see):
    """Out of range indexes raise IndexError."""
    ml = _linears(nn)
    see.raises(lambda: ml[3])
    see.raises(lambda: ml[-4])


@scenario("containers", methods=("ModuleList.__getitem__",))
def modulelist_string_index_is_type_error(nn, see):
    """ml["0"] is not allowed: the index must be an int."""
    see.raises(lambda: _linears(nn)["0"])


@scenario("containers", methods=("ModuleList.__getitem__",))
def modulelist_slice_is_a_renumbered_modulelist(nn, see):
    """ml[1:] is a new ModuleList, renumbered from 0, sharing the modules."""
    ml = _linears(nn)
    part = ml[1:]
    see.type(part)
    see.keys(part.named_children())
    see.same(part[0], ml[1])


@scenario("containers", methods=("ModuleList.__setitem__",))
def modulelist_setitem_replaces(nn, see):
    """ml[i] = m replaces the module at i; negative i works too."""
    ml = _linears(nn)
    ml[-1] = nn.ReLU()
    see.repr(ml)


@scenario("containers", methods=("ModuleList.__setitem__",))
def modulelist_setitem_out_of_range(nn, see):
    """Assigning past the end raises IndexError."""
    ml = _linears(nn)

    def assign():
        ml[3] = nn.ReLU()

    see.raises(assign)


@scenario("containers", methods=("ModuleList.__delitem__",))
def modulelist_delitem_renumbers(nn, see):
    """del ml[0] removes it and renumbers the rest."""
    ml = _linears(nn)
    del ml[0]
    see.keys(ml.named_parameters())
    see.type(ml._modules)


@scenario("containers", methods=("ModuleList.__delitem__",))
def modulelist_delitem_slice(nn, see):
    """del ml[::2] removes every other module."""
    ml = _linears(nn, 5)
    del ml[::2]
    see.repr(ml)


@scenario("containers", methods=("ModuleList.__iter__", "ModuleList.__len__"))
def modulelist_iterates_in_order(nn, see):
    """Iteration yields the modules in order; len counts them."""
    ml = _linears(nn)
    see([m.in_features for m in ml])
    see(len(ml))


@scenario("containers", methods=("ModuleList.append",))
def modulelist_append_returns_self(nn, see):
    """append returns the list, so calls chain."""
    ml = nn.ModuleList()
    see.same(ml.append(nn.ReLU()).append(nn.Tanh()), ml)
    see.keys(ml.named_children())


@scenario("containers", methods=("ModuleList.extend",))
def modulelist_extend_non_iterable(nn, see):
    """extend needs an iterable: an int raises TypeError."""
    see.raises(lambda: nn.ModuleList().extend(5))


@scenario("containers", methods=("ModuleList.extend",))
def modulelist_extend_returns_self(nn, see):
    """extend appends every item and returns self."""
    ml = _linears(nn, 1)
    see.same(ml.extend([nn.ReLU(), nn.Tanh()]), ml)
    see(len(ml))


@scenario("containers", methods=("ModuleList.insert",))
def modulelist_insert_shifts(nn, see):
    """insert(1, m) shifts the later modules up."""
    ml = _linears(nn)
    ml.insert(1, nn.ReLU())
    see([type(m).__name__ for m in ml])


@scenario("containers", methods=("ModuleList.insert",))
def modulelist_insert_does_not_check_the_type(nn, see):
    """Surprise: ModuleList.insert skips add_module, so a non-module goes in."""
    ml = _linears(nn, 1)
    ml.insert(0, "not a module")
    see(ml._modules["0"])
    see(len(ml))


@scenario("containers", methods=("ModuleList.pop",))
def modulelist_pop(nn, see):
    """pop(-1) returns the last module and shortens the list."""
    ml = _linears(nn)
    last = ml[-1]
    see.same(ml.pop(-1), last)
    see(len(ml))


@scenario("containers", methods=("ModuleList.__add__",))
def modulelist_add_makes_a_new_list(nn, see):
    """a + [m] is a new ModuleList; any iterable may be on the right."""
    a = _linears(nn, 2)
    b = a + [nn.ReLU()]
    see.type(b)
    see(len(b))
    see(len(a))


@scenario("containers", methods=("ModuleList.__iadd__",))
def modulelist_iadd_extends_in_place(nn, see):
    """a += [m] extends the same list."""
    a = _linears(nn, 2)
    before = a
    a += [nn.ReLU()]
    see.same(a, before)
    see(len(a))


@scenario("containers", methods=("ModuleList.__dir__",))
def modulelist_dir_hides_numbers(nn, see):
    """dir() does not list the numeric child names."""
    names = dir(_linears(nn))
    see("0" in names)
    see("extend" in names)


@scenario("containers", methods=("ModuleList.__repr__",))
def modulelist_repr_folds_repeated_blocks(nn, see):
    """Identical neighbours print once as "(0-2): 3 x ..."."""
    ml = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)] + [nn.ReLU()] + [nn.Linear(4, 4)] * 2)
    see.repr(ml)


@scenario("containers", methods=("ModuleList.__repr__",))
def modulelist_repr_folds_nested_blocks(nn, see):
    """Multi-line blocks fold too, with the right indentation."""
    block = lambda: nn.Sequential(nn.Linear(2, 2), nn.ReLU())  # noqa: E731
    see.repr(nn.ModuleList([block() for _ in range(2)] + [nn.Tanh()]))


@scenario("containers", methods=("ModuleList.__repr__",))
def modulelist_repr_empty(nn, see):
    """An empty ModuleList prints as "ModuleList()"."""
    see.repr(nn.ModuleList())


@scenario("containers", methods=("ModuleList.__repr__",))
def modulelist_repr_inside_a_module(nn, see):
    """A folded ModuleList is indented inside its parent's repr."""

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(4)])

    see.repr(Tower())


@scenario("containers", methods=("_forward_unimplemented",))
def modulelist_cannot_be_called(nn, see):
    """A ModuleList has no forward: calling it raises NotImplementedError."""
    see.raises(lambda: _linears(nn)(torch.zeros(1)))


# ------------------------------------------------------------- ParameterList


@scenario("containers", methods=("ParameterList.__init__",))
def parameterlist_turns_tensors_into_parameters(nn, see):
    """Plain tensors become Parameters named "0", "1", ..."""
    pl = nn.ParameterList([torch.zeros(2), torch.ones(3)])
    see.keys(pl.named_parameters())
    see(pl[0])


@scenario("containers", methods=("ParameterList.__init__",))
def parameterlist_keeps_a_parameter_object(nn, see):
    """A Parameter is stored as is, not copied."""
    p = nn.Parameter(torch.ones(2))
    see.same(nn.ParameterList([p])[0], p)


@scenario("containers", methods=("ParameterList.__init__",))
def parameterlist_stores_other_values_as_attributes(nn, see):
    """Non-tensors are allowed; they are not parameters."""
    pl = nn.ParameterList([torch.zeros(1), "hello", 3])
    see(len(pl))
    see(pl[1])
    see.keys(pl.named_parameters())


@scenario("containers", methods=("ParameterList.__init__",))
def parameterlist_can_hold_a_module(nn, see):
    """A module in a ParameterList becomes a child module."""
    pl = nn.ParameterList([nn.Linear(1, 1)])
    see.keys(pl.named_children())
    see.keys(pl.named_parameters())


@scenario("containers", methods=("ParameterList.extend",))
def parameterlist_extend_rejects_a_tensor(nn, see):
    """A tensor is iterable but extend(tensor) is refused with TypeError."""
    see.raises(lambda: nn.ParameterList().extend(torch.zeros(3)))
    see.raises(lambda: nn.ParameterList(torch.zeros(3)))


@scenario("containers", methods=("ParameterList.extend",))
def parameterlist_extend_rejects_non_iterable(nn, see):
    """extend(5) raises TypeError."""
    see.raises(lambda: nn.ParameterList().extend(5))


@scenario("containers", methods=("ParameterList.append",))
def parameterlist_append_returns_self(nn, see):
    """append wraps the tensor and returns the list."""
    pl = nn.ParameterList()
    see.same(pl.append(torch.zeros(1)), pl)
    see.type(pl[0])


@scenario("containers", methods=("ParameterList.__getitem__",))
def parameterlist_index_errors(nn, see):
    """Out-of-range and non-int indexes fail like ModuleList's."""
    pl = nn.ParameterList([torch.zeros(1)])
    see.raises(lambda: pl[1])
    see.raises(lambda: pl["0"])
    see(pl[-1])


@scenario("containers", methods=("ParameterList.__getitem__",))
def parameterlist_slice_is_new_list_with_same_parameters(nn, see):
    """pl[::2] is a new ParameterList holding the same Parameter objects."""
    pl = nn.ParameterList([torch.full((1,), float(i)) for i in range(5)])
    part = pl[::2]
    see.type(part)
    see.keys(part.named_parameters())
    see.same(part[1], pl[2])


@scenario("containers", methods=("ParameterList.__setitem__",))
def parameterlist_setitem_wraps_tensor(nn, see):
    """pl[i] = tensor stores a new Parameter."""
    pl = nn.ParameterList([torch.zeros(1)])
    pl[0] = torch.ones(2)
    see(pl[0])


@scenario("containers", methods=("ParameterList.__setitem__",))
def parameterlist_setitem_out_of_range(nn, see):
    """pl[len(pl)] = x raises IndexError: use append."""
    pl = nn.ParameterList([torch.zeros(1)])

    def assign():
        pl[1] = torch.zeros(1)

    see.raises(assign)


@scenario("containers", methods=("ParameterList.__iter__",))
def parameterlist_iteration_and_iadd(nn, see):
    """+= extends the list; iteration yields the items."""
    pl = nn.ParameterList([torch.zeros(1)])
    pl += [torch.ones(1)]
    see([p.tolist() for p in pl])


@scenario("containers", methods=("ParameterList.__dir__",))
def parameterlist_dir_hides_numbers(nn, see):
    """dir() does not list "0"."""
    see("0" in dir(nn.ParameterList([torch.zeros(1)])))


@scenario("containers", methods=("ParameterList.extra_repr",))
def parameterlist_repr_lists_dtype_and_size(nn, see):
    """repr shows "Parameter containing: [torch.float32 of size 2x3]" per item."""
    pl = nn.ParameterList([torch.zeros(2, 3), torch.zeros(4, dtype=torch.float64), "x", nn.ReLU()])
    see.repr(pl)


@scenario("containers", methods=("ParameterList.__call__",))
def parameterlist_cannot_be_called(nn, see):
    """Calling a ParameterList raises RuntimeError."""
    see.raises(lambda: nn.ParameterList()(1))


@scenario("containers", methods=("ParameterList", "state_dict"))
def parameterlist_in_a_module_state_dict(nn, see):
    """A ParameterList attribute gives state_dict keys "<name>.<index>"."""

    class Mix(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.ParameterList([torch.zeros(1), torch.zeros(2)])

    see.keys(Mix().state_dict())


@scenario("containers", methods=("ModuleList.insert",))
def modulelist_insert_negative_index_is_key_error(nn, see):
    """Surprise: ModuleList.insert(-1, m) does not count from the end; it fails with KeyError '-1'."""
    ml = _linears(nn, 2)
    see.raises(lambda: ml.insert(-1, nn.ReLU()))
    see(list(ml._modules.keys()))
    see([m.in_features for m in ml])


@scenario("containers", methods=("ModuleList", "__getstate__", "__setstate__"))
def modulelist_deepcopy_copies_shared_modules_once(nn, see):
    """deepcopy keeps sharing: a module listed twice is one copy listed twice."""
    import copy

    shared = nn.Linear(2, 2)
    ml = nn.ModuleList([shared, shared])
    twin = copy.deepcopy(ml)
    see.same(twin[0], twin[1])
    see.same(twin[0], shared)
    see.repr(twin)


@scenario("containers", methods=("ParameterList", "__getstate__", "__setstate__"))
def parameterlist_survives_pickle(nn, see):
    """A pickled ParameterList comes back with its length, names and values."""
    import pickle

    pl = nn.ParameterList([torch.arange(3.0), "tag"])
    back = pickle.loads(pickle.dumps(pl))
    see(len(back))
    see(back[0])
    see(back[1])
    see.keys(back.named_parameters())


@scenario("containers", methods=("ParameterList", "zero_grad"))
def parameterlist_parameters_get_gradients(nn, see):
    """Parameters in a ParameterList are trained: backward fills .grad, zero_grad clears it."""
    pl = nn.ParameterList([torch.ones(2), torch.full((2,), 3.0)])
    (pl[0] * pl[1]).sum().backward()
    see([p.grad for p in pl.parameters()])
    pl.zero_grad()
    see([p.grad for p in pl.parameters()])


@scenario("containers", methods=("ModuleList.__setitem__",))
def module_list_setitem_replaces_the_module(nn, see):
    """`ml[i] = m` replaces the module under that index, also with a negative index."""
    ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
    ml[0] = nn.Tanh()
    ml[-1] = nn.Sigmoid()
    see.keys(ml._modules)
    see.type(ml[0])
    see.type(ml[1])


@scenario("containers", methods=("ModuleList.__delitem__",))
def module_list_delitem_renumbers_the_rest(nn, see):
    """`del ml[0]` removes a module; the keys are renumbered from 0."""
    ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU(), nn.Tanh()])
    del ml[0]
    see.keys(ml._modules)
    del ml[::2]
    see.keys(ml._modules)
    see.type(ml[0])


@scenario("containers", methods=("ModuleList.__iadd__",))
def module_list_iadd_extends_in_place(nn, see):
    """`ml += other` appends the other modules and keeps the same object."""
    ml = nn.ModuleList([nn.ReLU()])
    same = ml
    ml += [nn.Tanh(), nn.Sigmoid()]
    see.same(ml, same)
    see.keys(ml._modules)
