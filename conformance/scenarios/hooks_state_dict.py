"""state_dict and load_state_dict hooks: what each one sees and may change."""

import torch

from conformance.registry import scenario


@scenario("hooks", methods=("register_state_dict_pre_hook",))
def state_dict_pre_hook_sees_prefix_and_keep_vars(nn, see):
    """A state_dict pre-hook runs before saving, with the prefix and keep_vars."""
    m = nn.Sequential(nn.Linear(2, 2))
    got = []
    m[0].register_state_dict_pre_hook(lambda module, prefix, keep_vars: got.append((prefix, keep_vars)))
    m.state_dict(keep_vars=True)
    see(got)


@scenario("hooks", methods=("register_state_dict_post_hook",))
def state_dict_post_hook_may_add_a_key(nn, see):
    """A post-hook may add a key to the state dict in place."""
    m = nn.Linear(2, 2)

    def add(module, state, prefix, local_metadata):
        state[prefix + "note"] = torch.zeros(1)

    m.register_state_dict_post_hook(add)
    see.keys(m.state_dict())


@scenario("hooks", methods=("register_state_dict_post_hook",))
def state_dict_post_hook_may_rename_keys(nn, see):
    """A post-hook may rename keys, for example to load an old checkpoint layout."""
    m = nn.Sequential(nn.Linear(2, 2))

    def rename(module, state, prefix, local_metadata):
        for key in [k for k in state if k.startswith(prefix)]:
            state[key.replace("weight", "w")] = state.pop(key)

    m[0].register_state_dict_post_hook(rename)
    see.keys(m.state_dict())


@scenario("hooks", methods=("register_state_dict_post_hook",))
def state_dict_post_hook_sees_local_metadata(nn, see):
    """A post-hook gets the module's own metadata entry (its version)."""
    m = nn.Linear(2, 2)
    got = []
    m.register_state_dict_post_hook(lambda module, state, prefix, meta: got.append(dict(meta)))
    m.state_dict()
    see(got)


@scenario("hooks", methods=("_register_state_dict_hook",))
def private_state_dict_hook_may_return_a_new_dict(nn, see):
    """The old private hook on the root module may return a whole new state dict."""
    m = nn.Linear(2, 2)
    m._register_state_dict_hook(lambda module, state, prefix, meta: {"only": torch.ones(1)})
    see(m.state_dict())


@scenario("hooks", methods=("register_state_dict_pre_hook", "register_state_dict_post_hook"))
def state_dict_hooks_of_parent_and_child_nest(nn, see):
    """Parent pre-hook, child pre-hook, child post-hook, parent post-hook."""
    m = nn.Sequential(nn.Linear(1, 1))
    calls = []
    for name, module in m.named_modules():
        label = name or "root"
        module.register_state_dict_pre_hook(lambda mod, prefix, kv, label=label: calls.append(("pre", label)))
        module.register_state_dict_post_hook(lambda mod, sd, prefix, md, label=label: calls.append(("post", label)))
    m.state_dict()
    see(calls)


@scenario("hooks", methods=("register_load_state_dict_pre_hook",))
def load_pre_hook_sees_prefix_and_strict(nn, see):
    """A load pre-hook gets the module, the state dict, its prefix and strict."""
    m = nn.Sequential(nn.Linear(2, 2))
    got = []

    def hook(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
        got.append((module is m[0], prefix, strict, sorted(state_dict)))

    m[0].register_load_state_dict_pre_hook(hook)
    m.load_state_dict(m.state_dict(), strict=False)
    see(got)


@scenario("hooks", methods=("register_load_state_dict_pre_hook",))
def load_pre_hook_may_rename_keys_before_loading(nn, see):
    """A load pre-hook may rename old keys so the checkpoint loads."""
    m = nn.Linear(2, 2)
    old = {"w": torch.ones(2, 2), "bias": torch.zeros(2)}

    def rename(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
        if prefix + "w" in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")

    m.register_load_state_dict_pre_hook(rename)
    see(m.load_state_dict(old))
    see(m.weight)


@scenario("hooks", methods=("_register_load_state_dict_pre_hook",))
def private_load_pre_hook_is_called_without_the_module(nn, see):
    """The private form calls the hook without the module, unless with_module=True."""
    m = nn.Linear(1, 1)
    got = []
    m._register_load_state_dict_pre_hook(lambda *args: got.append(len(args)))
    m._register_load_state_dict_pre_hook(lambda *args: got.append(len(args)), with_module=True)
    m.load_state_dict(m.state_dict())
    see(got)


@scenario("hooks", methods=("register_load_state_dict_post_hook",))
def load_post_hook_sees_missing_and_unexpected_keys(nn, see):
    """A load post-hook gets the key lists that load_state_dict will report."""
    m = nn.Linear(2, 2)
    got = []
    m.register_load_state_dict_post_hook(lambda module, keys: got.append((keys.missing_keys, keys.unexpected_keys)))
    m.load_state_dict({"weight": torch.ones(2, 2), "extra": torch.ones(1)}, strict=False)
    see(got)


@scenario("hooks", methods=("register_load_state_dict_post_hook",))
def load_post_hook_clearing_missing_keys_avoids_the_strict_error(nn, see):
    """A post-hook that clears the missing keys turns a strict error into success."""
    m = nn.Linear(2, 2)
    m.register_load_state_dict_post_hook(lambda module, keys: keys.missing_keys.clear())
    see(m.load_state_dict({"weight": torch.ones(2, 2)}))


@scenario("hooks", methods=("register_load_state_dict_post_hook",))
def load_post_hook_adding_an_unexpected_key_causes_the_strict_error(nn, see):
    """A post-hook that adds an unexpected key makes a strict load fail."""
    m = nn.Linear(2, 2)
    m.register_load_state_dict_post_hook(lambda module, keys: keys.unexpected_keys.append("ghost"))
    see.raises(lambda: m.load_state_dict(m.state_dict()))


@scenario("hooks", methods=("register_load_state_dict_post_hook",))
def load_post_hooks_of_children_see_their_own_module(nn, see):
    """Every module's load post-hook runs, each with its own module and the shared key lists."""
    m = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
    got = []
    for name, module in m.named_modules():
        module.register_load_state_dict_post_hook(
            lambda mod, keys, name=name: got.append((name, list(keys.missing_keys)))
        )
    m.load_state_dict({"0.weight": torch.ones(1, 1)}, strict=False)
    see(got)
