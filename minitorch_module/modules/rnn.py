"""Recurrent layers: RNN, LSTM, GRU and their one-step cells.

The recurrence itself (the loop over time steps, the gates, dropout between
layers) is one fused op in `torch._VF`, which torch's own module calls too.
So outputs are bit for bit the same. What this file teaches is the Module
side: how many weights a stacked, two-way RNN needs, what they are called
(`weight_ih_l0`, `bias_hh_l1_reverse`, ...), and the `_flat_weights` list
that the fused op reads and that must follow every change to a weight.
"""

# Standard library: math for the init bound, numbers for the dropout
# check, weakref for the weight references.
from __future__ import annotations

import math
import numbers
import warnings
import weakref
from typing import Any

# Tensor math from torch: the fused ops (`_VF`) and init functions.
import torch
from torch import _VF
from torch.nn import init

# The clone's own Module and Parameter.
from .module import Module
from ..parameter import Parameter

# The names this file exports, as in torch.nn.modules.rnn.
__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

# ------------------------------------------------------------------
# Stacked recurrent layers: RNNBase
# ------------------------------------------------------------------

# Each mode has its gates side by side in one weight: an LSTM has four
# (input, forget, cell, output), a GRU three (reset, update, new), a plain
# RNN one. So the weights have `gates * hidden_size` rows.
_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}

# The name of the fused `torch._VF` op that runs each mode.
_VF_OPS = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}


def _weight_names(layer: int, suffix: str, bias: bool, proj: bool) -> list[str]:
    """The parameter names of one layer and direction, in registration order."""
    # `_reverse` marks the backward direction of a bidirectional RNN.
    names = ["weight_ih", "weight_hh"]
    if bias:
        names += ["bias_ih", "bias_hh"]
    if proj:
        names += ["weight_hr"]
    return [f"{name}_l{layer}{suffix}" for name in names]



# A PackedSequence is a named tuple of four tensors. Torch's and the clone's
# (minitorch_module/utils/rnn.py) look alike, so recognise either by shape
# rather than import torch's class.
def _is_packed(value: Any) -> bool:
    """True for a PackedSequence, the clone's or torch's."""
    return isinstance(value, tuple) and type(value).__name__ == "PackedSequence" and hasattr(value, "batch_sizes")


