"""`nn.utils.rnn`: pad and pack sequences of different lengths, for recurrent layers.

A batch of sentences has sentences of different lengths. Padding makes one
rectangular tensor (the short ones filled up); packing keeps only the real
steps, as `data` plus `batch_sizes` (how many sequences are still running at
each step), so an RNN does no work on the padding. No Module is involved:
this is tensor bookkeeping around two fused ops of torch (`_VF`).

Examples:
    >>> import torch
    >>> packed = pack_sequence([torch.ones(3), torch.ones(1)])
    >>> packed.batch_sizes
    tensor([2, 1, 1])
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# PackedSequence is a named tuple, as in torch.
from collections import namedtuple
from collections.abc import Iterable
from typing import Any

# The fused packing ops and tensor math.
import torch
from torch import _VF

# In torch's order.
__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "unpad_sequence", "pack_sequence", "unpack_sequence",
]


# A named tuple, so an RNN can unpack it in one line. `sorted_indices`
# orders the batch longest first (what the fused op needs);
# `unsorted_indices` puts results back in the caller's order.
class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """The real steps of a batch of sequences, longest first; made by `pack_padded_sequence`."""

    # No per-instance `__dict__`: like a plain tuple, it holds only its four fields.
    __slots__ = ()

    def __new__(
        cls,
        data: torch.Tensor,
        batch_sizes: torch.Tensor | None = None,
        sorted_indices: torch.Tensor | None = None,
        unsorted_indices: torch.Tensor | None = None,
    ) -> PackedSequence:
        """Fill in `unsorted_indices` from `sorted_indices` when it is not given."""
        # The inverse of the sort, computed once here.
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        # The fused ops read batch_sizes on the CPU, step by step.
        if batch_sizes is not None and batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be created "
                "manually. They should be instantiated by functions like pack_sequence and "
                "pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence"
            )
        # A tuple is built in `__new__`: its items cannot change afterwards.
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    # Moving or casting a packed batch moves its data and its index tensors;
    # batch_sizes stays on the CPU, where the fused ops read it.
    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """Return a copy with `data.to(*args, **kwargs)` (self if nothing changes)."""
        # `Tensor.to` returns the tensor itself when nothing changes.
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        # The indices follow the data's device but keep their integer dtype;
        # non_blocking and memory_format apply to them too. Parsing the
        # arguments as Module.to does also rejects what it rejects (copy=).
        _, _, non_blocking, memory_format = torch._C._nn._parse_to(*args, **kwargs)
        move = {"device": data.device, "non_blocking": non_blocking, "memory_format": memory_format}
        sorted_indices, unsorted_indices = (
            None if index is None else index.to(**move) for index in (self.sorted_indices, self.unsorted_indices)
        )
        # A new tuple: the old one is unchanged.
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    @property
    def is_cuda(self) -> bool:
        """Whether the data is on a CUDA device."""
        return self.data.is_cuda


def invert_permutation(permutation: torch.Tensor | None) -> torch.Tensor | None:
    """The permutation that undoes `permutation` (None stays None)."""
    # No sort was done, so there is nothing to undo.
    if permutation is None:
        return None
    # Position permutation[i] gets i.
    output = torch.empty_like(permutation, memory_format=torch.legacy_contiguous_format)
    output.scatter_(0, permutation, torch.arange(0, permutation.numel(), device=permutation.device))
    return output


def pack_padded_sequence(
    input: torch.Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch, given each sequence's length.

    With `enforce_sorted=False` the batch is sorted longest first here, and
    the result remembers how to put it back.
    """
    # Lengths are read on the CPU, as int64.
    if isinstance(lengths, torch.Tensor):
        lengths = lengths.to(dtype=torch.int64)
    else:
        lengths = torch.as_tensor(lengths, dtype=torch.int64, device="cpu")
    # Unsorted input: sort by length, longest first, and keep the order used.
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = torch.sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    # The fused op checks that lengths are sorted and not zero.
    data, batch_sizes = _VF._pack_padded_sequence(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Undo packing: return the padded batch and each sequence's length, in the caller's order."""
    # One step per entry of batch_sizes: the longest sequence's length.
    max_length = sequence.batch_sizes.size(0)
    # `total_length` pads further (e.g. to the length a model was built
    # for) but can never cut a sequence.
    if total_length is not None:
        if total_length < max_length:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, "
                f"but got total_length={total_length} and max sequence length being {max_length}"
            )
        max_length = total_length
    # The fused op writes each step's rows back into a padded tensor.
    padded, lengths = _VF._pad_packed_sequence(
        sequence.data, sequence.batch_sizes, batch_first, padding_value, max_length
    )
    # Back to the order the caller packed them in.
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(
    sequences: Any, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
) -> torch.Tensor:
    """Stack tensors of different lengths into one, filling the short ones with `padding_value`."""
    # Any iterable will do (a generator too): the fused op wants a tuple.
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}"
        )
    # The op checks the side and the shapes, with torch's own messages.
    return torch._C._nn.pad_sequence(tuple(sequences), batch_first, padding_value, padding_side)


def unpad_sequence(padded_sequences: torch.Tensor, lengths: torch.Tensor, batch_first: bool = False) -> list:
    """Cut a padded batch back into a list of tensors of the given lengths."""
    # Work batch first: row i is sequence i.
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    # A mask of the first `length` steps keeps the real ones.
    steps = torch.arange(padded_sequences.size(1), device=lengths.device)
    return [sequence[steps < length] for sequence, length in zip(padded_sequences, lengths)]


def pack_sequence(sequences: Any, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors of different lengths (pad, then pack)."""
    # Each tensor's first dim is its length.
    lengths = torch.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """Turn a PackedSequence back into the list of tensors it was made from."""
    # The reverse of pack_sequence: unpack to padded, then cut off the padding.
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
