"""ModuleDict and ParameterDict: the mapping protocol, update, errors, repr."""

from collections import OrderedDict

import torch

from conformance.registry import scenario

# ---------------------------------------------------------------- ModuleDict


@scenario("containers", methods=("ModuleDict.__init__",))
def moduledict_keeps_plain_dict_order(nn, see):
    """A plain dict keeps its insertion order (not sorted)."""
    md = nn.ModuleDict({"z": nn.ReLU(), "a": nn.Tanh()})
    see(list(md.keys()))


@scenario("containers", methods=("ModuleDict.__init__",))
def moduledict_from_pairs(nn, see):
    """A list of (key, module) pairs works too."""
    md = nn.ModuleDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())])
    see.keys(md.named_parameters())


@scenario("containers", methods=("ModuleDict.update",))
def moduledict_update_non_iterable(nn, see):
    """update(5) raises TypeError."""
    see.raises(lambda: nn.ModuleDict().update(5))


@scenario("containers", methods=("ModuleDict.update",))
def moduledict_update_element_not_iterable(nn, see):
    """Each element of a pair list must itself be iterable."""
    see.raises(lambda: nn.ModuleDict([nn.ReLU()]))


@scenario("containers", methods=("ModuleDict.update",))
def moduledict_update_element_wrong_length(nn, see):
    """Each element must have exactly two items."""
    see.raises(lambda: nn.ModuleDict([("a", nn.ReLU(), 1)]))


@scenario("containers", methods=("ModuleDict.update",))
def moduledict_update_from_another_moduledict(nn, see):
    """update accepts a ModuleDict and shares its modules."""
    src = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
    md = nn.ModuleDict()
    md.update(src)
    see(list(md.keys()))
    see.same(md["a"], src["a"])


@scenario("containers", methods=("ModuleDict.update",))
def moduledict_update_from_ordereddict(nn, see):
    """update from an OrderedDict keeps its order and replaces equal keys in place."""
    md = nn.ModuleDict({"a": nn.ReLU(), "b": nn.ReLU()})
    md.update(OrderedDict([("c", nn.Tanh()), ("a", nn.Sigmoid())]))
    see.repr(md)


@scenario("containers", methods=("ModuleDict.__setitem__",))
def moduledict_setitem_checks_like_add_module(nn, see):
    """Keys follow add_module's rules: no dots, strings only, modules only."""
    md = nn.ModuleDict()

    def put(key, value):
        md[key] = value

    see.raises(put, "a.b", nn.ReLU())
    see.raises(put, 1, nn.ReLU())
    see.raises(put, "x", 3)
    see.raises(put, "", nn.ReLU())


@scenario("containers", methods=("ModuleDict.__setitem__",))
def moduledict_key_cannot_shadow_a_method(nn, see):
    """A key like "train" clashes with an existing attribute: KeyError."""
    md = nn.ModuleDict()

    def put():
        md["train"] = nn.ReLU()

    see.raises(put)


@scenario("containers", methods=("ModuleDict.__getitem__",))
def moduledict_missing_key_is_key_error(nn, see):
    """md["missing"] raises KeyError."""
    see.raises(lambda: nn.ModuleDict()["missing"])


@scenario("containers", methods=("ModuleDict.__getitem__",))
def moduledict_items_are_attributes_too(nn, see):
    """md["fc"] and md.fc are the same module."""
    md = nn.ModuleDict({"fc": nn.Linear(1, 1)})
    see.same(md["fc"], md.fc)


@scenario("containers", methods=("ModuleDict.__delitem__", "ModuleDict.__contains__"))
def moduledict_delitem_and_contains(nn, see):
    """del md[k] removes the child; `in` checks the keys."""
    md = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
    del md["a"]
    see("a" in md)
    see("b" in md)
    see.keys(md.named_children())


@scenario("containers", methods=("ModuleDict.__delitem__",))
def moduledict_delitem_missing_is_key_error(nn, see):
    """Deleting a missing key raises KeyError."""
    md = nn.ModuleDict()

    def delete():
        del md["nope"]

    see.raises(delete)


@scenario("containers", methods=("ModuleDict.pop", "ModuleDict.clear"))
def moduledict_pop_and_clear(nn, see):
    """pop returns the module; clear empties the dict."""
    md = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
    see.type(md.pop("a"))
    see(len(md))
    md.clear()
    see(len(md))
    see.raises(lambda: md.pop("a"))


@scenario("containers", methods=("ModuleDict.keys", "ModuleDict.values", "ModuleDict.items"))
def moduledict_views(nn, see):
    """keys, values and items are dict views in insertion order."""
    md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
    see(type(md.keys()).__name__)
    see([type(v).__name__ for v in md.values()])
    see([k for k, _ in md.items()])
    see(list(iter(md)))


