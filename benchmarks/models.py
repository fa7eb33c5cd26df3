"""The models the benchmarks time, each written once for any backend.

Every builder takes `nn` (either `torch.nn` or `minitorch_module`), so the
same code builds the same model on both sides.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F


def mlp(nn: Any, depth: int = 100, width: int = 8) -> Any:
    """A deep, narrow MLP: `depth` Linear layers with a ReLU between them.

    The tensors are tiny, so the time of a call is almost all Module overhead.

    Example:
        >>> import minitorch_module
        >>> len(mlp(minitorch_module, depth=3, width=2))
        5
    """
    layers = [nn.Linear(width, width)]
    for _ in range(depth - 1):
        layers += [nn.ReLU(), nn.Linear(width, width)]
    return nn.Sequential(*layers)


def tree(nn: Any, n_modules: int) -> Any:
    """A two-level tree with about `n_modules` modules, each a tiny Linear.

    The root holds `sqrt(n)` ModuleLists, each holding `sqrt(n)` Linear(1, 1)
    layers, so the tree is both wide and deep enough to walk.

    Example:
        >>> import minitorch_module
        >>> len(list(tree(minitorch_module, 100).modules()))
        111
    """
    side = max(1, round(math.sqrt(n_modules)))
    root = nn.ModuleList()
    for _ in range(side):
        root.append(nn.ModuleList(nn.Linear(1, 1) for _ in range(side)))
    return root


@dataclass(frozen=True)
class GPTConfig:
    """The shape of a GPT-2 style model (the defaults are GPT-2 small)."""

    vocab: int = 50257
    context: int = 1024
    width: int = 768
    layers: int = 12
    heads: int = 12


# Tiny shapes for the smoke run and the tests.
TINY_GPT = GPTConfig(vocab=64, context=16, width=32, layers=2, heads=2)


# The model classes must subclass the backend's `Module`, so they are made
# once per backend inside this function. The cache makes `gpt2(nn)` return
# instances of the same classes every time.
@functools.cache
def _gpt_classes(nn: Any) -> tuple[type, type]:
    class Block(nn.Module):
        """One transformer block: attention, then an MLP, each with a residual."""

        def __init__(self, config: GPTConfig) -> None:
            super().__init__()
            self.heads = config.heads
            self.ln_1 = nn.LayerNorm(config.width)
            self.c_attn = nn.Linear(config.width, 3 * config.width)
            self.c_proj = nn.Linear(config.width, config.width)
            self.ln_2 = nn.LayerNorm(config.width)
            self.mlp = nn.Sequential(
                nn.Linear(config.width, 4 * config.width),
                nn.GELU(),
                nn.Linear(4 * config.width, config.width),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            batch, length, width = x.shape
            # Split into queries, keys and values, one slice per head.
            q, k, v = self.c_attn(self.ln_1(x)).split(width, dim=2)
            q, k, v = (t.view(batch, length, self.heads, -1).transpose(1, 2) for t in (q, k, v))
            attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.c_proj(attended.transpose(1, 2).reshape(batch, length, width))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        """Token and position embeddings, blocks, and an output layer."""

        def __init__(self, config: GPTConfig) -> None:
            super().__init__()
            self.wte = nn.Embedding(config.vocab, config.width)
            self.wpe = nn.Embedding(config.context, config.width)
            self.h = nn.ModuleList(Block(config) for _ in range(config.layers))
            self.ln_f = nn.LayerNorm(config.width)
            self.lm_head = nn.Linear(config.width, config.vocab, bias=False)
            # GPT-2 ties the output layer to the token embedding: one
            # parameter under two names.
            self.lm_head.weight = self.wte.weight

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            positions = torch.arange(tokens.shape[1])
            x = self.wte(tokens) + self.wpe(positions)
            for block in self.h:
                x = block(x)
            return self.lm_head(self.ln_f(x))

    return Block, GPT


def gpt2(nn: Any, config: GPTConfig = GPTConfig()) -> Any:
    """A GPT-2 shaped model; the default config has about 124M parameters.

    Example:
        >>> import minitorch_module
        >>> model = gpt2(minitorch_module, TINY_GPT)
        >>> model(torch.zeros(1, 4, dtype=torch.long)).shape
        torch.Size([1, 4, 64])
    """
    _, gpt_class = _gpt_classes(nn)
    return gpt_class(config)


@dataclass(frozen=True)
class SequenceConfig:
    """The shape of the two training-step models (defaults: word-LM and small-encoder sizes)."""

    vocab: int = 1000
    width: int = 256
    layers: int = 2
    heads: int = 4
    length: int = 35
    batch: int = 20


# Tiny shapes for the smoke run and the tests.
TINY_SEQUENCE = SequenceConfig(vocab=50, width=16, layers=2, heads=2, length=8, batch=4)


# As for GPT-2: one set of classes per backend, made once.
@functools.cache
def _sequence_classes(nn: Any) -> tuple[type, type]:
    class LSTMLanguageModel(nn.Module):
        """Embedding, stacked LSTM, and a decoder tied to the embedding."""

        def __init__(self, config: SequenceConfig) -> None:
            super().__init__()
            self.encoder = nn.Embedding(config.vocab, config.width)
            self.rnn = nn.LSTM(config.width, config.width, config.layers, dropout=0.2)
            self.decoder = nn.Linear(config.width, config.vocab)
            self.decoder.weight = self.encoder.weight

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            output, _ = self.rnn(self.encoder(tokens))
            return self.decoder(output)

    class EncoderClassifier(nn.Module):
        """Embedding, a TransformerEncoder (batch first), mean pooling, a linear head."""

        def __init__(self, config: SequenceConfig) -> None:
            super().__init__()
            self.embed = nn.Embedding(config.vocab, config.width)
            layer = nn.TransformerEncoderLayer(config.width, config.heads, 4 * config.width, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, config.layers)
            self.head = nn.Linear(config.width, 2)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.head(self.encoder(self.embed(tokens)).mean(dim=1))

    return LSTMLanguageModel, EncoderClassifier


def lstm_language_model(nn: Any, config: SequenceConfig = SequenceConfig()) -> Any:
    """An LSTM word language model with tied weights.

    Example:
        >>> import minitorch_module
        >>> model = lstm_language_model(minitorch_module, TINY_SEQUENCE)
        >>> model(torch.zeros(8, 4, dtype=torch.long)).shape
        torch.Size([8, 4, 50])
    """
    return _sequence_classes(nn)[0](config)


def encoder_classifier(nn: Any, config: SequenceConfig = SequenceConfig()) -> Any:
    """A transformer-encoder sequence classifier.

    Example:
        >>> import minitorch_module
        >>> model = encoder_classifier(minitorch_module, TINY_SEQUENCE)
        >>> model(torch.zeros(4, 8, dtype=torch.long)).shape
        torch.Size([4, 2])
    """
    return _sequence_classes(nn)[1](config)
