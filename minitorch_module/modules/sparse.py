"""Embedding: a lookup table from integer ids to learned vectors."""

# Annotations stay as text (they are only read by people and tools).
from __future__ import annotations

# `Any` for the device and dtype arguments.
from typing import Any

# The lookup and the initial values come from torch.
import torch
import torch.nn.functional as F
from torch.nn import init

# Our Module and Parameter hold the table.
from .module import Module
from ..parameter import Parameter

# The public layer of this file.
__all__ = ["Embedding"]


class Embedding(Module):
    """Map each id in `input` to row `id` of `weight` (num_embeddings x embedding_dim).

    `padding_idx` marks one row that starts at zero and gets no gradient.

    Examples:
        >>> import torch
        >>> emb = Embedding(10, 3)
        >>> emb(torch.tensor([1, 2])).shape
        torch.Size([2, 3])
    """

    # The table is num_embeddings rows of embedding_dim numbers. The
    # underscore arguments are torch's private way to pass a ready table.
    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: torch.Tensor | None = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        # The settings are plain attributes; forward passes them to F.embedding.
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = self._checked_padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        # `_weight` lets `from_pretrained`-style code pass a ready table.
        if _weight is None:
            self.weight = Parameter(
                torch.empty((num_embeddings, embedding_dim), **factory_kwargs), requires_grad=not _freeze
            )
            self.reset_parameters()
        # A given table must have the declared shape; it is used as is.
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        # Set last, as torch does (after the table exists).
        self.sparse = sparse

    @staticmethod
    def _checked_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
        """Check `padding_idx` is a row of the table; turn a negative one positive."""
        # -1 means the last row, as in Python indexing.
        if padding_idx is None:
            return None
        if (padding_idx > 0 and padding_idx >= num_embeddings) or padding_idx < -num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        return num_embeddings + padding_idx if padding_idx < 0 else padding_idx

    def reset_parameters(self) -> None:
        """Draw every row from N(0, 1), then zero the padding row."""
        init.normal_(self.weight)
        # In-place writes to a parameter that requires grad are only
        # allowed under `no_grad` (outside autograd).
        if self.padding_idx is not None:
            with torch.no_grad():
                self.weight[self.padding_idx].fill_(0)

    # max_norm, if set, rescales the looked-up rows IN PLACE in weight.
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.embedding(
            input, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse
        )

    # Only the settings that differ from the default are printed.
    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        # The two gradient options come last.
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: torch.Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> "Embedding":
        """Build an Embedding around a ready table (e.g. word vectors); frozen by default.

        The table is used as the weight directly, not copied, and no random
        numbers are drawn.
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        # The table's shape gives the two sizes; `_freeze` sets requires_grad.
        rows, cols = embeddings.shape
        return cls(
            num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze, padding_idx=padding_idx,
            max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
        )


# ------------------------------------------------------------------
# EmbeddingBag: look up a bag of ids and reduce it to one vector
# ------------------------------------------------------------------

# A bag of words, summed or averaged without building the big
# (ids, dim) tensor first.
__all__ += ["EmbeddingBag"]


class EmbeddingBag(Module):
    """Look up each bag of ids and reduce it with `mode` ("sum", "mean" or "max").

    Bags come either as rows of a 2-D input, or as one flat 1-D input cut
    into bags by `offsets` (where each bag starts).

    Examples:
        >>> import torch
        >>> bag = EmbeddingBag(10, 3, mode="sum")
        >>> bag(torch.tensor([1, 2, 4, 5]), torch.tensor([0, 2])).shape
        torch.Size([2, 3])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: torch.Tensor | None = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        """Store the settings, check padding_idx, then create or wrap the table."""
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        # Same range rule as Embedding, but torch's message starts lowercase here.
        if padding_idx is not None:
            if (padding_idx > 0 and padding_idx >= num_embeddings) or padding_idx < -num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            if padding_idx < 0:
                padding_idx = num_embeddings + padding_idx
        self.padding_idx = padding_idx
        # A given table is wrapped as is; unlike Embedding, no `_freeze` argument.
        if _weight is None:
            self.weight = Parameter(torch.empty((num_embeddings, embedding_dim), **factory_kwargs))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self) -> None:
        """Draw every row from N(0, 1), then zero the padding row."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        """The padding row is all zeros, so it adds nothing to a bag."""
        if self.padding_idx is not None:
            with torch.no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(
        self,
        input: torch.Tensor,
        offsets: torch.Tensor | None = None,
        per_sample_weights: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """input: (B, N) bags, or a flat 1-D tensor with `offsets`."""
        # per_sample_weights scales each id before a "sum" (only "sum" allows it).
        return F.embedding_bag(
            input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq, self.mode,
            self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx,
        )

    def extra_repr(self) -> str:
        """Only the settings that differ from the default, and always the mode."""
        # Torch prints the values with repr() here, so mode shows as 'mean'.
        s = f"{self.num_embeddings!r}, {self.embedding_dim!r}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        # The mode is always shown, even the default.
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: torch.Tensor,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> "EmbeddingBag":
        """Build an EmbeddingBag around a ready table; frozen by default."""
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        # The table's shape gives the two sizes.
        rows, cols = embeddings.shape
        bag = cls(
            num_embeddings=rows, embedding_dim=cols, _weight=embeddings, max_norm=max_norm, norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq, mode=mode, sparse=sparse,
            include_last_offset=include_last_offset, padding_idx=padding_idx,
        )
        # Freezing comes after construction here: there is no `_freeze` argument.
        bag.weight.requires_grad = not freeze
        return bag
