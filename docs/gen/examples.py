"""What the docs run at build time: small programs on both backends, and CLI commands.

A page runs them with markdown-exec (mkdocs.yml), in a code block that the
site replaces with what the block prints:

    ```python exec="1"
    from gen.examples import run_both
    print(run_both("forgot-super-init"))        # "zh" as a second argument on a Chinese page
    ```

- `run_both(NAME)` shows the program `PROGRAMS[NAME]` in two tabs (torch.nn,
  minitorch_module) with what it printed, and says whether both printed the same.
- `command('explain "nn.Linear(2, 3)" --format mermaid')` runs one command of
  the `minitorch-module` CLI in this process and shows its output: a Mermaid
  picture for `--format mermaid`, otherwise a text block that starts with the
  command, so a reader can run it too.

Both cache what they ran: the English and the Chinese page show the same run.
A program or command that fails stops the build (markdown-exec logs a
warning, and the build is strict), so the site never shows a broken example.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shlex
import textwrap
import traceback

import torch

from conformance.backends import clone_backend, torch_backend
from conformance.cli import main

from .translations import site

# Each program uses `nn` (the backend) and `torch`; it prints what it shows.
PROGRAMS: dict[str, str] = {
    "thirty-seconds": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        return self.fc(x).relu()

torch.manual_seed(0)
net = Net()
print(list(net.state_dict()))
net.to(torch.double)
print(net.fc.weight.dtype, net.steps.dtype)
print(net(torch.ones(1, 2, dtype=torch.double)))
""",
    "forgot-super-init": """
class Net(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)   # no super().__init__() first

try:
    Net()
except AttributeError as error:
    print("AttributeError:", error)
""",
    "list-of-modules": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2), nn.Linear(2, 2)]   # a plain list

net = Net()
print("parameters:", len(list(net.parameters())))
net.layers = nn.ModuleList(net.layers)
print("with ModuleList:", len(list(net.parameters())))
""",
    "lazy-sizes-after-first-batch": """
net = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1))
opt = torch.optim.SGD(net.parameters(), lr=0.1)   # before any batch
print(net[0].weight)
try:
    print(sum(p.numel() for p in net.parameters()))
except ValueError as error:
    print("ValueError:", str(error)[:58], "...")
net(torch.zeros(1, 3))   # one dummy batch fixes every size
print(sum(p.numel() for p in net.parameters()))
print(opt.param_groups[0]["params"][0] is net[0].weight, type(net[0]).__name__)
""",
    "dict-of-modules": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = {"a": nn.Linear(2, 2)}   # a plain dict

net = Net()
print(list(net.state_dict()))
net.heads = nn.ModuleDict(net.heads)
print(list(net.state_dict()))
""",
    "plain-tensor-not-moved": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.ones(2)                    # plain attribute
        self.register_buffer("shift", torch.ones(2))  # buffer

net = Net().to(torch.double)
print("scale:", net.scale.dtype, "shift:", net.shift.dtype)
""",
    "stale-buffer-reference": """
net = nn.BatchNorm1d(2)
mean = net.running_mean          # keep a reference
net.to(torch.double)
print(mean is net.running_mean, mean.dtype, net.running_mean.dtype)
""",
    "shared-parameters": """
a = nn.Linear(2, 2)
net = nn.Sequential(a, a)       # the same layer twice
print("parameters():", len(list(net.parameters())))
print("state_dict keys:", list(net.state_dict()))
""",
    "module-prefix": """
net = nn.Linear(2, 2)
wrapped = {"module." + k: v for k, v in net.state_dict().items()}  # as saved by DataParallel
try:
    nn.Linear(2, 2).load_state_dict(wrapped)
except RuntimeError as error:
    print("RuntimeError:", error)
fixed = {k.removeprefix("module."): v for k, v in wrapped.items()}
print(nn.Linear(2, 2).load_state_dict(fixed))
""",
    "strict-and-sizes": """
small, big = nn.Linear(2, 2), nn.Linear(2, 3)
print(big.load_state_dict({"weight": big.weight.detach()}, strict=False))
try:
    big.load_state_dict(small.state_dict())
except RuntimeError as error:
    print("RuntimeError:", error)
""",
    "half-skips-integer-buffers": """
net = nn.BatchNorm1d(2).half()
print(net.weight.dtype, net.running_mean.dtype, net.num_batches_tracked.dtype)
""",
    "eval-is-not-no-grad": """
