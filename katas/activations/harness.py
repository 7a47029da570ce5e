"""Runs in the confined worker, beside the learner's module: what the spec cannot see from outside (the
caller's tensor after the call). It returns observations only; the specs compare them with the reference's
result and with the input as the spec itself sent it."""


def relu_and_input_after(module, x):
    """The learner's relu(x), and x as the caller holds it after the call (to catch in-place edits)."""
    mine = x.clone()
    out = module.relu(mine)
    return out, mine
