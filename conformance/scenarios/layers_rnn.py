"""Recurrent layers: RNN, LSTM, GRU and their cells, against torch.

The common checks (init, loading torch's weights, forward, to(double)) come
from the table below; the scenarios after it each show one behaviour: the
checks and messages, unbatched and packed inputs, and `_flat_weights`.
"""

import pickle

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from conformance.registry import scenario
from conformance.scenarios.layer_table import ignore_once_per_process_warnings, layer_checks


def _sequence(dtype, batch_first=False):
    """A batch of 2 sequences of 5 steps with 3 features."""
    shape = (2, 5, 3) if batch_first else (5, 2, 3)
    return (torch.randn(*shape, dtype=dtype),)


# ------------------------------------------------------------------ table

layer_checks("RNN", lambda nn: nn.RNN(3, 4, 2, "relu", dropout=0.5), _sequence)
layer_checks("LSTM", lambda nn: nn.LSTM(3, 4, num_layers=2, bidirectional=True, dropout=0.3), _sequence)
layer_checks(
    "LSTM",
    lambda nn: nn.LSTM(3, 4, proj_size=2, batch_first=True, bias=False),
    lambda dtype: _sequence(dtype, batch_first=True),
    variant="projected",
)
layer_checks("GRU", lambda nn: nn.GRU(3, 4, num_layers=2, batch_first=True), lambda d: _sequence(d, True))
layer_checks("RNNCell", lambda nn: nn.RNNCell(3, 4, nonlinearity="relu"), lambda d: (torch.randn(2, 3, dtype=d),))
layer_checks("LSTMCell", lambda nn: nn.LSTMCell(3, 4, bias=False), lambda d: (torch.randn(2, 3, dtype=d),))
layer_checks("GRUCell", lambda nn: nn.GRUCell(3, 4), lambda d: (torch.randn(3, dtype=d),))


# ------------------------------------------------------- construction


@scenario("layers", methods=("RNNBase.__init__", "RNN.__init__", "GRU.__init__"))
def rnn_constructor_errors(nn, see):
    """Bad options raise torch's ValueError or TypeError, in torch's order."""
    see.raises(lambda: nn.LSTM(3, 4, dropout=1.5))
    see.raises(lambda: nn.LSTM(3, 4, dropout=True))
    see.raises(lambda: nn.LSTM(3, 4, dropout="0.1"))
    see.raises(lambda: nn.LSTM(3, 4, bias=1))
    see.raises(lambda: nn.LSTM(3, 4, batch_first=None))
    see.raises(lambda: nn.LSTM(3.0, 4))
    see.raises(lambda: nn.LSTM(0, 4))
    see.raises(lambda: nn.GRU(3, "4"))
    see.raises(lambda: nn.GRU(3, -1))
    see.raises(lambda: nn.RNN(3, 4, num_layers=0))
    see.raises(lambda: nn.LSTM(3, 4, proj_size=-1))
    see.raises(lambda: nn.LSTM(3, 4, proj_size=4))
    see.raises(lambda: nn.GRU(3, 4, proj_size=2))
    see.raises(lambda: nn.RNN(3, 4, proj_size=2))
    see.raises(lambda: nn.RNN(3, 4, nonlinearity="sigmoid"))
    see.raises(lambda: nn.RNNBase("PEEPHOLE", 3, 4))


@scenario("layers", methods=("RNNBase.__init__",))
def rnn_dropout_with_one_layer_warns(nn, see):
    """Dropout acts between layers: with num_layers=1 torch warns and keeps the value."""
    lstm = see.warns(lambda: nn.LSTM(3, 4, dropout=0.2))
    see(lstm.dropout)
    see.warns(lambda: nn.GRU(3, 4, num_layers=2, dropout=0.2))


