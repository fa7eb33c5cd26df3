"""nn.utils.parametrize: a parameter computed from another tensor, written from scratch in the clone."""

import copy
import pickle

import torch

from conformance.registry import scenario


def _symmetric(nn):
    """A parametrization that makes a square matrix symmetric, with a right_inverse."""

    class Symmetric(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    return Symmetric()


def _scale(nn, factor):
    """A parametrization with no right_inverse: assigning the tensor is then an error."""

    class Scale(nn.Module):
        def forward(self, X):
            return X * factor

    return Scale()


def _stack(nn):
    """A parametrization that changes the shape (needs unsafe=True)."""

    class Stack(nn.Module):
        def forward(self, X):
            return torch.stack([X, X])

    return Stack()


@scenario("layers", methods=("register_parametrization",))
def parametrize_swaps_the_class_and_moves_the_tensor(nn, see):
    """The module becomes ParametrizedLinear; weight lives at parametrizations.weight.original."""
    layer = nn.Linear(3, 3)
    see(layer.weight)
    nn.utils.parametrize.register_parametrization(layer, "weight", _symmetric(nn))
    see(type(layer).__name__)
    see.repr(layer)
    see(layer.weight)
    see(dict(layer.named_parameters()))
    see.keys(layer.state_dict())
    see(nn.utils.parametrize.is_parametrized(layer), label="is_parametrized")
    see(nn.utils.parametrize.is_parametrized(layer, "bias"))
    see(nn.utils.parametrize.type_before_parametrizations(layer).__name__)


@scenario("layers", methods=("register_parametrization", "ParametrizationList.right_inverse"))
def parametrize_assignment_goes_through_right_inverse(nn, see):
    """`layer.weight = A` stores right_inverse(A); without a right_inverse it is an error."""
    layer = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", _symmetric(nn))
    layer.weight = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    see(layer.parametrizations.weight.original)
    see(layer.weight)
    scaled = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "bias", _scale(nn, 2.0))
    see.raises(lambda: setattr(scaled, "bias", torch.zeros(2)))


@scenario("layers", methods=("register_parametrization",))
def parametrize_trains_the_original(nn, see):
    """Gradients reach `original`; an SGD step keeps the weight symmetric."""
    layer = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", _symmetric(nn))
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(2):
        optimizer.zero_grad()
        loss = see(layer(torch.randn(4, 3)).pow(2).sum())
        loss.backward()
        optimizer.step()
    see(layer.parametrizations.weight.original.grad)
    see(layer.weight)


@scenario("layers", methods=("register_parametrization",))
def parametrize_chains_and_unsafe_changes(nn, see):
    """A second parametrization is appended; unsafe=True allows a change of shape."""
    layer = nn.Linear(2, 2)
    nn.utils.parametrize.register_parametrization(layer, "weight", _symmetric(nn))
    nn.utils.parametrize.register_parametrization(layer, "weight", _scale(nn, 3.0))
    see.repr(layer)
    see(layer.weight)
    see.raises(lambda: nn.utils.parametrize.register_parametrization(layer, "bias", _stack(nn)))
    nn.utils.parametrize.register_parametrization(layer, "bias", _stack(nn), unsafe=True)
    see(layer.parametrizations.bias.unsafe)
    see(layer.bias)


@scenario("layers", methods=("remove_parametrizations",))
def parametrize_remove_gives_back_a_plain_module(nn, see):
    """remove_parametrizations keeps the parametrized value (or the original) and restores the class."""
    for leave in (True, False):
        layer = nn.Linear(2, 2)
        nn.utils.parametrize.register_parametrization(layer, "weight", _scale(nn, 10.0))
        nn.utils.parametrize.remove_parametrizations(layer, "weight", leave_parametrized=leave)
        see(type(layer).__name__)
        see(dict(layer.named_parameters()))
        see(hasattr(layer, "parametrizations"))
    see.raises(lambda: nn.utils.parametrize.remove_parametrizations(nn.Linear(1, 1), "weight"))


@scenario("layers", methods=("register_parametrization",))
def parametrize_errors(nn, see):
    """Unknown names, shape or dtype changes and non-tensor results raise torch's ValueErrors."""
    P = nn.utils.parametrize
    see.raises(lambda: P.register_parametrization(nn.Linear(1, 1), "scale", _scale(nn, 1.0)))
    see.raises(lambda: P.register_parametrization(nn.Linear(2, 2), "weight", _stack(nn)))

    class ToDouble(nn.Module):
        def forward(self, X):
            return X.double()

    class NotATensor(nn.Module):
        def forward(self, X):
            return 1

    see.raises(lambda: P.register_parametrization(nn.Linear(2, 2), "weight", ToDouble()))
    see.raises(lambda: P.register_parametrization(nn.Linear(2, 2), "weight", NotATensor()))
    layer = P.register_parametrization(nn.Linear(2, 2), "weight", _scale(nn, 1.0))
    see.raises(lambda: P.register_parametrization(layer, "weight", ToDouble()))
    see.raises(lambda: P.register_parametrization(layer, "weight", _stack(nn)))
    see.raises(lambda: P.ParametrizationList([], torch.zeros(1)))