@scenario("containers", methods=("ModuleDict.__repr__",))
def moduledict_repr(nn, see):
    """repr lists the children under their keys."""
    see.repr(nn.ModuleDict({"proj": nn.Linear(2, 3), "act": nn.GELU()}))


@scenario("containers", methods=("_forward_unimplemented",))
def moduledict_cannot_be_called(nn, see):
    """A ModuleDict has no forward."""
    see.raises(lambda: nn.ModuleDict()(1))


# ------------------------------------------------------------- ParameterDict


@scenario("containers", methods=("ParameterDict.__init__",))
def parameterdict_sorts_a_plain_dict(nn, see):
    """Surprise: a plain dict is added in sorted key order."""
    pd = nn.ParameterDict({"b": torch.zeros(1), "a": torch.zeros(1)})
    see(list(pd.keys()))


@scenario("containers", methods=("ParameterDict.__init__",))
def parameterdict_keeps_ordereddict_order(nn, see):
    """An OrderedDict keeps its order."""
    pd = nn.ParameterDict(OrderedDict([("b", torch.zeros(1)), ("a", torch.zeros(1))]))
    see(list(pd.keys()))


@scenario("containers", methods=("ParameterDict.__setitem__",))
def parameterdict_wraps_tensors(nn, see):
    """A plain tensor becomes a Parameter; other values are kept as they are."""
    pd = nn.ParameterDict()
    pd["w"] = torch.ones(2)
    pd["name"] = "hello"
    see(pd["w"])
    see(pd["name"])
    see.keys(pd.named_parameters())


@scenario("containers", methods=("ParameterDict.__setitem__",))
def parameterdict_buffer_tensor_becomes_parameter(nn, see):
    """Even a tensor with requires_grad=False becomes a trainable Parameter."""
    pd = nn.ParameterDict({"w": torch.zeros(1)})
    see(pd["w"].requires_grad)


@scenario("containers", methods=("ParameterDict._key_to_attr",))
def parameterdict_non_string_key_is_type_error(nn, see):
    """Keys must be strings; the error suggests opening an issue."""
    pd = nn.ParameterDict()

    def put():
        pd[1] = torch.zeros(1)

    see.raises(put)
    see.raises(lambda: pd[1])


@scenario("containers", methods=("ParameterDict._key_to_attr",))
def parameterdict_bad_key_is_remembered(nn, see):
    """Surprise: after a failed pd[1] = x the key 1 stays in len() and keys()."""
    pd = nn.ParameterDict()

    def put():
        pd[1] = torch.zeros(1)

    see.raises(put)
    see(len(pd))
    see(list(pd.keys()))


@scenario("containers", methods=("ParameterDict.__getitem__",))
def parameterdict_missing_key_is_attribute_error(nn, see):
    """Surprise: a missing key raises AttributeError, not KeyError."""
    see.raises(lambda: nn.ParameterDict()["missing"])


@scenario("containers", methods=("ParameterDict.__delitem__",))
def parameterdict_delitem(nn, see):
    """del pd[k] removes the key and the parameter."""
    pd = nn.ParameterDict({"a": torch.zeros(1), "b": torch.ones(1)})
    del pd["a"]
    see(list(pd))
    see.keys(pd.named_parameters())


@scenario("containers", methods=("ParameterDict.update",))
def parameterdict_update_errors(nn, see):
    """update checks: iterable, then each element iterable and of length 2."""
    pd = nn.ParameterDict()
    see.raises(lambda: pd.update(5))
    see.raises(lambda: pd.update([3]))
    see.raises(lambda: pd.update([("a", torch.zeros(1), 1)]))


@scenario("containers", methods=("ParameterDict.update",))
def parameterdict_update_from_parameterdict_keeps_order(nn, see):
    """update from another ParameterDict keeps its order and shares parameters."""
    src = nn.ParameterDict(OrderedDict([("z", torch.zeros(1)), ("a", torch.ones(1))]))
    pd = nn.ParameterDict()
    pd.update(src)
    see(list(pd.keys()))
    see.same(pd["z"], src["z"])


@scenario("containers", methods=("ParameterDict.copy",))
def parameterdict_copy_is_shallow(nn, see):
    """copy() is a new ParameterDict with the same Parameter objects."""
    pd = nn.ParameterDict({"a": torch.zeros(1)})
    c = pd.copy()
    see.same(c, pd)
    see.same(c["a"], pd["a"])


@scenario("containers", methods=("ParameterDict.setdefault", "ParameterDict.get"))
def parameterdict_setdefault_and_get(nn, see):
    """setdefault stores only new keys; get returns a default for missing ones."""
    pd = nn.ParameterDict({"a": torch.zeros(1)})
    see(pd.setdefault("a", torch.ones(1)))
    see(pd.setdefault("b", torch.ones(1)))
    see(pd.get("c", "default"))
    see(pd.get("a"))


