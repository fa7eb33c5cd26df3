"""Classify points of two interleaved spirals with a small MLP (a classic first exercise)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)

# Two spirals, 200 points each, with a little noise.
n = 200
t = torch.linspace(0.5, 3 * math.pi, n)
spiral = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (3 * math.pi)
X = torch.cat([spiral, -spiral]) + 0.02 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(2, hidden),
            nn.LeakyReLU(0.1),
            nn.Linear(hidden, hidden),
            nn.ELU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, 2),
        )

    def forward(self, x):
        return self.layers(x)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model = MLP()
model.apply(init_weights)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))

loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
optimizer = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9)

for epoch in range(30):
    model.train()
    permutation = torch.randperm(len(X))
    total = 0.0
    for start in range(0, len(X), 50):
        idx = permutation[start : start + 50]
        optimizer.zero_grad()
        loss = loss_fn(model(X[idx]), y[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            logits = model(X)
            accuracy = (logits.argmax(1) == y).float().mean().item()
            nll = F.nll_loss(F.log_softmax(logits, dim=1), y).item()
        print(f"epoch {epoch + 1:2d}  train loss {total / len(X):.6f}  nll {nll:.6f}  accuracy {accuracy:.4f}")

print(model.state_dict()["layers.5.bias"])
