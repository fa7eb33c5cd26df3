"""Real models: one definition, built on both backends, loaded with torch's weights, trained.

Each model builder takes the backend `nn` and returns a model. A scenario
builds the same architecture with real `torch.nn` from a fixed seed, loads
that state_dict into the backend's model (torch-into-torch on one side,
torch-into-clone on the other) and records everything: init values, keys
and shapes, repr, eval outputs, and the losses of a few training steps.
"""

import math
from collections import OrderedDict

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario

# ------------------------------------------------------------------ models


def mlp(nn):
    """A two-hidden-layer perceptron with dropout."""
    return nn.Sequential(
        OrderedDict(
            [
                ("fc1", nn.Linear(8, 16)),
                ("act1", nn.ReLU()),
                ("drop", nn.Dropout(0.2)),
                ("fc2", nn.Linear(16, 16)),
                ("act2", nn.GELU()),
                ("head", nn.Linear(16, 3)),
            ]
        )
    )


def lenet(nn):
    """A LeNet-style CNN for 1x16x16 images."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.Tanh(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(8 * 3 * 3, 16),
        nn.Sigmoid(),
        nn.Linear(16, 3),
    )


def resnet(nn):
    """A tiny ResNet: stem, two basic blocks (one downsampling), pool, head."""

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + self.shortcut(x))

    class ResNet(nn.Module):
        def __init__(self, classes=3):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
            self.layers = nn.Sequential(BasicBlock(4, 4), BasicBlock(4, 8, stride=2))
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(8, classes)

        def forward(self, x):
            x = self.pool(self.layers(self.stem(x)))
            return self.fc(torch.flatten(x, 1))

    return ResNet()


def gpt(nn, vocab=50, width=32, heads=4, blocks=2, context=16):
    """A GPT-2-style language model: token + position embeddings, pre-norm blocks, tied head."""

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(width, 3 * width)
            self.c_proj = nn.Linear(width, width)
            self.resid_dropout = nn.Dropout(0.1)

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.c_attn(x).split(width, dim=2)
            q, k, v = (z.view(b, t, heads, c // heads).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(b, t, c)
            return self.resid_dropout(self.c_proj(y))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(width)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(width)
            self.mlp = nn.ModuleDict(
                {"c_fc": nn.Linear(width, 4 * width), "act": nn.GELU("tanh"), "c_proj": nn.Linear(4 * width, width)}
            )

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            m = self.mlp
            return x + m["c_proj"](m["act"](m["c_fc"](self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = nn.ModuleDict(
                dict(
                    wte=nn.Embedding(vocab, width),
                    wpe=nn.Embedding(context, width),
                    drop=nn.Dropout(0.1),
                    h=nn.ModuleList([Block() for _ in range(blocks)]),
                    ln_f=nn.LayerNorm(width),
                )
            )
            self.lm_head = nn.Linear(width, vocab, bias=False)
            # Weight tying: the output layer shares the token embedding.
            self.transformer.wte.weight = self.lm_head.weight
            self.apply(self._init_weights)
            # GPT-2 scales the residual projections by 1/sqrt(2 * blocks).
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):
                    torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * blocks))

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    torch.nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx):
            t = self.transformer
            pos = torch.arange(idx.shape[1])
            x = t.drop(t.wte(idx) + t.wpe(pos))
            for block in t.h:
                x = block(x)
            return self.lm_head(t.ln_f(x))

    return GPT()


def gpt_with_mha(nn, width=32, heads=4, blocks=2):
    """A transformer block stack that uses the library MultiheadAttention."""

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(width)
            self.attn = nn.MultiheadAttention(width, heads, dropout=0.1, batch_first=True)
            self.ln_2 = nn.LayerNorm(width)
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width), nn.Dropout(0.1))

        def forward(self, x):
            t = x.shape[1]
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
            h = self.ln_1(x)
            x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
            return x + self.mlp(self.ln_2(x))

    return nn.Sequential(*[Block() for _ in range(blocks)], nn.RMSNorm(width))


# ------------------------------------------------------------------ checks


def _load_torch_weights(nn, see, build):
    """Build the model on `nn` and load the weights of a real torch.nn copy into it."""
    model = build(nn)
    # Same seed -> same init: the backend's own draws must equal torch's.
    see({k: v for k, v in model.state_dict().items()})
    torch.manual_seed(123)
    reference = build(tnn)
    see(model.load_state_dict(reference.state_dict()))
    see({k: tuple(v.shape) for k, v in model.state_dict().items()})
    see.repr(model)
    return model


def _eval_output(see, model, x):
    """Record the eval-mode output (no dropout, running statistics)."""
    model.eval()
    see(model(x))


def _train(see, model, make_batch, loss_fn, optimizer, steps=3):
    """Record the loss of each of a few training steps."""
    model.train()
    for _ in range(steps):
        x, y = make_batch()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        see(loss)


def _classification_batch(shape, classes=3):
    """Return a function that makes a random (inputs, labels) batch."""
    return lambda: (torch.randn(*shape), torch.randint(0, classes, (shape[0],)))


@scenario("models", methods=("load_state_dict",))
def mlp_loads_torch_weights_and_trains_the_same(nn, see):
    """MLP: same init, torch's weights load, same eval output, same SGD losses."""
    model = _load_torch_weights(nn, see, mlp)
    _eval_output(see, model, torch.randn(4, 8))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    _train(see, model, _classification_batch((6, 8)), F.cross_entropy, opt)
    see(dict(model.named_parameters()))