net = nn.Linear(2, 1).eval()
y = net(torch.ones(1, 2))
print("training:", net.training, "requires_grad:", y.requires_grad)
with torch.no_grad():
    print("under no_grad:", net(torch.ones(1, 2)).requires_grad)
""",
    "plain-tensor-into-parameter": """
net = nn.Linear(2, 2)
try:
    net.weight = torch.zeros(2, 2)
except TypeError as error:
    print("TypeError:", error)
net.weight = nn.Parameter(torch.zeros(2, 2))
print(type(net.weight).__name__)
""",
    "forward-skips-hooks": """
net = nn.Linear(2, 2)
net.register_forward_hook(lambda m, args, out: print("hook ran"))
net(torch.ones(1, 2))
net.forward(torch.ones(1, 2))   # no hook
print("done")
""",
    "property-raising-attribute-error": """
class Net(nn.Module):
    @property
    def size(self):
        return self.missing   # a bug inside the property

try:
    Net().size
except AttributeError as error:
    print("AttributeError:", error)
""",
    "to-double": """
net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
net.to(torch.double)        # floating point tensors only
print(net[0].weight.dtype, net[1].running_mean.dtype, net[1].num_batches_tracked.dtype)
""",
    "parameters-is-a-generator": """
net = nn.Linear(2, 2)
params = net.parameters()
print(len(list(params)))
print(len(list(params)))   # already used up
""",
}


def run_program(code: str, nn: object) -> str:
    """Run `code` with `nn` bound; return what it printed (errors included)."""
    out = io.StringIO()
    torch.manual_seed(0)
    with contextlib.redirect_stdout(out):
        try:
            exec(textwrap.dedent(code), {"nn": nn, "torch": torch, "__name__": "example"})
        except Exception:  # noqa: BLE001 - shown on the page, like a terminal would
            print(traceback.format_exc(limit=0).strip())
    return out.getvalue().rstrip()


@functools.lru_cache(maxsize=None)
def program_outputs(name: str) -> dict[str, str]:
    """What one program prints on each backend; run once, shared by both languages."""
    code = textwrap.dedent(PROGRAMS[name]).strip()
    return {
        "torch.nn": run_program(code, torch_backend().nn),
        "minitorch_module": run_program(code, clone_backend().nn),
    }


def run_both(name: str, lang: str = "en") -> str:
    """Markdown: program `name` and its output on each backend, in tabs, and a verdict."""
    code = textwrap.dedent(PROGRAMS[name]).strip()
    outputs = program_outputs(name)
    parts = []
    output_word = site("Output:", lang)
    for label, output in outputs.items():
        imports = "import torch\n" + ("import torch.nn as nn" if label == "torch.nn" else "import minitorch_module as nn")
        parts.append(
            f'=== "{label}"\n\n'
            + textwrap.indent(f"```python\n{imports}\n\n{code}\n```\n\n{output_word}\n\n```text\n{output}\n```", "    ")
        )
    same = len(set(outputs.values())) == 1
    # Both verdicts are looked up, so extraction finds both texts.
    verdicts = (f'!!! success "{site("Same output on both backends", lang)}"', f'!!! failure "{site("The outputs differ", lang)}"')
    verdict = verdicts[0] if same else verdicts[1]
    return "\n\n".join(parts) + f"\n\n{verdict}\n    {site('Produced when this page was built.', lang)}\n"


class CommandFailed(RuntimeError):
    """A CLI command of a page failed: the build stops."""


def run_command(argv: list[str]) -> str:
    """Run one CLI command in this process and return what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse exits on a bad option
            code = exit_.code
    if code != 0:
        raise CommandFailed(f"minitorch-module {shlex.join(argv)} failed ({code}): {err.getvalue().strip()}")
    return out.getvalue().rstrip()


@functools.lru_cache(maxsize=None)
def command(args_text: str) -> str:
    """Markdown: the output of `minitorch-module <args_text>`, as a picture or a text block."""
    argv = shlex.split(args_text)
    output = run_command(argv)
    if "mermaid" in argv and argv[argv.index("mermaid") - 1] == "--format":
        return f"```mermaid\n{output}\n```"
    return f"```text\n$ minitorch-module {args_text}\n{output}\n```"


def exec_block(call: str) -> str:
    """A markdown-exec block that prints `call` (for the generated pages)."""
    return f'```python exec="1"\nfrom gen.examples import command, run_both\nprint({call})\n```'
