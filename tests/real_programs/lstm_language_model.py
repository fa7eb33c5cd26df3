"""Word-level language model with an LSTM and tied weights (after pytorch/examples).

Trains on a tiny made-up corpus with truncated backpropagation through time,
then samples a few words.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

corpus = (
    "the cat sat on the mat . the dog sat on the log . "
    "a cat and a dog met on the mat . the log was under the dog . "
) * 8
words = corpus.split()
vocab = sorted(set(words))
index = {w: i for i, w in enumerate(vocab)}
data = torch.tensor([index[w] for w in words])


def batchify(data, batch_size):
    steps = data.size(0) // batch_size
    return data[: steps * batch_size].view(batch_size, -1).t().contiguous()


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.2):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        # Tie the weights: the output layer reuses the embedding.
        self.decoder.weight = self.encoder.weight
        self.nlayers = nlayers
        self.nhid = nhid
        self.init_weights()

    def init_weights(self):
        initrange = 0.1
        self.encoder.weight.data.uniform_(-initrange, initrange)
        self.decoder.bias.data.zero_()

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


train_data = batchify(data, 4)
bptt = 8
model = RNNModel(len(vocab), 16, 16, 2)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
print("state_dict keys:", list(model.state_dict().keys()))
optimizer = torch.optim.SGD(model.parameters(), lr=2.0)

for epoch in range(1, 4):
    model.train()
    hidden = model.init_hidden(4)
    total = 0.0
    for i in range(0, train_data.size(0) - 1, bptt):
        seq_len = min(bptt, train_data.size(0) - 1 - i)
        inputs, targets = train_data[i : i + seq_len], train_data[i + 1 : i + 1 + seq_len].reshape(-1)
        hidden = repackage_hidden(hidden)
        model.zero_grad()
        output, hidden = model(inputs, hidden)
        loss = F.nll_loss(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.6f} ppl {math.exp(total / math.ceil((train_data.size(0) - 1) / bptt)):.4f}")

model.eval()
hidden = model.init_hidden(1)
word = torch.tensor([[index["the"]]])
generated = ["the"]
with torch.no_grad():
    for _ in range(8):
        output, hidden = model(word, hidden)
        word = output.exp().multinomial(1).view(1, 1)
        generated.append(vocab[word.item()])
print(" ".join(generated))
