"""Layers built on the clone's Module; the math comes from `torch.nn.functional`."""

from .linear import Identity, Linear

__all__ = ["Identity", "Linear"]
