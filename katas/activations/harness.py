"""Runs in the confined worker: what the spec cannot see from outside (the caller's tensor)."""


def relu_and_input_after(module, x):
    """The learner's relu(x), and x as the caller holds it after the call (to catch in-place edits)."""
    mine = x.clone()
    out = module.relu(mine)
    return out, mine
