"""A tiny convolutional autoencoder for 16x16 blobs: PixelShuffle upsampling and weight norm."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def blobs(count):
    """Gaussian blobs at random places: easy to compress, easy to see."""
    ys, xs = torch.meshgrid(torch.arange(16.0), torch.arange(16.0), indexing="ij")
    centers = torch.rand(count, 2) * 12 + 2
    d2 = (ys - centers[:, 0, None, None]) ** 2 + (xs - centers[:, 1, None, None]) ** 2
    return torch.exp(-d2 / 8).unsqueeze(1)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1),
            nn.GELU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.Tanh(),
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(16, 32, 1),
            nn.PixelShuffle(2),
            nn.Mish(),
            nn.ReflectionPad2d(1),
            nn.Conv2d(8, 4, 3),
            nn.PixelShuffle(2),
            nn.Sigmoid(),
        )
        nn.utils.parametrizations.weight_norm(self.decoder[0])

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = AutoEncoder()
print(model)
print(sorted(model.state_dict().keys()))

data = blobs(128)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for step in range(40):
    batch = data[(step * 32) % 128 : (step * 32) % 128 + 32]
    optimizer.zero_grad()
    loss = loss_fn(model(batch), batch)
    loss.backward()
    optimizer.step()
    if step % 10 == 9:
        print(f"step {step + 1}  mse {loss.item():.8f}")

model.eval()
with torch.no_grad():
    test = blobs(8)
    print("smooth l1:", nn.SmoothL1Loss(beta=0.1)(model(test), test).item())
    print("bce:", F.binary_cross_entropy(model(test), test).item())
print(model.decoder[0].parametrizations.weight.original0.flatten()[:4])
