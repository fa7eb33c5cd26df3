"""Sequence classification with nn.TransformerEncoder (tutorial style).

Learns whether a sequence of token ids contains more small ids than large
ones, from padded batches, then evaluates with the padding mask.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

VOCAB, PAD, MAX_LEN = 20, 0, 12


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=MAX_LEN):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(1, max_len, d_model)
        pe[0, :, 0::2] = torch.sin(position * div_term)
        pe[0, :, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class TransformerClassifier(nn.Module):
    def __init__(self, d_model=32, nhead=4, num_layers=2, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.classifier = nn.Linear(d_model, num_classes)
        self.d_model = d_model

    def forward(self, tokens):
        padding_mask = tokens == PAD
        x = self.pos(self.embedding(tokens) * math.sqrt(self.d_model))
        x = self.encoder(x, src_key_padding_mask=padding_mask)
        keep = (~padding_mask).unsqueeze(-1).float()
        return self.classifier((x * keep).sum(1) / keep.sum(1))


def make_batch(n):
    tokens = torch.randint(1, VOCAB, (n, MAX_LEN))
    lengths = torch.randint(4, MAX_LEN + 1, (n,))
    lengths[0] = MAX_LEN
    tokens[torch.arange(MAX_LEN) >= lengths.unsqueeze(1)] = PAD
    real = tokens != PAD
    small = ((tokens < VOCAB // 2) & real).sum(1)
    labels = (small * 2 > real.sum(1)).long()
    return tokens, labels


model = TransformerClassifier()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for step in range(1, 31):
    model.train()
    tokens, labels = make_batch(16)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(tokens), labels)
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(f"step {step} loss {loss.item():.6f}")

model.eval()
tokens, labels = make_batch(64)
with torch.no_grad():
    logits = model(tokens)
accuracy = (logits.argmax(1) == labels).float().mean().item()
print(f"eval accuracy {accuracy:.4f}")
print("first logits", [round(v, 6) for v in logits[0].tolist()])