@scenario("models", methods=("load_state_dict",))
def lenet_loads_torch_weights_and_trains_the_same(nn, see):
    """LeNet CNN: same init, same eval output, same AdamW losses."""
    model = _load_torch_weights(nn, see, lenet)
    _eval_output(see, model, torch.randn(2, 1, 16, 16))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    _train(see, model, _classification_batch((4, 1, 16, 16)), F.cross_entropy, opt)


@scenario("models", methods=("load_state_dict", "train", "eval"))
def resnet_loads_torch_weights_and_trains_the_same(nn, see):
    """ResNet with BatchNorm: eval output, SGD losses and running statistics agree."""
    model = _load_torch_weights(nn, see, resnet)
    _eval_output(see, model, torch.randn(2, 3, 8, 8))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    _train(see, model, _classification_batch((4, 3, 8, 8)), F.cross_entropy, opt)
    see(dict(model.named_buffers()))


@scenario("models", methods=("load_state_dict", "named_parameters"))
def gpt_ties_weights_like_torch(nn, see):
    """GPT: the tied embedding is one parameter but two state_dict keys."""
    model = gpt(nn)
    see.keys(model.named_parameters())
    see.keys(model.state_dict())
    see.same(model.lm_head.weight, model.transformer.wte.weight)
    see(sum(p.numel() for p in model.parameters()))


@scenario("models", methods=("load_state_dict",))
def gpt_loads_torch_weights_and_trains_the_same(nn, see):
    """GPT-2-style stack: same init, eval logits bit for bit, same AdamW losses with dropout."""
    model = _load_torch_weights(nn, see, gpt)
    idx = torch.randint(0, 50, (2, 16))
    _eval_output(see, model, idx)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)

    def batch():
        tokens = torch.randint(0, 50, (2, 17))
        return tokens[:, :-1], tokens[:, 1:]

    def loss_fn(logits, targets):
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    _train(see, model, batch, loss_fn, opt)


@scenario("models", methods=("load_state_dict",))
def transformer_with_multihead_attention_trains_the_same(nn, see):
    """Blocks built on MultiheadAttention + RMSNorm: same init, output and SGD losses."""
    model = _load_torch_weights(nn, see, gpt_with_mha)
    x = torch.randn(2, 8, 32)
    _eval_output(see, model, x)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    _train(see, model, lambda: (torch.randn(2, 8, 32), torch.randn(2, 8, 32)), F.mse_loss, opt)


@scenario("models", methods=("state_dict", "load_state_dict"))
def models_round_trip_through_state_dict(nn, see):
    """A backend model's own state_dict loads into a fresh copy with the same outputs."""
    a, b = lenet(nn).eval(), lenet(nn).eval()
    see(b.load_state_dict(a.state_dict()))
    x = torch.randn(1, 1, 16, 16)
    see(torch.equal(a(x), b(x)))


@scenario("models", methods=("load_state_dict",))
def models_report_wrong_architecture(nn, see):
    """Loading the MLP's weights into LeNet lists every missing and unexpected key."""
    see.raises(lambda: lenet(nn).load_state_dict(mlp(tnn).state_dict()))
    see(lenet(nn).load_state_dict(mlp(tnn).state_dict(), strict=False))