@scenario("layers", methods=("register_parametrization",))
def parametrize_pickle_refused_deepcopy_and_state_dict_work(nn, see):
    """pickle is refused with torch's message; deepcopy and loading torch's state_dict work."""
    layer = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", _symmetric(nn))
    see.raises(lambda: pickle.dumps(layer))
    twin = copy.deepcopy(layer)
    see(type(twin).__name__)
    see(twin.weight)
    theirs = torch.nn.utils.parametrize.register_parametrization(
        torch.nn.Linear(2, 2), "weight", _symmetric(torch.nn)
    )
    see(layer.load_state_dict(theirs.state_dict()))
    see(layer.weight)


@scenario("layers", methods=("cached",))
def parametrize_cached_computes_once(nn, see):
    """Inside `cached()`, reading the weight twice calls the parametrization once."""
    calls = []

    class Counted(nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2

    layer = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", Counted())
    calls.clear()
    with nn.utils.parametrize.cached():
        see(layer.weight is layer.weight)
    see(len(calls))
    layer.weight
    layer.weight
    see(len(calls))


@scenario("layers", methods=("ParametrizationList.__init__",))
def parametrize_right_inverse_may_return_several_tensors(nn, see):
    """A right_inverse that returns two tensors stores original0 and original1."""

    class Sum(nn.Module):
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return X / 2, X / 2

    layer = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", Sum())
    see.keys(layer.state_dict())
    see(layer.weight)
    layer.weight = torch.ones(2, 2)
    see(layer.parametrizations.weight.original1)
    see.raises(lambda: nn.utils.parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False))
    nn.utils.parametrize.remove_parametrizations(layer, "weight")
    see(dict(layer.named_parameters()))


@scenario("layers", methods=("transfer_parametrizations_and_params",))
def parametrize_transfer_to_another_module(nn, see):
    """transfer_parametrizations_and_params registers the same chain and shares the original."""
    source = nn.utils.parametrize.register_parametrization(nn.Linear(2, 2), "weight", _symmetric(nn))
    target = nn.Linear(2, 2)
    nn.utils.parametrize.transfer_parametrizations_and_params(source, target)
    see(type(target).__name__)
    see(target.parametrizations.weight.original is source.parametrizations.weight.original)
    see(target.weight)


@scenario("layers", methods=("weight_norm",))
def weight_norm_splits_weight_into_length_and_direction(nn, see):
    """parametrizations.weight_norm stores g and v; the weight is unchanged and trains the same."""
    layer = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    see.repr(layer)
    see(layer.state_dict())
    see(layer.weight)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    layer(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    see(layer.weight)
    see.keys(nn.utils.parametrizations.weight_norm(nn.Conv1d(2, 3, 2), dim=None).state_dict())


@scenario("layers", methods=("weight_norm",))
def weight_norm_loads_old_weight_g_and_weight_v_checkpoints(nn, see):
    """A state_dict of the old hook-based weight_norm (weight_g, weight_v) still loads."""
    old = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2))
    see.keys(old.state_dict())
    layer = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
    see(layer.load_state_dict(old.state_dict()))
    see(layer.weight)


def _custom(nn, forward, right_inverse=None):
    """A parametrization made of two small functions, to provoke each check."""

    class Custom(nn.Module):
        def forward(self, *tensors):
            return forward(*tensors)

    if right_inverse is not None:
        Custom.right_inverse = lambda self, X: right_inverse(X)
    return Custom()


def _first(*tensors):
    return tensors[0]


@scenario("layers", methods=("ParametrizationList.__init__",))
def parametrize_registration_checks_what_right_inverse_returns(nn, see):
    """At registration, right_inverse must give a tensor (same dtype and device) or a sequence of tensors."""
    P = nn.utils.parametrize
    for bad in (lambda X: 5, lambda X: X.double(), lambda X: X.to("meta"), lambda X: (X, 5)):
        see.raises(lambda: P.register_parametrization(nn.Linear(2, 2), "weight", _custom(nn, _first, bad)))


@scenario("layers", methods=("ParametrizationList.right_inverse",))
def parametrize_assignment_checks_what_right_inverse_returns(nn, see):
    """`layer.weight = X` checks right_inverse's result against the stored original(s)."""
    P = nn.utils.parametrize
    one = P.register_parametrization(nn.Linear(2, 2), "weight", _custom(nn, _first, lambda X: X))
    two = P.register_parametrization(nn.Linear(2, 2), "weight", _custom(nn, _first, lambda X: (X, X)))
    cases = [
        (one, lambda X: [X]),
        (one, lambda X: X.double()),
        (two, lambda X: 5),
        (two, lambda X: (X,)),
        (two, lambda X: (X, X.double())),
        (two, lambda X: (X, 5)),
    ]
    for layer, bad in cases:
        # The parametrization's right_inverse now misbehaves.
        layer.parametrizations.weight[0].right_inverse = bad
        see.raises(lambda: setattr(layer, "weight", torch.ones(2, 2)))


@scenario("layers", methods=("register_parametrization",))
def parametrize_appending_checks_the_new_link(nn, see):
    """A parametrization added to a chain must keep dtype and shape, and so must its right_inverse."""
    P = nn.utils.parametrize
    layer = P.register_parametrization(nn.Linear(2, 3), "weight", _custom(nn, _first))
    links = [
        _custom(nn, lambda X: 5),
        _custom(nn, _first, lambda X: 5),
        _custom(nn, _first, lambda X: X.double()),
        _custom(nn, _first, lambda X: X.T),
    ]
    for link in links:
        see.raises(lambda: P.register_parametrization(layer, "weight", link))