@scenario("layers", methods=("RNN.__init__", "RNNBase.extra_repr"))
def rnn_nonlinearity_as_fourth_positional_argument(nn, see):
    """RNN takes nonlinearity 4th, before bias; repr shows only non-default options."""
    rnn = nn.RNN(3, 4, 2, "relu", False, True, 0.0, True)
    see((rnn.mode, rnn.nonlinearity, rnn.bias, rnn.batch_first, rnn.bidirectional))
    see.repr(rnn)
    see.keys(rnn.named_parameters())


@scenario("layers", methods=("RNNBase.all_weights", "RNNBase.__init__"))
def rnn_weight_names_and_all_weights(nn, see):
    """Names per layer and direction; all_weights groups the parameters the same way."""
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    see(lstm._flat_weights_names)
    see([[tuple(w.shape) for w in group] for group in lstm.all_weights])
    see(all(a is b for a, b in zip(lstm._flat_weights, lstm.parameters())))


# ------------------------------------------------------------- forward


@scenario("layers", methods=("RNNBase.check_forward_args", "LSTM.check_forward_args", "LSTM.permute_hidden"))
def rnn_check_helpers_are_public_methods(nn, see):
    """The checks forward runs are public: expected sizes, size checks, batch reordering."""
    lstm, gru = nn.LSTM(3, 4, proj_size=2), nn.GRU(3, 4, bidirectional=True)
    x = torch.randn(5, 2, 3)
    see(lstm.check_input(x, None))
    see(lstm.get_expected_hidden_size(x, None))
    see(lstm.get_expected_cell_size(x, torch.tensor([3, 1])))
    h, c = torch.randn(1, 2, 2), torch.randn(1, 2, 4)
    see(lstm.check_forward_args(x, (h, c), None))
    see.raises(lambda: gru.check_forward_args(x, h, None))
    see.raises(lambda: gru.check_hidden_size(h, (2, 2, 4), "hidden {} is not {}"))
    order = torch.tensor([1, 0])
    see(lstm.permute_hidden((h, c), order))
    see(gru.permute_hidden(torch.randn(2, 2, 4), order))


@scenario("layers", methods=("LSTM.forward", "RNN.forward", "GRU.forward"))
def rnn_unbatched_input_and_given_state(nn, see):
    """A 2-D input is one sequence; a given state is 2-D too; outputs drop the batch dim."""
    x = torch.randn(5, 3)
    see(nn.RNN(3, 4)(x, torch.randn(1, 4)))
    see(nn.GRU(3, 4, batch_first=True)(x, torch.randn(1, 4)))
    with ignore_once_per_process_warnings():
        see(nn.LSTM(3, 4, proj_size=2)(x, (torch.randn(1, 2), torch.randn(1, 4))))


@scenario("layers", methods=("LSTM.forward", "RNN.forward", "GRU.forward"))
def rnn_forward_input_errors(nn, see):
    """Wrong input rank, feature size or dtype: torch's errors and messages."""
    for layer in (nn.RNN(3, 4), nn.LSTM(3, 4), nn.GRU(3, 4)):
        see.raises(lambda: layer(torch.randn(2, 2, 2, 3)))
        see.raises(lambda: layer(torch.randn(5, 2, 7)))
        see.raises(lambda: layer(torch.randn(5, 2, 3, dtype=torch.double)))
    # The class name in the message is written in: a subclass still says "LSTM".
    class MyLSTM(nn.LSTM):
        pass

    see.raises(lambda: MyLSTM(3, 4)(torch.randn(3)))


