"""Runs in the confined worker: calls the learner's initialisers on fresh parameters, returns the values.

A torch.Generator cannot cross the process boundary, so the spec sends its seed and the generator is
made here. The global RNG is seeded too (and put back afterwards), with a different seed, so a draw
that forgets `generator=` is still deterministic, and recognisable. Linear layers are built without
their own initialisation (it calls torch.nn.init functions this kata switches off) and every
parameter is given a known value first, so untouched entries show.
"""
import torch
from torch import nn

GLOBAL_SEED = 2024


class InPlaceOnLeafError(Exception):
    """A parameter that requires grad was changed in place while autograd was recording."""


def _draw(call):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        try:
            return call()
        except RuntimeError as exc:
            if "leaf Variable that requires grad is being used in an in-place operation" in str(exc):
                raise InPlaceOnLeafError(str(exc)).with_traceback(exc.__traceback__) from None  # keeps the learner-side line
            raise


def fill(module, name, shape, dtype, seed, kwargs):
    """module.<name>(weight, generator=Generator(seed), **kwargs) on a NaN-filled nn.Parameter."""
    weight = nn.Parameter(torch.full(shape, float("nan"), dtype=dtype))
    generator = torch.Generator().manual_seed(seed)
    returned = _draw(lambda: getattr(module, name)(weight, generator=generator, **kwargs))
    return {"weight": weight.detach().clone(), "returned_weight": returned is weight}


def _linear(fan_in, fan_out, bias=True):
    """An nn.Linear built without its own initialisation (which calls the switched-off torch.nn.init functions)."""
    reset_parameters = nn.Linear.reset_parameters
    nn.Linear.reset_parameters = lambda self: None
    try:
        layer = nn.Linear(fan_in, fan_out, bias=bias)
    finally:
        nn.Linear.reset_parameters = reset_parameters
    with torch.no_grad():
        layer.weight.fill_(0.5)
        if bias:
            layer.bias.fill_(0.1)
    return layer


def _model(nested):
    if not nested:
        return nn.Sequential(_linear(6, 8), nn.ReLU(), _linear(8, 8), nn.ReLU(), _linear(8, 3))
    norm = nn.LayerNorm(8)
    with torch.no_grad():
        norm.weight.fill_(1.5)
        norm.bias.fill_(-0.2)
    block = nn.Sequential(_linear(8, 8, bias=False), norm, nn.ReLU())
    return nn.Sequential(_linear(6, 8), nn.ReLU(), block, _linear(8, 3))


def init_model(module, nested, seed):
    """Run the learner's init_linear_layers on a small MLP (nested: with a sub-block and a LayerNorm)."""
    model = _model(nested)
    generator = torch.Generator().manual_seed(seed)
    _draw(lambda: module.init_linear_layers(model, generator=generator))
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def fill_with_defaults(module, name, shape, seed):
    """module.<name>(weight) with every other argument left to its default (generator=None: the global
    generator, seeded here with `seed`, as torch.nn.init would draw from it)."""
    weight = nn.Parameter(torch.full(shape, float("nan")))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        returned = getattr(module, name)(weight)
    return {"weight": weight.detach().clone(), "returned_weight": returned is weight}


def init_model_with_defaults(module, seed):
    """The learner's init_linear_layers(model) without a generator, the global one seeded with `seed`."""
    model = _model(nested=False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module.init_linear_layers(model)
    return {name: value.detach().clone() for name, value in model.state_dict().items()}
