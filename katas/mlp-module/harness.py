"""Runs in the confined worker: builds the learner's NeuralNetwork and reports on it as plain data.

A model cannot cross the process boundary, so each driver builds it here (right after
torch.manual_seed(seed), with the grader's global RNG state put back afterwards) and returns
what the specs compare: the layer types, the parameter names and shapes, the logits and the
gradients for a fixed set of weights.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

# The parameters the prompt names, in order, with their shapes.
PARAMETERS = (
    ("linear_relu_stack.0.weight", (512, 784)),
    ("linear_relu_stack.0.bias", (512,)),
    ("linear_relu_stack.2.weight", (512, 512)),
    ("linear_relu_stack.2.bias", (512,)),
    ("linear_relu_stack.4.weight", (10, 512)),
    ("linear_relu_stack.4.bias", (10,)),
)


class LayerShapeError(Exception):
    """The input reached a layer with a shape it cannot take (usually: the images were not flattened)."""


def _call(model, x):
    """model(x), with a shape mismatch inside a Linear layer reported as its own kind of error."""
    try:
        return model(x)
    except RuntimeError as exc:
        if "shapes cannot be multiplied" in str(exc):
            raise LayerShapeError(str(exc)).with_traceback(exc.__traceback__) from None  # keeps the learner-side line
        raise


def _build(module, seed):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return module.NeuralNetwork()


def describe(module, seed=0):
    """The model's structure as plain data: its type, its sub-layers, its parameters."""
    model = _build(module, seed)
    if not isinstance(model, nn.Module):
        return {"is_module": False, "type": type(model).__name__}
    stack = getattr(model, "linear_relu_stack", None)
    return {
        "is_module": True,
        "type": type(model).__name__,
        "children": [[name, type(child).__name__] for name, child in model.named_children()],
        "stack": [type(layer).__name__ for layer in stack] if isinstance(stack, nn.Sequential) else None,
        "parameters": [[name, list(p.shape)] for name, p in model.named_parameters()],
        "count": sum(p.numel() for p in model.parameters()),
    }


def weights(seed):
    """A fixed set of float32 weights, drawn like nn.Linear's default (uniform in +-1/sqrt(fan_in))."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for name, shape in PARAMETERS:
        fan_in = dict(PARAMETERS)[name.replace(".bias", ".weight")][1]
        bound = 1.0 / math.sqrt(fan_in)
        state[name] = (torch.rand(shape, generator=gen) * 2 - 1) * bound
    return state


def _loaded(module, seed, dtype):
    model = _build(module, 0)
    model.load_state_dict({name: w.to(dtype) for name, w in weights(seed).items()})
    return model.to(dtype)


def logits(module, seed, x):
    """The model's output for images x, with the weights `weights(seed)`, in eval mode without autograd."""
    model = _loaded(module, seed, x.dtype)
    model.eval()
    with torch.no_grad():
        return _call(model, x)


def gradients(module, seed, x, target):
    """d(cross-entropy of the model's output)/d(parameter) for every parameter, by name (None if missing)."""
    model = _loaded(module, seed, x.dtype)
    model.train()
    out = _call(model, x)
    if isinstance(out, torch.Tensor) and out.requires_grad:
        F.cross_entropy(out, target).backward()
    return {name: None if p.grad is None else p.grad.detach().clone() for name, p in model.named_parameters()}
