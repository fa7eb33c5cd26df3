"""Sequence models: an LSTM language model and a transformer-encoder classifier.

The same pattern as `models.py`: build on the backend from a seed, load the
weights of a real torch.nn copy, compare eval outputs, then train a few
steps and compare the losses.
"""

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario
from conformance.scenarios.layer_table import ignore_once_per_process_warnings
from conformance.scenarios.models import _load_torch_weights

VOCAB = 40


def lstm_language_model(nn, width=16, layers=2):
    """The pytorch/examples word language model: embedding, LSTM, decoder tied to the embedding."""

    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.2)
            self.encoder = nn.Embedding(VOCAB, width)
            self.rnn = nn.LSTM(width, width, layers, dropout=0.2)
            self.decoder = nn.Linear(width, VOCAB)
            # Weight tying: the decoder reuses the embedding matrix.
            self.decoder.weight = self.encoder.weight
            self.encoder.weight.data.uniform_(-0.1, 0.1)
            self.decoder.bias.data.zero_()

        def forward(self, tokens, hidden=None):
            output, hidden = self.rnn(self.drop(self.encoder(tokens)), hidden)
            logits = self.decoder(self.drop(output))
            return F.log_softmax(logits.view(-1, VOCAB), dim=1), hidden

    return RNNModel()


def transformer_classifier(nn, width=16, heads=2, layers=2, classes=3, context=12):
    """Token and learned position embeddings, a TransformerEncoder, mean pooling, a linear head."""

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, width, padding_idx=0)
            self.pos = nn.Parameter(torch.zeros(1, context, width))
            layer = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.1, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers)
            self.head = nn.Linear(width, classes)

        def forward(self, tokens):
            padding = tokens == 0
            x = self.embed(tokens) + self.pos[:, : tokens.size(1)]
            x = self.encoder(x, src_key_padding_mask=padding)
            # Mean over the real tokens only.
            keep = (~padding).unsqueeze(-1).float()
            return self.head((x * keep).sum(1) / keep.sum(1))

    return Classifier()


def _padded_tokens(batch=4, length=10):
    """Token ids with each row padded (id 0) on the right to a random length."""
    tokens = torch.randint(1, VOCAB, (batch, length))
    lengths = torch.randint(3, length + 1, (batch,))
    lengths[0] = length
    tokens[torch.arange(length) >= lengths.unsqueeze(1)] = 0
    return tokens


@scenario("models", methods=("load_state_dict", "named_parameters", "LSTM.forward"))
def lstm_language_model_ties_weights_and_trains_the_same(nn, see):
    """LSTM LM with tied weights: one parameter, two keys; same eval output and SGD losses with BPTT."""
    model = _load_torch_weights(nn, see, lstm_language_model)
    see.keys(model.named_parameters())
    see.same(model.decoder.weight, model.encoder.weight)
    data = torch.randint(0, VOCAB, (21, 3))
    model.eval()
    see(model(data[:10]))
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    hidden = None
    # Truncated backpropagation through time: the state flows from batch
    # to batch, but the graph is cut (detach) at each batch.
    for start in range(0, 20, 5):
        inputs, targets = data[start : start + 5], data[start + 1 : start + 6]
        if hidden is not None:
            hidden = tuple(h.detach() for h in hidden)
        optimizer.zero_grad()
        log_probs, hidden = model(inputs, hidden)
        loss = F.nll_loss(log_probs, targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        see(loss)
    see(dict(model.named_parameters()))


@scenario("models", methods=("load_state_dict", "TransformerEncoder.forward"))
def transformer_classifier_loads_torch_weights_and_trains_the_same(nn, see):
    """Encoder classifier: same init, same eval logits on the nested-tensor fast path, same AdamW losses."""
    with ignore_once_per_process_warnings():
        model = _load_torch_weights(nn, see, transformer_classifier)
        tokens = _padded_tokens()
        model.eval()
        with torch.no_grad():
            see(model(tokens))
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        for _ in range(3):
            tokens, labels = _padded_tokens(), torch.randint(0, 3, (4,))
            optimizer.zero_grad()
            loss = F.cross_entropy(model(tokens), labels)
            loss.backward()
            optimizer.step()
            see(loss)


@scenario("models", methods=("state_dict", "load_state_dict"))
def sequence_models_load_into_torch(nn, see):
    """The other direction: the backend's state_dicts load into torch's models, same outputs."""
    with ignore_once_per_process_warnings():
        for build, x in ((lstm_language_model, torch.randint(0, VOCAB, (6, 2))), (transformer_classifier, _padded_tokens())):
            ours = build(nn).eval()
            theirs = build(tnn).eval()
            see(theirs.load_state_dict(ours.state_dict()))
            with torch.no_grad():
                see(torch.equal(torch.as_tensor(ours(x)[0]), torch.as_tensor(theirs(x)[0])))