class RNNBase(Module):
    """The machinery shared by RNN, LSTM and GRU: weights, checks, `_flat_weights`.

    Args:
        mode: 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'.
        input_size: features of each input step.
        hidden_size: features of the hidden state.
        num_layers: stacked layers; layer k reads layer k-1's output.
        bias: if False, no `bias_ih_*` / `bias_hh_*` parameters.
        batch_first: inputs are (N, L, H_in) instead of (L, N, H_in).
        dropout: dropout on the outputs of every layer except the last.
        bidirectional: also run each layer from the end to the start.
        proj_size: LSTM only: project h to this size (`weight_hr_*`).
    """

    # Register the weights of every layer and direction, then draw them.
    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # The options are stored before they are checked, as torch does
        # (so `float(dropout)` fails first for a string).
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        # Filled by `_init_flat_weights` once the weights exist.
        self._flat_weight_refs: list[weakref.ReferenceType | None] = []
        self._check_options(dropout)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        self._register_weights(gate_size, factory_kwargs)
        self._init_flat_weights()
        self.reset_parameters()

    def _check_options(self, dropout: Any) -> None:
        """Check the constructor options, in torch's order and with its messages."""
        # `True` is a Number in Python, so bool is ruled out by name.
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        # Dropout acts between layers, so with one layer it does nothing:
        # torch warns but keeps going.
        if dropout > 0 and self.num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={self.num_layers}",
                stacklevel=3,
            )
        # Type checks: the fused op would fail later with a less clear error.
        for name in ("bias", "batch_first"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        # Sizes must be positive ints; each is checked for type, then value.
        for name in ("input_size", "hidden_size"):
            value = getattr(self, name)
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if self.num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        # The projection must make h smaller than the cell state c.
        if self.proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if self.proj_size >= self.hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")

    def _register_weights(self, gate_size: int, factory_kwargs: dict) -> None:
        """Create and register each layer's weights; remember their names in order."""
        # `_flat_weights_names` is every name in order; `_all_weights` is
        # the same names grouped by layer and direction.
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        directions = 2 if self.bidirectional else 1
        # With a projection, h (what the next step and layer see) has
        # proj_size features, while the cell state keeps hidden_size.
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        for layer in range(self.num_layers):
            for direction in range(directions):
                # Layer 0 reads the input; later layers read both directions
                # of the layer below, side by side.
                layer_input_size = self.input_size if layer == 0 else h_size * directions
                shapes = [(gate_size, layer_input_size), (gate_size, h_size)]
                if self.bias:
                    # Two biases where one would do: cuDNN's layout, kept
                    # everywhere so checkpoints move between devices.
                    shapes += [(gate_size,), (gate_size,)]
                if self.proj_size > 0:
                    shapes += [(self.proj_size, self.hidden_size)]
                suffix = "_reverse" if direction == 1 else ""
                names = _weight_names(layer, suffix, self.bias, self.proj_size > 0)
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(torch.empty(shape, **factory_kwargs)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)

    # -- The flat weight list --

    def _init_flat_weights(self) -> None:
        """Rebuild `_flat_weights` (the list the fused op reads) from the registered parameters."""
        # A name may have been set to None or deleted: it then holds None.
        self._flat_weights = [getattr(self, name) if hasattr(self, name) else None for name in self._flat_weights_names]
        # Weak references let forward notice that a weight was swapped
        # behind our back (e.g. by `torch.func.functional_call`).
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None for w in self._flat_weights]
        self.flatten_parameters()

    def __setattr__(self, attr: str, value: Any) -> None:
        """Keep `_flat_weights` in step when a weight is replaced: `lstm.weight_ih_l0 = Parameter(...)`."""
        # The list is updated first, then the usual routing runs.
        if hasattr(self, "_flat_weights_names") and attr in self._flat_weights_names:
            index = self._flat_weights_names.index(attr)
            self._flat_weights[index] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self) -> None:
        """Pack the weights into one contiguous block for cuDNN; nothing to do on CPU.

        On CUDA, torch copies the weights into one buffer that cuDNN reads
        in one go and makes each parameter a view of it. The CPU op reads
        the separate tensors, so torch skips this there, and so do we.
        """

    def _apply(self, fn: Any, recurse: bool = True) -> RNNBase:
        """Convert the weights like any module, then rebuild `_flat_weights`."""
        # `.to(torch.double)` may create new parameter objects: the old list
        # would still point at the float ones.
        self._flat_weight_refs = []
        result = super()._apply(fn, recurse)
        self._init_flat_weights()
        return result

    def _weights_have_changed(self) -> bool:
        """True if a registered weight is no longer the object `_flat_weights` points at."""
        for ref, name in zip(self._flat_weight_refs, self._flat_weights_names):
            weight = getattr(self, name) if hasattr(self, name) else None
            if weight is not None and ref is not None and ref() is not weight:
                return True
        return False

    def _update_flat_weights(self) -> None:
        """Rebuild `_flat_weights` if a weight was swapped since the last call."""
        if self._weights_have_changed():
            self._init_flat_weights()

    # Every parameter starts from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)),
    # drawn in registration order: the same seed gives torch's numbers.
    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # ------------------------------------------------------------------
    # RNNBase: checking the inputs and running the op
    # ------------------------------------------------------------------

    # -- Checks on the inputs --

    def check_input(self, input: torch.Tensor, batch_sizes: torch.Tensor | None) -> None:
        """Check the input's dtype, number of dimensions and feature size."""
        # Autocast converts dtypes on the fly, so the dtype check is off then.
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype and not torch._C._is_any_autocast_enabled():
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})"
            )
        # A packed sequence stores its steps as a 2-D (steps, features) tensor.
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.size(-1)}"
            )

    def _batch_size(self, input: torch.Tensor, batch_sizes: torch.Tensor | None) -> int:
        """The number of sequences: the first step of a packed batch has them all."""
        if batch_sizes is not None:
            return int(batch_sizes[0])
        return input.size(0) if self.batch_first else input.size(1)

    def get_expected_hidden_size(
        self, input: torch.Tensor, batch_sizes: torch.Tensor | None
    ) -> tuple[int, int, int]:
        """(layers * directions, batch, h size) for the hidden state h."""
        directions = 2 if self.bidirectional else 1
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * directions, self._batch_size(input, batch_sizes), h_size)

    def check_hidden_size(
        self, hx: torch.Tensor, expected_hidden_size: tuple[int, int, int], msg: str = "Expected hidden size {}, got {}"
    ) -> None:
        """Raise if `hx` does not have the expected shape."""
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: torch.Tensor, hidden: torch.Tensor, batch_sizes: torch.Tensor | None) -> None:
        """Check the input, then the hidden state's shape."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: torch.Tensor, permutation: torch.Tensor | None) -> torch.Tensor:
        """Reorder the batch dimension of `hx` (packed sequences are sorted by length)."""
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    # -- The shared forward --
    #
    # RNN, LSTM and GRU all follow the same steps; they differ in the state
    # (one tensor h, or the pair (h, c) for an LSTM) and in some messages.
    # Each subclass's `forward` calls `_run`; the small hooks below are
    # what each subclass overrides.

    def _zero_state(self, batch: Any, input: torch.Tensor) -> Any:
        """The default initial state: zeros."""
        directions = 2 if self.bidirectional else 1
        return torch.zeros(
            self.num_layers * directions, batch, self.hidden_size, dtype=input.dtype, device=input.device
        )

    def _unbatch_state(self, hx: torch.Tensor, is_batched: bool) -> torch.Tensor:
        """Check the rank of a given state; add the batch dimension for an unbatched input."""
        if not is_batched:
            if hx.dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
            return hx.unsqueeze(1)
        if hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        return hx

    def _squeeze_state(self, hidden: torch.Tensor) -> torch.Tensor:
        """Drop the batch dimension that `_unbatch_state` added."""
        return hidden.squeeze(1)

    def _check_packed_state(self, input: torch.Tensor, hx: Any, batch_sizes: torch.Tensor) -> None:
        """Check the args of a packed call (the LSTM skips this, as torch's does)."""
        self.check_forward_args(input, hx, batch_sizes)

    # The error for an input that is not 2-D or 3-D. Each subclass sets
    # its own: the class name is written in, so subclasses of LSTM still
    # say "LSTM", as in torch.
    _rank_error: str

    def _run(self, input: Any, hx: Any) -> tuple[Any, Any]:
        """Prepare input and state, call the fused `_VF` op, shape the results back."""
        # A weight swapped since the last call must reach the op.
        self._update_flat_weights()
        op = getattr(_VF, _VF_OPS[self.mode])
        # A PackedSequence holds the steps of sequences of different lengths,
        # sorted longest first; `sorted_indices` gives that order. Ours
        # (`minitorch_module.utils.rnn`) and torch's are both accepted, and
        # the output is packed in the same class as the input.
        if _is_packed(input):
            packed = input
            input, batch_sizes, sorted_indices, unsorted_indices = packed
            if hx is None:
                hx = self._zero_state(batch_sizes[0], input)
            else:
                hx = self.permute_hidden(hx, sorted_indices)
            self._check_packed_state(input, hx, batch_sizes)
            self._check_mode()
            # The packed form of the op takes `batch_sizes` and no batch_first.
            result = op(input, batch_sizes, hx, self._flat_weights, self.bias, *self._op_flags())
            output, hidden = self._split_result(result)
            output = type(packed)(output, batch_sizes, sorted_indices, unsorted_indices)
            return output, self.permute_hidden(hidden, unsorted_indices)
        # A plain tensor: batched (3-D) or one unbatched sequence (2-D),
        # which gets a batch dimension of size 1 for the op.
        if input.dim() not in (2, 3):
            raise ValueError(self._rank_error.format(dim=input.dim()))
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        # No state given: start from zeros. A given state is checked first.
        if hx is None:
            hx = self._zero_state(input.size(batch_dim), input)
        else:
            hx = self._unbatch_state(hx, is_batched)
        self.check_forward_args(input, hx, None)
        self._check_mode()
        # The op runs every layer, direction and time step at once.
        result = op(input, hx, self._flat_weights, self.bias, *self._op_flags(), self.batch_first)
        output, hidden = self._split_result(result)
        if not is_batched:
            output, hidden = output.squeeze(batch_dim), self._squeeze_state(hidden)
        return output, hidden

    def _op_flags(self) -> tuple:
        """The arguments every `_VF` op takes after the weights and bias flag."""
        return (self.num_layers, self.dropout, self.training, self.bidirectional)

    def _split_result(self, result: tuple) -> tuple[Any, Any]:
        """(output, h) from what the op returned."""
        return result[0], result[1]

    def _check_mode(self) -> None:
        """Hook for RNN's check of its mode; LSTM and GRU need none."""

    # -- Display, pickling, weight lists --

    def extra_repr(self) -> str:
        """The two sizes, then only the options that differ from their defaults."""
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        # `is not` on purpose, as torch: batch_first=1 would be printed.
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def __getstate__(self) -> dict:
        """Pickle without the weak references (they cannot be pickled)."""
        self._update_flat_weights()
        state = super().__getstate__()
        del state["_flat_weight_refs"]
        return state

    def __setstate__(self, d: dict) -> None:
        """Restore a pickled RNN, upgrading the layout of older torch versions."""
        super().__setstate__(d)
        # Very old pickles stored `all_weights` under its public name.
        if "all_weights" in d:
            self._all_weights = d["all_weights"]
        # `proj_size` arrived in torch 1.8: older LSTMs have none.
        if "proj_size" not in d:
            self.proj_size = 0
        # Older pickles kept the tensors themselves in `_all_weights`; now it
        # holds names, rebuilt here. (torch builds a nested list for
        # bias=False with a projection here; such pickles cannot exist, as
        # projections came later, so we build the plain list.)
        if not isinstance(self._all_weights[0][0], str):
            directions = 2 if self.bidirectional else 1
            self._all_weights = [
                _weight_names(layer, "_reverse" if direction else "", self.bias, self.proj_size > 0)
                for layer in range(self.num_layers)
                for direction in range(directions)
            ]
            self._flat_weights_names = [name for names in self._all_weights for name in names]
            self._flat_weights = [getattr(self, n) if hasattr(self, n) else None for n in self._flat_weights_names]
        # Weak references are never pickled: always rebuild them.
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None for w in self._flat_weights]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped by layer and direction, e.g. [[w_ih, w_hh, b_ih, b_hh], ...]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _replicate_for_data_parallel(self) -> RNNBase:
        """A DataParallel replica gets its own name and weight lists, not ours."""
        # The replica is a shallow copy: without this, both would change one list.
        replica = super()._replicate_for_data_parallel()
        replica._flat_weights = replica._flat_weights[:]
        replica._flat_weights_names = replica._flat_weights_names[:]
        return replica


