"""nn.init, nn.functional and nn.utils: the tensor math a program reaches through `nn.`.

On the clone, nn.init and nn.functional are torch's own functions,
re-exported; nn.utils' clipping, flat vectors and sequence packing are
written from scratch. The scenarios show they work on the clone's
parameters exactly as torch's do on torch's.
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


@scenario("layers", methods=("parameters", "clip_grad_norm_", "clip_grad_value_"))
def utils_clip_gradients_of_clone_parameters(nn, see):
    """clip_grad_norm_ and clip_grad_value_ read and scale .grad of any parameters."""
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    (model(torch.randn(5, 3)) * 100).sum().backward()
    see(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0))
    see([p.grad for p in model.parameters()])
    nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
    see([p.grad for p in model.parameters()])
    see(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type="inf"))


@scenario("layers", methods=("parameters", "parameters_to_vector", "vector_to_parameters"))
def utils_parameters_to_vector_and_back(nn, see):
    """parameters_to_vector flattens in parameters() order; vector_to_parameters writes back."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    flat = see(nn.utils.parameters_to_vector(model.parameters()))
    nn.utils.vector_to_parameters(torch.arange(flat.numel(), dtype=torch.float32), model.parameters())
    see(model.state_dict())


@scenario("layers", methods=("pad_sequence", "pack_padded_sequence", "pad_packed_sequence"))
def utils_rnn_pads_and_packs_sequences(nn, see):
    """pad_sequence and pack_padded_sequence build the tensors recurrent layers take."""
    seqs = [torch.randn(4, 2), torch.randn(2, 2), torch.randn(3, 2)]
    padded = see(nn.utils.rnn.pad_sequence(seqs, batch_first=True))
    packed = nn.utils.rnn.pack_padded_sequence(padded, [4, 2, 3], batch_first=True, enforce_sorted=False)
    see(packed.data)
    see(packed.batch_sizes)
    see(nn.utils.rnn.pad_packed_sequence(packed, batch_first=True))


@scenario("layers", methods=("get_total_norm", "clip_grads_with_norm_", "_as_list"))
def utils_total_norm_then_scale_in_two_steps(nn, see):
    """get_total_norm measures all gradients as one vector; clip_grads_with_norm_ scales by it."""
    w, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(1))
    w.grad, b.grad = torch.tensor([3.0, 4.0]), torch.tensor([12.0])
    total = see(nn.utils.get_total_norm([w.grad, b.grad]))
    see(nn.utils.get_total_norm(w.grad, norm_type=1))
    see(nn.utils.get_total_norm([]))
    nn.utils.clip_grads_with_norm_([w, b], max_norm=1.0, total_norm=total)
    see([w.grad, b.grad])
    # A norm already under max_norm leaves the gradients as they are.
    nn.utils.clip_grads_with_norm_(w, max_norm=10.0, total_norm=torch.tensor(1.0))
    see(w.grad)


@scenario("layers", methods=("clip_grad_norm_", "get_total_norm"))
def utils_clip_grad_norm_with_an_infinite_gradient(nn, see):
    """An infinite gradient makes the norm inf; error_if_nonfinite=True raises instead of scaling."""
    layer = nn.Linear(2, 1)
    layer.weight.grad = torch.tensor([[float("inf"), 1.0]])
    layer.bias.grad = torch.tensor([1.0])
    see.raises(lambda: nn.utils.clip_grad_norm_(layer.parameters(), 1.0, error_if_nonfinite=True))
    see(nn.utils.clip_grad_norm_(layer.parameters(), 1.0))
    see([layer.weight.grad, layer.bias.grad])


@scenario("layers", methods=("clip_grad_norm_", "clip_grad_norm"))
def utils_clip_grad_norm_warnings(nn, see):
    """An empty generator warns that nothing is clipped; the old name clip_grad_norm is deprecated."""
    see.warns(lambda: nn.utils.clip_grad_norm_((p for p in []), max_norm=1.0))
    see.warns(lambda: nn.utils.clip_grad_norm_([], max_norm=1.0))
    layer = nn.Linear(2, 2)
    layer(torch.ones(1, 2)).sum().backward()
    see.warns(lambda: nn.utils.clip_grad_norm(layer.parameters(), max_norm=0.5))
    see(layer.weight.grad)


@scenario("layers", methods=("_use_foreach", "_by_device_and_dtype", "clip_grad_value_"))
def utils_clip_foreach_true_needs_a_supported_device(nn, see):
    """foreach=True on meta tensors raises; foreach=None falls back to one op per tensor."""
    p = nn.Parameter(torch.ones(3, device="meta"))
    p.grad = torch.ones(3, device="meta")
    see.raises(lambda: nn.utils.get_total_norm([p.grad], foreach=True))
    see.raises(lambda: nn.utils.clip_grad_value_(p, 0.5, foreach=True))
    see(nn.utils.clip_grad_norm_(p, 1.0))
    # On the CPU both ways give the same numbers; float64 grads form their own group.
    a, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2, dtype=torch.float64))
    a.grad, b.grad = torch.tensor([2.0, -3.0]), torch.tensor([0.5, 4.0], dtype=torch.float64)
    nn.utils.clip_grad_value_([a, b], clip_value=1.0, foreach=False)
    see([a.grad, b.grad])
    see(nn.utils.get_total_norm([a.grad, b.grad], foreach=True))