@scenario("containers", methods=("ParameterDict.pop", "ParameterDict.popitem", "ParameterDict.clear"))
def parameterdict_pop_popitem_clear(nn, see):
    """pop(k) and popitem() remove and return; clear empties; empty popitem is KeyError."""
    pd = nn.ParameterDict(OrderedDict([("a", torch.zeros(1)), ("b", torch.ones(1)), ("c", torch.ones(2))]))
    see(pd.pop("a"))
    see(pd.popitem())
    see(list(pd.keys()))
    pd.clear()
    see(len(pd))
    see.raises(pd.popitem)


@scenario("containers", methods=("ParameterDict.fromkeys",))
def parameterdict_fromkeys(nn, see):
    """fromkeys builds a new dict with one default for every key."""
    pd = nn.ParameterDict().fromkeys(["x", "y"], torch.zeros(1))
    see(list(pd.keys()))
    see.same(pd["x"], pd["y"])


@scenario("containers", methods=("ParameterDict.items", "ParameterDict.values", "ParameterDict.__reversed__"))
def parameterdict_views_are_generators(nn, see):
    """items() and values() are generators; reversed() walks the keys backwards."""
    pd = nn.ParameterDict(OrderedDict([("a", torch.zeros(1)), ("b", torch.ones(1))]))
    see(pd.items())
    see(pd.values())
    see(list(reversed(pd)))
    see("a" in pd)


@scenario("containers", methods=("ParameterDict.__or__", "ParameterDict.__ior__"))
def parameterdict_or_operators(nn, see):
    """a | b merges into a new dict; a |= b updates a; the right side wins."""
    a = nn.ParameterDict(OrderedDict([("x", torch.zeros(1)), ("y", torch.zeros(1))]))
    b = nn.ParameterDict(OrderedDict([("y", torch.ones(1)), ("z", torch.ones(1))]))
    merged = a | b
    see(list(merged.keys()))
    see(merged["y"])
    see(len(a))
    a |= b
    see(list(a.keys()))


@scenario("containers", methods=("ParameterDict.__ror__",))
def parameterdict_ror_with_a_plain_dict_gives_a_dict(nn, see):
    """dict | ParameterDict goes to __ror__: it copies the dict, so the result is a plain dict."""
    pd = nn.ParameterDict({"b": torch.zeros(1)})
    merged = see.raises(lambda: {"a": torch.ones(1)} | pd)
    see(type(merged).__name__)


@scenario("containers", methods=("ParameterDict.extra_repr",))
def parameterdict_repr_uses_tensor_type_names(nn, see):
    """repr shows "torch.FloatTensor" (not torch.float32) and plain values' types."""
    pd = nn.ParameterDict(OrderedDict([("w", torch.zeros(2, 2)), ("d", torch.zeros(1, dtype=torch.float64)), ("s", "x")]))
    see.repr(pd)


@scenario("containers", methods=("ParameterDict.__call__",))
def parameterdict_cannot_be_called(nn, see):
    """Calling a ParameterDict raises RuntimeError."""
    see.raises(lambda: nn.ParameterDict()(1))


@scenario("containers", methods=("ParameterDict", "state_dict"))
def parameterdict_state_dict_and_to(nn, see):
    """Its parameters are saved and converted like any module's."""
    pd = nn.ParameterDict({"w": torch.zeros(2)})
    pd.double()
    see(pd["w"].dtype)
    see.keys(pd.state_dict())


@scenario("containers", methods=("ModuleDict", "load_state_dict"))
def moduledict_state_dict_round_trip(nn, see):
    """A ModuleDict's state_dict uses its keys and loads into a twin."""
    a = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    b = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    see.keys(a.state_dict())
    see(b.load_state_dict(a.state_dict()))
    see(torch.equal(b["dec"].weight, a["dec"].weight))


@scenario("containers", methods=("ParameterDict", "__getstate__", "__setstate__"))
def parameterdict_deepcopy_keeps_keys_and_order(nn, see):
    """deepcopy gives a new ParameterDict with new Parameters in the same order."""
    import copy

    pd = nn.ParameterDict(OrderedDict([("z", torch.zeros(1)), ("a", torch.ones(1))]))
    twin = copy.deepcopy(pd)
    see(list(twin.keys()))
    see.same(twin["a"], pd["a"])
    see(twin["a"])


@scenario("containers", methods=("ParameterDict", "named_parameters"))
def parameterdict_shared_parameter_is_listed_once(nn, see):
    """The same Parameter under two keys is one parameter but two state_dict keys."""
    p = nn.Parameter(torch.ones(2))
    pd = nn.ParameterDict(OrderedDict([("a", p), ("b", p)]))
    see.keys(pd.named_parameters())
    see.keys(pd.state_dict())