# ------------------------------------------------------------------
# RNN, LSTM, GRU
# ------------------------------------------------------------------

# The error for proj_size given to a layer that has no projection.
_NO_PROJ = "proj_size argument is only supported for LSTM, not RNN or GRU"


class RNN(RNNBase):
    """An Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Takes the RNNBase arguments (without `mode` and `proj_size`) plus
    `nonlinearity`, 'tanh' or 'relu', as the 4th positional argument.

    Examples:
        >>> rnn = RNN(4, 8, num_layers=2)
        >>> out, h = rnn(torch.zeros(5, 3, 4))
        >>> out.shape, h.shape
        (torch.Size([5, 3, 8]), torch.Size([2, 3, 8]))
    """

    # torch reads `nonlinearity` out of the positional arguments by hand,
    # because RNNBase has no such parameter: it picks the mode instead.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError(_NO_PROJ)
        # Take nonlinearity out of the arguments, positional or keyword.
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        # The nonlinearity picks the mode: which fused op forward calls.
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(modes[self.nonlinearity], *args, **kwargs)

    # The RNN message differs from LSTM's and GRU's by the word "tensor".
    _rank_error = "RNN: Expected input to be 2D or 3D, got {dim}D tensor instead"

    def _check_mode(self) -> None:
        """Refuse a mode changed by hand after construction."""
        if self.mode != "RNN_TANH" and self.mode != "RNN_RELU":
            raise AssertionError(f"mode must be RNN_TANH or RNN_RELU, got {self.mode}")

    def forward(self, input: Any, hx: torch.Tensor | None = None) -> tuple[Any, torch.Tensor]:
        """Return (output, h_n). `input` is a tensor or a PackedSequence."""
        return self._run(input, hx)


