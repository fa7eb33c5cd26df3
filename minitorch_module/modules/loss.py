"""Loss functions as modules: CrossEntropyLoss, MSELoss, BCELoss and friends.

A loss is a Module like any other: it can sit in a model, it shows up in
`repr`, and `.to()` moves its tensors. Most losses hold no tensors at all,
only settings such as `reduction`. The math is in `torch.nn.functional`;
what is taught here is the small class tree that every loss shares.

Examples:
    >>> import torch
    >>> loss_fn = CrossEntropyLoss()
    >>> loss_fn(torch.zeros(2, 3), torch.tensor([0, 2]))
    tensor(1.0986)
"""

# Type hints are not evaluated when the file runs.
from __future__ import annotations

# math.prod sizes LinearCrossEntropyLoss; warnings serve the legacy flags.
import math
import warnings
from typing import Any, Callable

# Tensors, and the functional ops that do each layer's math.
import torch
import torch.nn.functional as F
from typing_extensions import deprecated

# The clone's own Module (never torch's).
from .module import Module

# Two losses own a layer: TripletMarginWithDistanceLoss and LinearCrossEntropyLoss.
from .distance import PairwiseDistance
from .linear import Linear

# The names torch.nn gives these classes, in the order of torch's file.
__all__ = [
    "L1Loss", "NLLLoss", "NLLLoss2d", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss", "MSELoss", "BCELoss",
    "BCEWithLogitsLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "SmoothL1Loss", "HuberLoss",
    "SoftMarginLoss", "CrossEntropyLoss", "LinearCrossEntropyLoss", "MultiLabelSoftMarginLoss",
    "CosineEmbeddingLoss", "MarginRankingLoss", "MultiMarginLoss", "TripletMarginLoss",
    "TripletMarginWithDistanceLoss", "CTCLoss",
]


# ------------------------------------------------------------------
# The shared base: reduction, and weight as a buffer
# ------------------------------------------------------------------


def _legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """Turn the old `size_average`/`reduce` flags into a `reduction` string.

    Old code (before torch 0.4.1) said `size_average=False` to get a sum.
    Torch still accepts the two flags, warns, and maps them like this.
    """
    # A flag left out counts as True, the old default.
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    # reduce=False wins: one loss per element, whatever size_average says.
    if not reduce:
        reduction = "none"
    else:
        reduction = "mean" if size_average else "sum"
    # Torch's warning points at the loss base's __init__ (stacklevel=2).
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
        stacklevel=2,
    )
    return reduction


class _Loss(Module):
    """The base of every loss: it only stores how to reduce the per-element losses.

    `reduction` is "mean" (the default), "sum" or "none" (keep one loss per
    element). It is not checked here: a wrong value fails in the first call,
    inside `torch.nn.functional`, with torch's own message.
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        """Store `reduction`; the two legacy flags, if given, decide it instead."""
        super().__init__()
        # The legacy flags, when given, override `reduction` entirely.
        if size_average is not None or reduce is not None:
            self.reduction = _legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with an optional per-class `weight` tensor, kept as a buffer.

    A buffer, not a parameter: the weight is not learned, but it must move
    with `.to()` / `.cuda()` and be saved in the state_dict. When it is None
    the buffer slot still exists, so `state_dict()` simply leaves it out.
    """

    def __init__(
        self, weight: torch.Tensor | None = None, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        """Set the reduction, then register `weight` (None is allowed) as a buffer."""
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


# ------------------------------------------------------------------
# Regression losses: compare numbers with numbers
# ------------------------------------------------------------------


class L1Loss(_Loss):
    """Mean absolute error: |input - target|, then reduced.

    Examples:
        >>> import torch
        >>> L1Loss()(torch.tensor([1.0, 3.0]), torch.tensor([2.0, 2.0]))
        tensor(1.)
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compare input and target of the same shape; the reduction decides the result's shape."""
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error: (input - target) ** 2, then reduced.

    Examples:
        >>> import torch
        >>> MSELoss()(torch.tensor([1.0, 3.0]), torch.tensor([2.0, 2.0]))
        tensor(1.)
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Compare input and target of the same shape; squaring punishes big errors most."""
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error near zero, absolute error beyond `beta`: robust to outliers."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean", beta: float = 1.0) -> None:
        """`beta` is where the squared part ends and the absolute part begins."""
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Element-wise loss, then reduced."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Like SmoothL1Loss but scaled by `delta` (HuberLoss = delta * SmoothL1Loss(beta=delta)).

    Newer than the legacy flags, so it takes no `size_average`/`reduce`.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        """Check `delta`, then store it; `reduction` is passed by keyword."""
        # Torch checks the type before building the module at all.
        if not isinstance(delta, (float, int)):
            raise TypeError(f"delta must be a float or int, got: {type(delta)}")
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Element-wise loss, then reduced."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class PoissonNLLLoss(_Loss):
    """Negative log likelihood of counts under a Poisson distribution.

    By default the input is the log of the rate (`log_input=True`), which
    keeps the rate positive without any clamping.
    """

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: Any = None,
        eps: float = 1e-8,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        """`full` adds the Stirling term; `eps` avoids log(0) when log_input=False."""
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The first argument is named `log_input`, like the flag, as in torch."""
        return F.poisson_nll_loss(
            log_input, target, log_input=self.log_input, full=self.full, eps=self.eps, reduction=self.reduction
        )


class GaussianNLLLoss(_Loss):
    """Negative log likelihood of the target under N(input, var); the model predicts var too.

    Its arguments are keyword-only: it came after the legacy flags.
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        """`eps` clamps the variance from below, so the log stays finite."""
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: torch.Tensor, target: torch.Tensor, var: torch.Tensor | float) -> torch.Tensor:
        """`var` is a tensor (per element or per sample) or one float."""
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence; the input must be LOG-probabilities.

    Torch warns that reduction="mean" averages over every element, which is
    not the true KL divergence; "batchmean" is the one that matches the math.
    """

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean", log_target: bool = False
    ) -> None:
        """`log_target=True` says the target is given as log-probabilities too."""
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: log-probabilities; target: probabilities (or log-probabilities)."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


