"""A small CNN tells whether a bright blob sits in the top half of an image (binary)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def make_images(count):
    images = 0.3 * torch.randn(count, 1, 12, 12)
    labels = torch.randint(0, 2, (count,)).float()
    rows = torch.where(labels == 1, torch.randint(1, 5, (count,)), torch.randint(7, 11, (count,)))
    cols = torch.randint(1, 11, (count,))
    for i in range(count):
        images[i, 0, rows[i] - 1 : rows[i] + 2, cols[i] - 1 : cols[i] + 2] += 2.0
    return images, labels


train_x, train_y = make_images(256)
test_x, test_y = make_images(64)

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),
    nn.BatchNorm2d(8),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Dropout2d(0.1),
    nn.Conv2d(8, 16, kernel_size=3, padding=1),
    nn.Hardswish(),
    nn.AdaptiveMaxPool2d((2, 1)),
    nn.Flatten(),
    nn.Linear(32, 1),
)
print(model)

loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.5]))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(4):
    model.train()
    for start in range(0, len(train_x), 32):
        xb, yb = train_x[start : start + 32], train_y[start : start + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(test_x).squeeze(1)
        test_loss = F.binary_cross_entropy_with_logits(logits, test_y).item()
        accuracy = ((logits > 0).float() == test_y).float().mean().item()
    print(f"epoch {epoch + 1}  last batch loss {loss.item():.6f}  test loss {test_loss:.6f}  accuracy {accuracy:.4f}")

print("running mean:", model[1].running_mean)
print("batches tracked:", model[1].num_batches_tracked.item())
print(sorted(model.state_dict().keys()))