class LSTM(RNNBase):
    """Long short-term memory: four gates and a cell state c beside h.

    Takes the RNNBase arguments without `mode`; `proj_size > 0` adds a
    projection of h (`weight_hr_l*`). The state is the pair (h, c).

    Examples:
        >>> lstm = LSTM(4, 8, batch_first=True)
        >>> out, (h, c) = lstm(torch.zeros(3, 5, 4))
        >>> out.shape, h.shape, c.shape
        (torch.Size([3, 5, 8]), torch.Size([1, 3, 8]), torch.Size([1, 3, 8]))
    """

    # All the work is in RNNBase; an LSTM only names its mode.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    # See RNNBase._rank_error.
    _rank_error = "LSTM: Expected input to be 2D or 3D, got {dim}D instead"

    def get_expected_cell_size(self, input: torch.Tensor, batch_sizes: torch.Tensor | None) -> tuple[int, int, int]:
        """(layers * directions, batch, hidden_size) for the cell state c (never projected)."""
        directions = 2 if self.bidirectional else 1
        return (self.num_layers * directions, self._batch_size(input, batch_sizes), self.hidden_size)

    def check_forward_args(self, input: torch.Tensor, hidden: Any, batch_sizes: torch.Tensor | None) -> None:
        """Check the input, then h and c separately."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(
            hidden[0], self.get_expected_hidden_size(input, batch_sizes), "Expected hidden[0] size {}, got {}"
        )
        self.check_hidden_size(
            hidden[1], self.get_expected_cell_size(input, batch_sizes), "Expected hidden[1] size {}, got {}"
        )

    def permute_hidden(self, hx: Any, permutation: torch.Tensor | None) -> Any:
        """Reorder the batch of both h and c."""
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def _zero_state(self, batch: Any, input: torch.Tensor) -> Any:
        """Zeros for h (proj_size features if projected) and for c."""
        directions = 2 if self.bidirectional else 1
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        shape = (self.num_layers * directions, batch)
        h = torch.zeros(*shape, h_size, dtype=input.dtype, device=input.device)
        c = torch.zeros(*shape, self.hidden_size, dtype=input.dtype, device=input.device)
        return h, c

    def _unbatch_state(self, hx: Any, is_batched: bool) -> Any:
        """Check the ranks of h and c together; unsqueeze both for an unbatched input."""
        dims = (hx[0].dim(), hx[1].dim())
        if is_batched:
            if dims != (3, 3):
                raise RuntimeError(
                    f"For batched 3-D input, hx and cx should also be 3-D but got ({dims[0]}-D, {dims[1]}-D) tensors"
                )
            return hx
        # Unbatched: h and c are 2-D and get a batch dimension of 1.
        if dims != (2, 2):
            raise RuntimeError(
                f"For unbatched 2-D input, hx and cx should also be 2-D but got ({dims[0]}-D, {dims[1]}-D) tensors"
            )
        return hx[0].unsqueeze(1), hx[1].unsqueeze(1)

    def _squeeze_state(self, hidden: Any) -> Any:
        """Drop the batch dimension of h and c."""
        return hidden[0].squeeze(1), hidden[1].squeeze(1)

    def _check_packed_state(self, input: torch.Tensor, hx: Any, batch_sizes: torch.Tensor) -> None:
        """torch's LSTM does not check packed inputs here: the op reports bad sizes."""

    def _split_result(self, result: tuple) -> tuple[Any, Any]:
        """The op returns (output, h, c): the state is the pair (h, c)."""
        return result[0], result[1:]

    def forward(self, input: Any, hx: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[Any, Any]:
        """Return (output, (h_n, c_n)). `input` is a tensor or a PackedSequence."""
        return self._run(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit: reset and update gates, no separate cell state.

    Takes the RNNBase arguments without `mode` and `proj_size`.

    Examples:
        >>> gru = GRU(4, 8, bidirectional=True)
        >>> out, h = gru(torch.zeros(5, 4))
        >>> out.shape, h.shape
        (torch.Size([5, 16]), torch.Size([2, 8]))
    """

    # Only LSTMs have a projection: proj_size is refused by name.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError(_NO_PROJ)
        super().__init__("GRU", *args, **kwargs)

    # See RNNBase._rank_error.
    _rank_error = "GRU: Expected input to be 2D or 3D, got {dim}D instead"

    def forward(self, input: Any, hx: torch.Tensor | None = None) -> tuple[Any, torch.Tensor]:
        """Return (output, h_n). `input` is a tensor or a PackedSequence."""
        return self._run(input, hx)


# ------------------------------------------------------------------
# Cells: one time step
# ------------------------------------------------------------------


class RNNCellBase(Module):
    """The weights of a single-step cell: `weight_ih`, `weight_hh`, and optionally two biases.

    A cell does one time step; you write the loop over time yourself.
    `num_chunks` is the number of gates stacked in each weight.
    """

    # One weight pair (and bias pair) with `num_chunks` gates stacked.
    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None, dtype: Any = None
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        # The same layout as one layer of the stacked RNN, without the
        # `_l0` suffix.
        self.weight_ih = Parameter(torch.empty((num_chunks * hidden_size, input_size), **factory_kwargs))
        self.weight_hh = Parameter(torch.empty((num_chunks * hidden_size, hidden_size), **factory_kwargs))
        # No bias still reserves the names, so `cell.bias_ih` is None.
        if bias:
            self.bias_ih = Parameter(torch.empty(num_chunks * hidden_size, **factory_kwargs))
            self.bias_hh = Parameter(torch.empty(num_chunks * hidden_size, **factory_kwargs))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        """The two sizes, then bias and nonlinearity only if not the default."""
        # RNNCell sets `nonlinearity` after this base __init__ runs, so it
        # is looked up in `__dict__` rather than assumed.
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    # Same init as the stacked layers.
    def reset_parameters(self) -> None:
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, name: str, input: torch.Tensor, hx: Any, op: Any, pair: bool = False) -> Any:
        """Check ranks, add a batch dimension if needed, run `op`, remove it again.

        `pair` is True for LSTMCell, whose state is (h, c); the others have one tensor.
        """
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = (hx if pair else (hx,)) if hx is not None else ()
        for index, value in enumerate(states):
            if value.dim() not in (1, 2):
                what = f"hx[{index}]" if pair else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {value.dim()}D instead")
        # An unbatched step gets a batch dimension of 1, input and states alike.
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
            states = tuple(s.unsqueeze(0) for s in states)
        # No state given: zeros (for the LSTM, h and c are the same tensor).
        if not states:
            zeros = torch.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
            states = (zeros, zeros) if pair else (zeros,)
        hx = states if pair else states[0]
        result = op(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if is_batched:
            return result
        return (result[0].squeeze(0), result[1].squeeze(0)) if pair else result.squeeze(0)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN, with tanh or relu.

    Examples:
        >>> cell = RNNCell(4, 8)
        >>> cell(torch.zeros(3, 4)).shape
        torch.Size([3, 8])
    """

    # One gate: weights of hidden_size rows.
    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(input_size, hidden_size, bias, num_chunks=1, **factory_kwargs)
        # Not checked here: an unknown name fails only when called.
        self.nonlinearity = nonlinearity

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        """Return h' for input (N, H_in) or (H_in,) and optional h."""
        ops = {"tanh": _VF.rnn_tanh_cell, "relu": _VF.rnn_relu_cell}
        # torch checks the ranks before the nonlinearity.
        op = ops.get(self.nonlinearity)
        if op is None:
            return self._step("RNNCell", input, hx, self._unknown_nonlinearity)
        return self._step("RNNCell", input, hx, op)

    def _unknown_nonlinearity(self, *args: Any) -> torch.Tensor:
        """Fail the way torch does for a nonlinearity other than tanh and relu."""
        raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")


class LSTMCell(RNNCellBase):
    """One step of an LSTM; the state is the pair (h, c).

    Examples:
        >>> cell = LSTMCell(4, 8)
        >>> h, c = cell(torch.zeros(3, 4))
        >>> h.shape, c.shape
        (torch.Size([3, 8]), torch.Size([3, 8]))
    """

    # Four gates: input, forget, cell, output.
    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(input_size, hidden_size, bias, num_chunks=4, **factory_kwargs)

    def forward(
        self, input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Return (h', c') for input (N, H_in) or (H_in,) and an optional (h, c)."""
        return self._step("LSTMCell", input, hx, _VF.lstm_cell, pair=True)


class GRUCell(RNNCellBase):
    """One step of a GRU.

    Examples:
        >>> cell = GRUCell(4, 8)
        >>> cell(torch.zeros(4)).shape
        torch.Size([8])
    """

    # Three gates: reset, update, new.
    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(input_size, hidden_size, bias, num_chunks=3, **factory_kwargs)

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        """Return h' for input (N, H_in) or (H_in,) and optional h."""
        return self._step("GRUCell", input, hx, _VF.gru_cell)
