"""Runs in the confined worker, beside the learner's module: a torch.Generator and an nn.Module cannot
cross the process boundary, so these drivers build them from a seed, call the learner's code and return
what it gave, as plain data. The learner's module can reach this file, so it returns observations only
(outputs, the caller's tensor after the call, the global generator's next numbers), never a verdict: the
specs compare them with the reference's, from the same driver in its own process."""
import torch
from torch import nn

GLOBAL_SEED = 2024


def _generator(seed):
    return torch.Generator().manual_seed(seed)


def dropout(module, x, p, training, seed):
    """dropout(x, p, training, generator) with a generator seeded with `seed` (named after the learner's
    function: the probes' messages name it)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        return module.dropout(x, p, training, _generator(seed))


def input_after_call(module, x, p, training, seed):
    """The result, and the caller's tensor as it is after the call (an in-place change shows there)."""
    given = x.clone()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        out = module.dropout(given, p, training, _generator(seed))
    return out, given


def with_gradient(module, x, p, seed, grad_out):
    """Forward in training mode and backward of sum(out * grad_out); returns (out, dL/dx or None)."""
    x = x.detach().clone().requires_grad_(True)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        out = module.dropout(x, p, True, _generator(seed))
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return out, None
    (out * grad_out).sum().backward()
    return out.detach(), x.grad


def randomness(module, x, p, seed):
    """Where the mask comes from: two calls with generators seeded alike, the global generator seeded
    differently before each, and the global generator's next numbers after the first call (what the rest of
    a run would draw). Each call gets its own copy of x, so that a change in place does not look like a
    mask that depends on the global generator."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(77)
        first = module.dropout(x.clone(), p, True, _generator(seed))
        after = torch.rand(3)
        torch.manual_seed(78)
        second = module.dropout(x.clone(), p, True, _generator(seed))
    return first, second, after


def with_defaults(module, x, seed):
    """The defaults: dropout(x, generator=...) (p = 0.5, training), dropout(x) and Dropout()(x) drawing from
    the global generator, seeded with `seed` before each (as torch.rand does without a generator)."""
    given = module.dropout(x.clone(), generator=_generator(seed))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        alone = module.dropout(x.clone())
        torch.manual_seed(seed)
        layer = module.Dropout()(x.clone())
    return given, alone, layer


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
    # The global generator starts from a known state (a layer that ignores its generator then gives the same
    # outputs every run), and each call gets its own copy of x (a change in place shows in its own test).
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        for mode in modes:
            if mode == "train":
                layer.train()
            else:
                layer.eval()
            outs.append(layer(x.clone()))
    return facts, outs
