"""A lazily initialised MLP (after d2l's "Lazy Initialization" chapter), trained on a toy regression."""

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)

net = nn.Sequential(nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(1))
print(net)
print([name for name, _ in net.named_parameters()])
print(net[0].weight)

X = torch.rand(64, 20)
y = 2 * X.mean(dim=1, keepdim=True) + 0.05 * torch.randn(64, 1)
net(X)
print(net)
print([(name, tuple(p.shape)) for name, p in net.named_parameters()])


def init_normal(module):
    if type(module) == nn.Linear:
        torch.nn.init.normal_(module.weight, mean=0, std=0.01)
        torch.nn.init.zeros_(module.bias)


net.apply(init_normal)
loss = F.mse_loss
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    for i in range(0, 64, 16):
        trainer.zero_grad()
        l = loss(net(X[i : i + 16]), y[i : i + 16])
        l.backward()
        trainer.step()
    print(f"epoch {epoch + 1}, loss {loss(net(X), y).item():f}")

# A fresh lazy model takes the trained weights without a forward pass.
clone = nn.Sequential(nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(1))
print(clone.load_state_dict(net.state_dict()))
print(torch.equal(clone(X), net(X)), type(clone[0]).__name__)