@scenario("layers", methods=("LSTM.forward", "RNN.forward", "GRU.forward", "RNNBase.check_hidden_size"))
def rnn_forward_state_errors(nn, see):
    """A state of the wrong rank or size: torch's RuntimeError messages."""
    x, x1 = torch.randn(5, 2, 3), torch.randn(5, 3)
    for layer in (nn.RNN(3, 4), nn.GRU(3, 4)):
        see.raises(lambda: layer(x, torch.randn(2, 4)))
        see.raises(lambda: layer(x1, torch.randn(1, 1, 4)))
        see.raises(lambda: layer(x, torch.randn(1, 3, 4)))
    lstm = nn.LSTM(3, 4)
    see.raises(lambda: lstm(x, (torch.randn(2, 4), torch.randn(1, 2, 4))))
    see.raises(lambda: lstm(x1, (torch.randn(1, 4), torch.randn(1, 1, 4))))
    see.raises(lambda: lstm(x, (torch.randn(1, 3, 4), torch.randn(1, 2, 4))))
    see.raises(lambda: lstm(x, (torch.randn(1, 2, 4), torch.randn(2, 2, 4))))


@scenario("layers", methods=("LSTM.forward", "RNN.forward", "GRU.forward", "RNNBase.permute_hidden"))
def rnn_packed_sequence_input(nn, see):
    """PackedSequence in, PackedSequence out; the state is reordered by sorted_indices."""
    x = torch.randn(3, 5, 2)
    packed = pack_padded_sequence(x, [3, 5, 2], batch_first=True, enforce_sorted=False)
    for layer in (nn.RNN(2, 4, bidirectional=True), nn.GRU(2, 4), nn.LSTM(2, 4, num_layers=2)):
        see(layer(packed))
    see(nn.GRU(2, 4)(packed, torch.randn(1, 3, 4)))
    see(nn.RNN(2, 4, nonlinearity="relu")(packed, torch.randn(1, 3, 4)))
    see(nn.LSTM(2, 4)(packed, (torch.randn(1, 3, 4), torch.randn(1, 3, 4))))


@scenario("layers", methods=("LSTM.forward", "GRU.forward"))
def rnn_packed_sequence_checks(nn, see):
    """GRU checks a packed input's sizes; torch's LSTM leaves that to the fused op."""
    packed = pack_padded_sequence(torch.randn(5, 2, 3), [5, 4])
    see.raises(lambda: nn.GRU(2, 4)(packed))
    see.raises(lambda: nn.GRU(3, 4)(packed, torch.randn(1, 3, 4)))
    see.raises(lambda: nn.LSTM(3, 4)(packed, (torch.randn(1, 2, 4), torch.randn(1, 3, 4))))
    # Packed data is 2-D (steps, features); a hand-made 3-D one is refused.
    by_hand = PackedSequence(torch.randn(9, 1, 3), packed.batch_sizes)
    see.raises(lambda: nn.GRU(3, 4)(by_hand))


@scenario("layers", methods=("RNN.forward",))
def rnn_mode_changed_by_hand_is_refused(nn, see):
    """An RNN whose mode was set to 'GRU' by hand fails its internal check."""
    rnn = nn.RNN(3, 4)
    rnn.mode = "GRU"
    see.raises(lambda: rnn(torch.randn(5, 2, 3)))
    see.raises(lambda: rnn(pack_padded_sequence(torch.randn(5, 2, 3), [5, 4])))


# ------------------------------------------------------- _flat_weights


@scenario("layers", methods=("RNNBase.__setattr__",))
def rnn_flat_weights_follow_assignment(nn, see):
    """Assigning a new Parameter to a weight also updates _flat_weights, so forward uses it."""
    gru = nn.GRU(3, 4)
    new = nn.Parameter(torch.zeros(12, 3))
    gru.weight_ih_l0 = new
    see.same(gru._flat_weights[0], new)
    see(gru(torch.randn(5, 2, 3)))
    see.raises(lambda: setattr(gru, "weight_hh_l0", torch.zeros(12, 4)))
    see(type(gru._flat_weights[1]).__name__)


