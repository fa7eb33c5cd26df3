"""RemovableHandle: removing hooks, as a context manager, with copies and pickles."""

import copy
import gc
import pickle

import torch

from conformance.registry import scenario


def _record(module, args, out):
    """A module-level hook, so that it can be pickled."""
    return out * 2


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.remove"))
def handle_remove_stops_the_hook(nn, see):
    """After handle.remove() the hook no longer runs."""
    m = nn.Identity()
    calls = []
    handle = m.register_forward_hook(lambda module, args, out: calls.append("hook"))
    m(torch.ones(1))
    handle.remove()
    m(torch.ones(1))
    see(calls)
    see(len(m._forward_hooks))


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.remove"))
def handle_remove_twice_is_harmless(nn, see):
    """Removing a handle a second time does nothing and raises nothing."""
    m = nn.Identity()
    handle = m.register_forward_hook(lambda module, args, out: None)
    handle.remove()
    see.raises(handle.remove)


@scenario("hooks", methods=("register_forward_pre_hook", "RemovableHandle.__exit__"))
def handle_as_context_manager_removes_on_exit(nn, see):
    """`with handle:` removes the hook when the block ends."""
    m = nn.Identity()
    calls = []
    with m.register_forward_pre_hook(lambda module, args: calls.append("in")):
        m(torch.ones(1))
    m(torch.ones(1))
    see(calls)


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.remove"))
def handle_remove_clears_the_flag_dicts_too(nn, see):
    """Removing a with_kwargs/always_call hook also clears its flags (the extra dicts)."""
    m = nn.Identity()
    handle = m.register_forward_hook(lambda module, args, kwargs, out: None, with_kwargs=True, always_call=True)
    see((len(m._forward_hooks_with_kwargs), len(m._forward_hooks_always_called)))
    handle.remove()
    see((len(m._forward_hooks), len(m._forward_hooks_with_kwargs), len(m._forward_hooks_always_called)))


@scenario("hooks", methods=("register_forward_pre_hook", "RemovableHandle.remove"))
def handle_remove_clears_the_pre_hook_kwargs_flag(nn, see):
    """Removing a with_kwargs pre-hook clears its entry in the kwargs dict."""
    m = nn.Identity()
    handle = m.register_forward_pre_hook(lambda module, args, kwargs: None, with_kwargs=True)
    handle.remove()
    see((len(m._forward_pre_hooks), len(m._forward_pre_hooks_with_kwargs)))


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.__init__"))
def handle_ids_grow_and_key_the_hook_dict(nn, see):
    """Each handle has a fresh, larger id, and it is the key of the hook in the dict."""
    m = nn.Identity()
    a = m.register_forward_hook(lambda module, args, out: None)
    b = m.register_forward_hook(lambda module, args, out: None)
    see(b.id > a.id)
    see(list(m._forward_hooks) == [a.id, b.id])


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.__init__"))
def handle_does_not_keep_the_module_alive(nn, see):
    """A handle holds its dict weakly: once the module is gone, remove() does nothing."""
    m = nn.Identity()
    handle = m.register_forward_hook(lambda module, args, out: None)
    del m
    gc.collect()
    see(handle.hooks_dict_ref() is None)
    see.raises(handle.remove)


@scenario("hooks", methods=("register_forward_hook",))
def hooks_survive_deepcopy(nn, see):
    """copy.deepcopy copies the hook dicts, so the copy's hooks still run."""
    m = nn.Identity()
    m.register_forward_hook(_record)
    clone = copy.deepcopy(m)
    see(clone(torch.ones(2)))
    see(list(clone._forward_hooks.values())[0] is _record)


@scenario("hooks", methods=("register_forward_hook",))
def removing_a_hook_after_deepcopy_keeps_the_copy_hook(nn, see):
    """The handle removes the hook from the original only; the copy keeps its own."""
    m = nn.Identity()
    handle = m.register_forward_hook(_record)
    clone = copy.deepcopy(m)
    handle.remove()
    see(m(torch.ones(1)))
    see(clone(torch.ones(1)))


@scenario("hooks", methods=("register_forward_hook",))
def pickled_module_keeps_a_module_level_hook(nn, see):
    """A hook that is a module-level function is pickled by name and still runs."""
    m = nn.Identity()
    m.register_forward_hook(_record)
    loaded = pickle.loads(pickle.dumps(m))
    see(loaded(torch.ones(2)))


@scenario("hooks", methods=("register_forward_hook",))
def pickling_a_module_with_a_lambda_hook_fails(nn, see):
    """A lambda cannot be pickled, so neither can a module that holds one as a hook."""
    m = nn.Identity()
    m.register_forward_hook(lambda module, args, out: None)
    see.raises(lambda: type(pickle.dumps(m)))


@scenario("hooks", methods=("register_forward_hook", "RemovableHandle.__setstate__"))
def pickled_handle_can_still_remove_from_the_pickled_dict(nn, see):
    """A handle pickled with its module removes the hook from the loaded copy."""
    m = nn.Identity()
    handle = m.register_forward_hook(_record)
    loaded_module, loaded_handle = pickle.loads(pickle.dumps((m, handle)))
    loaded_handle.remove()
    see(len(loaded_module._forward_hooks))
    see(len(m._forward_hooks))


@scenario("hooks", methods=("register_load_state_dict_pre_hook",))
def load_pre_hook_survives_deepcopy_and_binds_the_copy(nn, see):
    """After deepcopy, the copy's load pre-hook is called with the copy, not the original."""
    m = nn.Linear(1, 1)
    got = []
    m.register_load_state_dict_pre_hook(lambda module, *rest: got.append(module))
    clone = copy.deepcopy(m)
    clone.load_state_dict(clone.state_dict())
    see(got[0] is clone)
