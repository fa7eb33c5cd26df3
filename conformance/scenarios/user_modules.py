"""Small modules learners write themselves, defined once and run on both backends.

Each class below is ordinary user code: it subclasses `nn.Module` of the
backend, so the same text builds a torch module and a clone module.
"""

import torch
import torch.nn.functional as F

from conformance.registry import scenario


def layer_norm_without_bias(nn):
    """Return a LayerNorm class with a scale but no shift (as in some LLMs)."""

    class LayerNormNoBias(nn.Module):
        def __init__(self, dim, eps=1e-5):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def forward(self, x):
            return F.layer_norm(x, self.weight.shape, self.weight, None, self.eps)

        def extra_repr(self):
            return f"{tuple(self.weight.shape)}, eps={self.eps}"

    return LayerNormNoBias


def rms_norm(nn):
    """Return a hand-written RMSNorm class: x / rms(x) * weight."""

    class MyRMSNorm(nn.Module):
        def __init__(self, dim, eps=1e-6):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def forward(self, x):
            rms = torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
            return x / rms * self.weight

        def extra_repr(self):
            return f"dim={self.weight.numel()}, eps={self.eps}"

    return MyRMSNorm


def reversible_instance_norm(nn):
    """Return RINorm: normalize each series, remember its statistics, undo it on the output."""

    class RINorm(nn.Module):
        def __init__(self, num_features, eps=1e-5, affine=True):
            super().__init__()
            self.num_features = num_features
            self.eps = eps
            self.affine = affine
            if affine:
                self.affine_weight = nn.Parameter(torch.ones(num_features))
                self.affine_bias = nn.Parameter(torch.zeros(num_features))
            # The statistics are per input, not state: a non-persistent buffer
            # would be saved by .to() but not in the state_dict.
            self.register_buffer("mean", None, persistent=False)
            self.register_buffer("stdev", None, persistent=False)

        def forward(self, x, mode):
            if mode == "norm":
                # x: (batch, time, features); statistics over time.
                self.mean = x.mean(dim=1, keepdim=True).detach()
                self.stdev = torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + self.eps).detach()
                x = (x - self.mean) / self.stdev
                if self.affine:
                    x = x * self.affine_weight + self.affine_bias
                return x
            if mode == "denorm":
                if self.affine:
                    x = (x - self.affine_bias) / (self.affine_weight + self.eps * self.eps)
                return x * self.stdev + self.mean
            raise NotImplementedError(f"mode {mode!r}")

        def extra_repr(self):
            return f"num_features={self.num_features}, eps={self.eps}, affine={self.affine}"

    return RINorm


@scenario("layers", methods=("Parameter", "extra_repr"))
def user_layernorm_without_bias_matches(nn, see):
    """A user LayerNorm without bias: parameters, state_dict, repr and output agree."""
    ln = layer_norm_without_bias(nn)(4)
    see.keys(ln.named_parameters())
    see.keys(ln.state_dict())
    see.repr(ln)
    see(ln(torch.randn(2, 4)))


@scenario("layers", methods=("Parameter", "extra_repr"))
def user_layernorm_without_bias_inside_sequential(nn, see):
    """The user layer composes with library layers; gradients reach its weight."""
    net = nn.Sequential(nn.Linear(3, 4), layer_norm_without_bias(nn)(4))
    net(torch.randn(5, 3)).sum().backward()
    see.repr(net)
    see(net[1].weight.grad)


@scenario("layers", methods=("Parameter", "extra_repr"))
def user_rmsnorm_matches_and_agrees_with_library(nn, see):
    """A hand-written RMSNorm gives the same numbers on both backends."""
    norm = rms_norm(nn)(4)
    x = torch.randn(3, 4)
    see(norm(x))
    see.repr(norm)
    see.keys(norm.state_dict())


@scenario("layers", methods=("load_state_dict",))
def user_rmsnorm_loads_a_library_rmsnorm_state(nn, see):
    """Both RMSNorms name their scale `weight`, so state_dicts swap."""
    mine = rms_norm(nn)(3)
    library = nn.RMSNorm(3)
    with torch.no_grad():
        library.weight.mul_(2)
    see(mine.load_state_dict(library.state_dict()))
    see(mine.weight)


@scenario("layers", methods=("register_buffer",))
def user_rinorm_buffers_are_not_saved(nn, see):
    """RINorm's statistics are non-persistent buffers: not in the state_dict."""
    norm = reversible_instance_norm(nn)(3)
    see.keys(norm.named_buffers())
    see.keys(norm.state_dict())
    norm(torch.randn(2, 5, 3), "norm")
    see.keys(norm.named_buffers())
    see.keys(norm.state_dict())
    see.repr(norm)


@scenario("layers", methods=("register_buffer",))
def user_rinorm_round_trip(nn, see):
    """norm then denorm gives the input back (up to rounding), on both backends."""
    norm = reversible_instance_norm(nn)(3)
    x = torch.randn(2, 6, 3) * 4 + 2
    y = norm(x, "norm")
    see(y)
    see(norm.mean)
    back = norm(y, "denorm")
    see(back)
    see(torch.allclose(back, x, atol=1e-4))


@scenario("layers")
def user_rinorm_unknown_mode(nn, see):
    """A wrong mode raises the user's own NotImplementedError."""
    see.raises(lambda: reversible_instance_norm(nn)(2, affine=False)(torch.randn(1, 3, 2), "other"))


@scenario("layers", methods=("double", "to"))
def user_rinorm_converts_its_statistics(nn, see):
    """After a forward, .double() converts the remembered statistics too."""
    norm = reversible_instance_norm(nn)(2)
    norm(torch.randn(1, 4, 2), "norm")
    norm.double()
    see(norm.mean.dtype)
    see(norm.affine_weight.dtype)