@scenario("layers", methods=("RNNBase._update_flat_weights", "RNNBase._weights_have_changed"))
def rnn_notices_weights_swapped_behind_its_back(nn, see):
    """A parameter replaced in _parameters directly is picked up at the next forward."""
    rnn = nn.RNN(3, 4)
    old = rnn._flat_weights[0]
    rnn._parameters["weight_ih_l0"] = nn.Parameter(torch.ones(4, 3))
    see.same(rnn._flat_weights[0], old)
    see(rnn(torch.randn(5, 2, 3)))
    see.same(rnn._flat_weights[0], rnn.weight_ih_l0)


@scenario("layers", methods=("RNNBase._apply", "RNNBase.flatten_parameters"))
def rnn_flat_weights_follow_conversion(nn, see):
    """to(double) and float() rebuild _flat_weights; flatten_parameters does nothing on CPU."""
    lstm = nn.LSTM(3, 4).double()
    see([w.dtype for w in lstm._flat_weights])
    see(all(a is b for a, b in zip(lstm._flat_weights, lstm.parameters())))
    see(lstm.flatten_parameters())
    see(lstm.float()(torch.randn(5, 2, 3)))


@scenario("layers", methods=("RNNBase.__getstate__", "RNNBase.__setstate__"))
def rnn_pickle_round_trip(nn, see):
    """Pickling drops the weak references; loading rebuilds them; outputs agree."""
    lstm = nn.LSTM(3, 4, bidirectional=True)
    see("_flat_weight_refs" in lstm.__getstate__())
    copy = pickle.loads(pickle.dumps(lstm))
    see(len(copy._flat_weight_refs))
    x = torch.randn(5, 2, 3)
    see(torch.equal(copy(x)[0], lstm(x)[0]))


@scenario("layers", methods=("RNNBase.__setstate__",))
def rnn_setstate_upgrades_old_pickles(nn, see):
    """State from old torch (no proj_size, weights in `all_weights`) is upgraded on load."""
    gru = nn.GRU(3, 4, num_layers=2, bias=False)
    state = gru.__getstate__()
    del state["proj_size"]
    state["all_weights"] = [[gru.weight_ih_l0, gru.weight_hh_l0], [gru.weight_ih_l1, gru.weight_hh_l1]]
    restored = nn.GRU.__new__(nn.GRU)
    restored.__setstate__(state)
    see((restored.proj_size, restored._all_weights, restored._flat_weights_names))
    see(restored(torch.randn(5, 2, 3)))


# ------------------------------------------------------------------ cells


@scenario("layers", methods=("RNNCell.forward", "LSTMCell.forward", "GRUCell.forward"))
def rnn_cells_check_ranks(nn, see):
    """Cells take 1-D or 2-D inputs and states; anything else is a ValueError."""
    for cell in (nn.RNNCell(3, 4), nn.GRUCell(3, 4), nn.LSTMCell(3, 4)):
        see.raises(lambda: cell(torch.randn(1, 2, 3)))
    see.raises(lambda: nn.RNNCell(3, 4)(torch.randn(2, 3), torch.randn(1, 2, 4)))
    see.raises(lambda: nn.GRUCell(3, 4)(torch.randn(2, 3), torch.randn(1, 2, 4)))
    see.raises(lambda: nn.LSTMCell(3, 4)(torch.randn(2, 3), (torch.randn(2, 4), torch.randn(1, 2, 4))))


@scenario("layers", methods=("RNNCell.forward", "LSTMCell.forward", "RNNCellBase.extra_repr"))
def rnn_cells_with_state_and_unknown_nonlinearity(nn, see):
    """Cells step from a given state; an unknown nonlinearity fails only when called."""
    see(nn.RNNCell(3, 4)(torch.randn(3), torch.randn(4)))
    see(nn.LSTMCell(3, 4)(torch.randn(3), (torch.randn(4), torch.randn(4))))
    see(nn.GRUCell(3, 4)(torch.randn(2, 3), torch.randn(2, 4)))
    cell = nn.RNNCell(3, 4, nonlinearity="sigmoid")
    see.repr(cell)
    see.raises(lambda: cell(torch.randn(2, 3)))
