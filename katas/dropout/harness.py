"""Runs in the confined worker: a torch.Generator and an nn.Module cannot cross the process
boundary, so these drivers build them from a seed, call the learner's code and return plain data."""
import torch
from torch import nn


def _generator(seed):
    return torch.Generator().manual_seed(seed)


def call(module, x, p, training, seed):
    """dropout(x, p, training, generator) with a generator seeded with `seed`."""
    return module.dropout(x, p, training, _generator(seed))


def input_after_call(module, x, p, training, seed):
    """The result, and whether the call left its input tensor as it was (no in-place change)."""
    given = x.clone()
    out = module.dropout(given, p, training, _generator(seed))
    return out, bool(torch.equal(given, x))


def with_gradient(module, x, p, seed, grad_out):
    """Forward in training mode and backward of sum(out * grad_out); returns (out, dL/dx or None)."""
    x = x.detach().clone().requires_grad_(True)
    out = module.dropout(x, p, True, _generator(seed))
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return out, None
    (out * grad_out).sum().backward()
    return out.detach(), x.grad


def randomness(module, x, p, seed):
    """Facts about where the mask comes from: two calls with generators seeded alike must agree,
    and the global random number generator must be left alone."""
    state = torch.get_rng_state()
    first = module.dropout(x, p, True, _generator(seed))
    untouched = bool(torch.equal(state, torch.get_rng_state()))
    torch.rand(5)   # move the global generator: a mask drawn from it would change
    second = module.dropout(x, p, True, _generator(seed))
    same = isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and \
        first.shape == second.shape and bool(torch.equal(first, second))
    return {"same_for_same_seed": same, "global_rng_untouched": untouched}


def layer_run(module, x, p, seed, modes):
    """Build Dropout(p, generator=...) (Dropout(generator=...) when p is None), then call it once
    per mode ("train" or "eval"), switching with .train() / .eval(). Returns (facts, outputs)."""
    gen = _generator(seed)
    layer = module.Dropout(generator=gen) if p is None else module.Dropout(p, generator=gen)
    facts = {"is_module": isinstance(layer, nn.Module)}
    if not facts["is_module"]:
        return facts, []
    facts["parameters"] = sum(1 for _ in layer.parameters())
    facts["training_at_start"] = bool(layer.training)
    outs = []
    for mode in modes:
        if mode == "train":
            layer.train()
        else:
            layer.eval()
        outs.append(layer(x))
    return facts, outs