# ------------------------------------------------------------------
# Classification losses: scores against class labels
# ------------------------------------------------------------------


class NLLLoss(_WeightedLoss):
    """Negative log likelihood: pick -input[target] for each sample.

    The input must already be log-probabilities (e.g. from LogSoftmax).
    Targets equal to `ignore_index` count for nothing, not even in the mean.
    """

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        """The argument order is torch's: the legacy flags sit between the others."""
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: (N, C) log-probabilities; target: (N,) class indices."""
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


# Torch marks the whole class deprecated with the standard `deprecated`
# decorator: building one warns (FutureWarning), and the class's signature
# becomes (*args, **kwargs), as torch's shows.
@deprecated(
    "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
    "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.",
    category=FutureWarning,
)
class NLLLoss2d(NLLLoss):
    """The old name of NLLLoss for images."""

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        """Exactly NLLLoss's arguments."""
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class CrossEntropyLoss(_WeightedLoss):
    """LogSoftmax and NLLLoss in one step, on raw scores (logits).

    The target is either class indices (int64) or class probabilities
    (floats, same shape as the input). `label_smoothing` moves a little of
    each target's probability onto the other classes.

    Examples:
        >>> import torch
        >>> CrossEntropyLoss(reduction="none")(torch.zeros(2, 4), torch.tensor([1, 3]))
        tensor([1.3863, 1.3863])
    """

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        """Same arguments as NLLLoss, plus `label_smoothing` at the end."""
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: (N, C) raw scores; target: (N,) indices or (N, C) probabilities."""
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross entropy on probabilities (after a Sigmoid).

    Here `weight` scales each element of the batch, not each class.
    """

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: probabilities in [0, 1]; target: same shape, also in [0, 1]."""
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and BCELoss in one step, on raw scores: more stable than the two apart.

    Two optional buffers: `weight` (per element, as in BCELoss) and
    `pos_weight` (per class, to weigh positive examples more).
    """

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: torch.Tensor | None = None,
    ) -> None:
        """Set the reduction, then register the two optional tensors as buffers."""
        # Not a _WeightedLoss: torch registers both buffers here by hand.
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: raw scores; target: same shape, values in [0, 1]."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """One binary (sigmoid) loss per class, averaged over the classes: multi-label targets."""

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: (N, C) scores; target: (N, C) of 0 and 1."""
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss, log(1 + exp(-target * input)), targets are 1 or -1."""

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input and target have the same shape."""
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """A hinge loss for multi-label targets given as class indices, ended by -1."""

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """target holds class indices; the first -1 ends each sample's list."""
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """A multi-class hinge loss (as in an SVM); `p` is 1 or 2."""

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: torch.Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        """Register the weight, then check `p` and the weight's shape."""
        # Torch registers the weight first, then checks the arguments.
        super().__init__(weight, size_average, reduce, reduction)
        if p != 1 and p != 2:
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: (N, C) scores; target: (N,) class indices."""
        return F.multi_margin_loss(
            input, target, p=self.p, margin=self.margin, weight=self.weight, reduction=self.reduction
        )


class LinearCrossEntropyLoss(_WeightedLoss):
    """A Linear layer and CrossEntropyLoss fused, so the big logits matrix is never built.

    The Linear is a real submodule (`self.linear`), so its weight is in the
    state_dict under `linear.weight`. `weight` (per-class) stays a buffer.
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device: Any = None,
        dtype: Any = None,
        reduction: str = "mean",
        weight: torch.Tensor | None = None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: Any = None,
    ) -> None:
        """Check the arguments, then build the Linear submodule that holds the class weights."""
        # Both checks come before the module exists, with torch's RuntimeError.
        if weight is not None and weight.shape != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight=weight, size_average=None, reduce=None, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # One output row per (class, *out_features) combination.
        rows = math.prod(out_features, start=num_classes)
        self.linear = Linear(in_features, rows, bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: (N, in_features) features, not scores: the Linear is inside the loss."""
        # The fused kernel wants the class axis first, then the extra output axes.
        weight = self.linear.weight.reshape((self.num_classes, *self.out_features, self.linear.in_features))
        bias = self.linear.bias
        if bias is not None:
            bias = bias.reshape((self.num_classes, *self.out_features))
        # Two weights here: the Linear's (`weight`) and the per-class one (`self.weight`).
        return F.linear_cross_entropy(
            input, weight, target, linear_bias=bias, weight=self.weight, reduction=self.reduction,
            ignore_index=self.ignore_index, label_smoothing=self.label_smoothing, options=self.options,
        )

    def extra_repr(self) -> str:
        """Every setting, in torch's order."""
        # Unlike the other losses, this one prints every setting.
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
            f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}, options={self.options}"
        )


