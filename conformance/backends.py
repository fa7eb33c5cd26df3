"""Backends: the namespaces that scenarios receive as `nn`.

A scenario never imports torch.nn or the clone. It gets a backend's `nn`, so
the same code runs on torch.nn, on `minitorch_module`, and on a student's copy
loaded from a folder.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .normalize import normalize_text, package_pattern


class ChainedNamespace:
    """Look up a name in several modules in turn; the first that has it wins."""

    def __init__(self, *modules: ModuleType) -> None:
        self._modules = modules

    def __getattr__(self, name: str) -> Any:
        for module in self._modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"backend has no attribute '{name}'")


@dataclass
class Backend:
    """One implementation of torch.nn that scenarios can run on."""

    name: str
    nn: Any
    # Package names that this backend's class paths start with.
    packages: list[str]
    # The modules whose `_global_*` hook dicts are cleared after each scenario.
    hook_state: list[ModuleType] = field(default_factory=list)

    def normalize(self, text: str) -> str:
        return normalize_text(text, [package_pattern(p) for p in self.packages])

    def reset_global_state(self) -> None:
        """Clear global hooks, so a scenario that leaks one cannot break the next."""
        for module in self.hook_state:
            for name, value in vars(module).items():
                if name.startswith("_global_") and isinstance(value, (dict, OrderedDict)):
                    value.clear()
            if hasattr(module, "_global_is_full_backward_hook"):
                module._global_is_full_backward_hook = None


def torch_backend() -> Backend:
    import torch.nn
    import torch.nn.modules.module as torch_module
    import torch.utils.hooks as torch_hooks

    # Global hook functions and RemovableHandle are not in `torch.nn` itself.
    nn = ChainedNamespace(torch.nn, torch_module, torch_hooks)
    return Backend("torch", nn, ["torch.nn", "torch.utils.hooks"], [torch_module])


def clone_backend() -> Backend:
    import minitorch_module
    from minitorch_module import hooks

    # Error messages copy torch's text, which names "torch.nn.Parameter":
    # normalize that the same way on both sides.
    return Backend("clone", minitorch_module, ["minitorch_module", "torch.nn"], [hooks])


def folder_backend(folder: str | Path) -> Backend:
    """Load the package in `folder` (a copy of minitorch_module) as a backend.

    The copy is imported under a unique name, so it can live next to the
    installed clone in one process. It must use relative imports inside.
    """
    package_dir = Path(folder).resolve()
    if (package_dir / "minitorch_module" / "__init__.py").is_file():
        package_dir = package_dir / "minitorch_module"
    init_file = package_dir / "__init__.py"
    if not init_file.is_file():
        raise FileNotFoundError(f"no Python package found in {folder} (looked for __init__.py)")
    digest = hashlib.sha1(str(package_dir).encode()).hexdigest()[:8]
    alias = f"student_copy_{digest}"
    if alias not in sys.modules:
        spec = importlib.util.spec_from_file_location(alias, init_file, submodule_search_locations=[str(package_dir)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[alias] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[alias]
            raise
    package = sys.modules[alias]
    hook_state = [sys.modules[f"{alias}.hooks"]] if f"{alias}.hooks" in sys.modules else []
    return Backend(f"copy:{folder}", package, [alias, "torch.nn"], hook_state)


def get_backend(spec: str) -> Backend:
    """`torch`, `clone`, or the path of a folder holding a copy of the package."""
    if spec == "torch":
        return torch_backend()
    if spec == "clone":
        return clone_backend()
    return folder_backend(spec)
