"""nn.init, nn.functional and nn.utils: the tensor math a program reaches through `nn.`.

On the clone these are torch's own functions, re-exported. The scenarios show
they work on the clone's parameters exactly as on torch's.
"""

import torch

from conformance.registry import scenario


@scenario("layers")
def init_functions_fill_clone_parameters_like_torch(nn, see):
    """nn.init.* draw the same numbers into a layer's parameters, in place."""
    layer = nn.Linear(4, 3)
    nn.init.xavier_uniform_(layer.weight)
    see(layer.weight)
    nn.init.kaiming_normal_(layer.weight, mode="fan_out", nonlinearity="relu")
    see(layer.weight)
    nn.init.normal_(layer.bias, mean=0.0, std=0.01)
    see(layer.bias)
    nn.init.constant_(layer.bias, 0.5)
    nn.init.orthogonal_(layer.weight)
    see(dict(layer.named_parameters()))
    see(nn.init.calculate_gain("leaky_relu", 0.2))
    see.raises(lambda: nn.init.xavier_uniform_(torch.empty(3)))


@scenario("layers", methods=("apply",))
def init_through_apply_visits_every_layer(nn, see):
    """model.apply(init_fn) with nn.init is how tutorials re-initialise a model."""

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    model.apply(init_weights)
    see(model.state_dict())


@scenario("layers")
def functional_ops_are_reachable_through_nn(nn, see):
    """nn.functional.relu, softmax and cross_entropy are torch's functions."""
    x = torch.randn(3, 4)
    see(nn.functional.relu(x))
    see(nn.functional.softmax(x, dim=1))
    see(nn.functional.cross_entropy(x, torch.tensor([0, 3, 1])))


@scenario("layers", methods=("parameters",))
def utils_clip_gradients_of_clone_parameters(nn, see):
    """clip_grad_norm_ and clip_grad_value_ read and scale .grad of any parameters."""
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    (model(torch.randn(5, 3)) * 100).sum().backward()
    see(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0))
    see([p.grad for p in model.parameters()])
    nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
    see([p.grad for p in model.parameters()])
    see(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type="inf"))


@scenario("layers", methods=("parameters",))
def utils_parameters_to_vector_and_back(nn, see):
    """parameters_to_vector flattens in parameters() order; vector_to_parameters writes back."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    flat = see(nn.utils.parameters_to_vector(model.parameters()))
    nn.utils.vector_to_parameters(torch.arange(flat.numel(), dtype=torch.float32), model.parameters())
    see(model.state_dict())


@scenario("layers")
def utils_rnn_pads_and_packs_sequences(nn, see):
    """pad_sequence and pack_padded_sequence build the tensors recurrent layers take."""
    seqs = [torch.randn(4, 2), torch.randn(2, 2), torch.randn(3, 2)]
    padded = see(nn.utils.rnn.pad_sequence(seqs, batch_first=True))
    packed = nn.utils.rnn.pack_padded_sequence(padded, [4, 2, 3], batch_first=True, enforce_sorted=False)
    see(packed.data)
    see(packed.batch_sizes)
    see(nn.utils.rnn.pad_packed_sequence(packed, batch_first=True))