# ------------------------------------------------------------------
# Ranking and embedding losses: compare two or three inputs
# ------------------------------------------------------------------


class _MarginLoss(_Loss):
    """Shared __init__ of the losses whose only setting is a `margin`.

    Torch writes the same four lines in each of them; here one base serves.
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        """Set the reduction and store the margin."""
        super().__init__(size_average, reduce, reduction)
        self.margin = margin


class HingeEmbeddingLoss(_MarginLoss):
    """Loss for "are these similar?" labels (1 or -1) given a distance as input."""

    def __init__(self, margin: float = 1.0, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        """Same as the other margin losses but with margin 1.0 by default."""
        # The only difference from its siblings: the default margin is 1.
        super().__init__(margin, size_average, reduce, reduction)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """input: distances; target: 1 (similar) or -1 (dissimilar)."""
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_MarginLoss):
    """Pull pairs with target 1 together (cosine 1), push pairs with -1 apart (below margin)."""

    def forward(self, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Two batches of vectors and one label per pair."""
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_MarginLoss):
    """Target 1 means input1 should rank above input2 by at least `margin`; -1 the reverse."""

    def forward(self, input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Two batches of scores and one label per pair."""
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


def _check_triplet_margin(owner: str, margin: float) -> None:
    """Both triplet losses refuse a margin that is not positive, naming themselves."""
    if margin <= 0:
        raise ValueError(f"{owner}: expected margin to be greater than 0, got {margin} instead")


class TripletMarginLoss(_Loss):
    """The anchor should be closer to the positive than to the negative, by `margin` (p-norm distance)."""

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        """Set the reduction, check the margin, then store the distance settings."""
        super().__init__(size_average, reduce, reduction)
        _check_triplet_margin("TripletMarginLoss", margin)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
        """Three batches of embeddings of the same shape."""
        return F.triplet_margin_loss(
            anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps, swap=self.swap,
            reduction=self.reduction,
        )


class TripletMarginWithDistanceLoss(_Loss):
    """TripletMarginLoss with any distance function; by default a PairwiseDistance module.

    That default is a real submodule, so it shows in the repr as
    `(distance_function): PairwiseDistance()`. A plain function does not.
    """

    def __init__(
        self,
        *,
        distance_function: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        """Keyword-only arguments; the default distance is built here."""
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        _check_triplet_margin("TripletMarginWithDistanceLoss", margin)
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> torch.Tensor:
        """Three batches of embeddings, compared with `distance_function`."""
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function, margin=self.margin,
            swap=self.swap, reduction=self.reduction,
        )


# ------------------------------------------------------------------
# Sequence losses
# ------------------------------------------------------------------


class CTCLoss(_Loss):
    """Connectionist temporal classification: align an unsegmented sequence with its labels.

    `blank` is the class index of "no label here". `zero_infinity` turns
    the infinite loss of an impossible alignment into 0.
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        """CTC takes no legacy flags: it is newer than them."""
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(
        self, log_probs: torch.Tensor, targets: torch.Tensor, input_lengths: torch.Tensor, target_lengths: torch.Tensor
    ) -> torch.Tensor:
        """log_probs: (T, N, C); the two length tensors say how much of each sequence is real."""
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity)
