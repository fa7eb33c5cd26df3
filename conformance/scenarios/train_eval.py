"""train/eval, requires_grad_, zero_grad, apply, share_memory."""

import torch

from conformance.registry import scenario


def _net(nn):
    root = nn.Module()
    root.a = nn.Linear(2, 2)
    root.b = nn.Module()
    root.b.c = nn.Linear(2, 1)
    return root


@scenario("train_eval", methods=("eval",))
def eval_sets_every_module(nn, see):
    """eval() turns training off in every submodule."""
    root = _net(nn)
    out = root.eval()
    see.same(out, root)
    see([m.training for m in root.modules()])


@scenario("train_eval", methods=("train",))
def train_false_is_eval(nn, see):
    """train(False) is the same as eval()."""
    root = _net(nn)
    root.train(False)
    see([m.training for m in root.modules()])
    root.train()
    see([m.training for m in root.modules()])


@scenario("train_eval", methods=("train",))
def train_rejects_non_bool(nn, see):
    """train() with a non-bool raises ValueError."""
    see.raises(lambda: _net(nn).train("yes"))
    see.raises(lambda: _net(nn).train(1))


@scenario("train_eval", methods=("train",))
def train_returns_self(nn, see):
    """train() returns the module itself."""
    root = _net(nn)
    see.same(root.train(), root)


@scenario("train_eval", methods=("eval",))
def eval_on_submodule_only(nn, see):
    """eval() on a child leaves the parent in training mode."""
    root = _net(nn)
    root.b.eval()
    see([m.training for m in root.modules()])


@scenario("train_eval", methods=("requires_grad_",))
def requires_grad_false_freezes_all(nn, see):
    """requires_grad_(False) freezes every parameter."""
    root = _net(nn)
    see.same(root.requires_grad_(False), root)
    see([p.requires_grad for p in root.parameters()])


@scenario("train_eval", methods=("requires_grad_",))
def requires_grad_true_unfreezes(nn, see):
    """requires_grad_() turns grad back on."""
    root = _net(nn)
    root.requires_grad_(False)
    root.a.requires_grad_()
    see([p.requires_grad for p in root.parameters()])


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_sets_none(nn, see):
    """zero_grad() sets grads to None by default."""
    m = nn.Linear(2, 1)
    m(torch.ones(1, 2)).sum().backward()
    see(m.weight.grad)
    m.zero_grad()
    see(m.weight.grad)


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_set_to_none_false_zeros(nn, see):
    """zero_grad(set_to_none=False) fills grads with zeros."""
    m = nn.Linear(2, 1)
    m(torch.ones(1, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    see(m.weight.grad)
    see(m.bias.grad)


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_detaches_non_leaf_grad(nn, see):
    """zero_grad(set_to_none=False) detaches a grad that has a grad_fn."""
    m = nn.Linear(1, 1)
    m.weight.grad = torch.ones(1, 1, requires_grad=True) * 2
    m.zero_grad(set_to_none=False)
    see(m.weight.grad)
    see(m.weight.grad.grad_fn is None)


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_without_grads_is_fine(nn, see):
    """zero_grad on fresh parameters keeps grads None."""
    m = nn.Linear(2, 1)
    m.zero_grad(set_to_none=False)
    see(m.weight.grad)


@scenario("train_eval", methods=("apply",))
def apply_fill_linear_weights_with_one(nn, see):
    """The classic: fill every Linear's weight with 1 in a nested net."""
    root = _net(nn)

    def init(m):
        if isinstance(m, nn.Linear):
            torch.nn.init.ones_(m.weight)

    see.same(root.apply(init), root)
    see(root.a.weight)
    see(root.b.c.weight)


@scenario("train_eval", methods=("apply",))
def apply_visits_children_before_parent(nn, see):
    """apply() calls fn on children first, the root last."""
    root = _net(nn)
    seen = []
    root.apply(lambda m: seen.append(type(m).__name__))
    see(seen)


@scenario("train_eval", methods=("apply",))
def apply_visits_shared_module_twice(nn, see):
    """apply() calls fn once per place a shared module appears."""
    root = nn.Module()
    shared = nn.Linear(1, 1)
    root.x = shared
    root.y = shared
    count = []
    root.apply(lambda m: count.append(m is shared))
    see(count)


@scenario("train_eval", methods=("apply",))
def apply_zero_biases_with_no_grad(nn, see):
    """apply() with an init that zeroes every bias under no_grad."""
    root = _net(nn)

    def init(m):
        if getattr(m, "bias", None) is not None:
            with torch.no_grad():
                m.bias.zero_()

    root.apply(init)
    see([p for name, p in root.named_parameters() if name.endswith("bias")])


@scenario("train_eval", methods=("apply",))
def apply_constant_on_nested_sequence(nn, see):
    """apply() reaches Linear layers three levels deep."""
    root = nn.Module()
    root.l1 = nn.Module()
    root.l1.l2 = nn.Module()
    root.l1.l2.lin = nn.Linear(1, 2)
    root.apply(lambda m: torch.nn.init.constant_(m.weight, 0.5) if isinstance(m, nn.Linear) else None)
    see(root.l1.l2.lin.weight)


@scenario("train_eval", methods=("share_memory",))
def share_memory_returns_self(nn, see):
    """share_memory() returns the module and moves tensors to shared memory."""
    m = nn.Linear(2, 1)
    see.same(m.share_memory(), m)
    see(m.weight.is_shared())


@scenario("train_eval", methods=("__init__",))
def training_flag_after_init(nn, see):
    """A user module starts in training mode."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)

    see(Net().training)
    see(Net().lin.training)


@scenario("train_eval", methods=("zero_grad",))
def zero_grad_clears_frozen_parameters_too(nn, see):
    """zero_grad() also clears grads of frozen parameters."""
    m = nn.Linear(1, 1)
    m.weight.grad = torch.ones(1, 1)
    m.requires_grad_(False)
    m.zero_grad()
    see(m.weight.grad)


@scenario("train_eval", methods=("apply",))
def apply_ignores_return_value(nn, see):
    """apply() returns the module whatever fn returns."""
    m = nn.Linear(1, 1)
    see.same(m.apply(lambda sub: 5), m)
