"""`nn.utils.rnn`: torch's helpers to pad and pack sequences of different lengths.

They build tensors (and PackedSequence, a named tuple of tensors) for
recurrent layers; no Module is involved, so they are re-exported as is.
"""

# The whole public list of torch.nn.utils.rnn.
from torch.nn.utils.rnn import PackedSequence, invert_permutation, pack_padded_sequence, pack_sequence
from torch.nn.utils.rnn import pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence

# In torch's order.
__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
    "unpad_sequence", "pack_sequence", "unpack_sequence",
]