@scenario("layers", methods=("vector_to_parameters", "parameters_to_vector"))
def utils_flat_vector_copies_but_parameters_share_it_back(nn, see):
    """parameters_to_vector copies; after vector_to_parameters each parameter is a view of the vector."""
    layer = nn.Linear(2, 1)
    nn.init.ones_(layer.weight)
    nn.init.zeros_(layer.bias)
    flat = nn.utils.parameters_to_vector(layer.parameters())
    flat.zero_()
    see(dict(layer.named_parameters()))
    vec = torch.arange(3.0)
    weight = layer.weight
    nn.utils.vector_to_parameters(vec, layer.parameters())
    vec.add_(10)
    see(dict(layer.named_parameters()))
    see.same(layer.weight, weight)
    see.raises(lambda: nn.utils.vector_to_parameters([1.0, 2.0, 3.0], layer.parameters()))


@scenario("layers", methods=("PackedSequence", "invert_permutation"))
def packed_sequence_fills_unsorted_indices_and_keeps_batch_sizes_on_cpu(nn, see):
    """Built with sorted_indices only, a PackedSequence inverts them; batch_sizes off the CPU is an error."""
    packed = nn.utils.rnn.PackedSequence(torch.zeros(3, 2), torch.tensor([2, 1]), torch.tensor([1, 0]))
    see(packed.unsorted_indices)
    see(nn.utils.rnn.invert_permutation(torch.tensor([2, 0, 3, 1])))
    see(nn.utils.rnn.invert_permutation(None))
    see.raises(lambda: nn.utils.rnn.PackedSequence(torch.zeros(3, 2), torch.tensor([2, 1], device="meta")))


@scenario("layers", methods=("PackedSequence.to", "PackedSequence.is_cuda"))
def packed_sequence_to_moves_data_and_indices_not_batch_sizes(nn, see):
    """to() changes data and the index tensors; batch_sizes stays on the CPU; no change returns self."""
    padded = torch.randn(3, 2, 4)
    packed = nn.utils.rnn.pack_padded_sequence(padded, [1, 3], enforce_sorted=False)
    see.same(packed.to(torch.float32), packed)
    doubled = packed.to(torch.float64)
    see([doubled.data.dtype, doubled.sorted_indices.dtype, doubled.batch_sizes.dtype])
    on_meta = packed.to("meta")
    see([on_meta.data.device, on_meta.sorted_indices.device, on_meta.batch_sizes.device])
    see.type(on_meta)
    see(packed.is_cuda)


@scenario("layers", methods=("PackedSequence.to",))
def packed_sequence_to_passes_keywords_to_the_indices(nn, see):
    """to() reads its arguments as Module.to does: copy= is an error, non_blocking is fine, dtype skips the indices."""
    packed = nn.utils.rnn.pack_padded_sequence(torch.randn(3, 2, 4), [1, 3], enforce_sorted=False)
    see.raises(lambda: packed.to(torch.float64, copy=True))
    moved = packed.to(torch.float64, non_blocking=True, memory_format=torch.preserve_format)
    see(moved.sorted_indices is packed.sorted_indices)
    see(moved.unsorted_indices)
    see(packed.to(dtype=torch.float64).sorted_indices.dtype)


@scenario("layers", methods=("pack_padded_sequence", "pad_packed_sequence"))
def pack_padded_sequence_checks_lengths_and_pads_to_total_length(nn, see):
    """Unsorted lengths need enforce_sorted=False; total_length pads further but cannot cut."""
    padded = torch.arange(12.0).view(3, 2, 2)
    see.raises(lambda: nn.utils.rnn.pack_padded_sequence(padded, [2, 3]))
    see.raises(lambda: nn.utils.rnn.pack_padded_sequence(padded, [3, 0]))
    packed = nn.utils.rnn.pack_padded_sequence(padded, torch.tensor([2, 3]), enforce_sorted=False)
    see(packed.data)
    see(packed.sorted_indices)
    see(nn.utils.rnn.pad_packed_sequence(packed, total_length=5))
    see.raises(lambda: nn.utils.rnn.pad_packed_sequence(packed, total_length=2))


@scenario("layers", methods=("pad_sequence",))
def pad_sequence_pads_left_or_right(nn, see):
    """padding_side="left" puts the padding first; any iterable of tensors will do, not a number."""
    seqs = [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0])]
    see(nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=-1.0))
    see(nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_side="left"))
    see(nn.utils.rnn.pad_sequence(seqs))
    see.raises(lambda: nn.utils.rnn.pad_sequence(seqs, padding_side="middle"))
    see(nn.utils.rnn.pad_sequence(s for s in seqs))
    see.raises(lambda: nn.utils.rnn.pad_sequence(3))


@scenario("layers", methods=("pack_sequence", "unpack_sequence", "unpad_sequence"))
def pack_sequence_and_back_to_the_list(nn, see):
    """pack_sequence / unpack_sequence and pad_sequence / unpad_sequence give back the tensors, in order."""
    seqs = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0]), torch.tensor([6.0])]
    see.raises(lambda: nn.utils.rnn.pack_sequence(seqs))
    packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
    see(packed.batch_sizes)
    see(nn.utils.rnn.unpack_sequence(packed))
    padded = nn.utils.rnn.pad_sequence(seqs)
    see(nn.utils.rnn.unpad_sequence(padded, torch.tensor([2, 3, 1])))
