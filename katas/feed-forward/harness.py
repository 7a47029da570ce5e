"""Runs in the confined worker: builds the learner's FeedForward, reports its parameters, loads
given weights into it by name and runs it. Modules cannot cross the process boundary: the specs get
plain data (parameter names and shapes, outputs)."""
import torch
from torch import nn


def _build(module, d_model, d_ff, dropout):
    kwargs = {}
    if d_ff is not None:
        kwargs["d_ff"] = d_ff
    if dropout:
        kwargs["dropout"] = dropout
    return module.FeedForward(d_model, **kwargs)


def describe(module, d_model, d_ff=None, dropout=0.0):
    """FeedForward(d_model[, d_ff][, dropout]) as built: is it a module, its parameters' names and shapes."""
    layer = _build(module, d_model, d_ff, dropout)
    if not isinstance(layer, nn.Module):
        return {"is_module": False}
    return {"is_module": True,
            "parameters": {name: list(p.shape) for name, p in layer.named_parameters()},
            "count": sum(p.numel() for p in layer.parameters()),
            "children": {name: type(child).__name__ for name, child in layer.named_children()},
            "state_keys": sorted(layer.state_dict().keys())}


def forward(module, d_model, d_ff, state, x, dropout=0.0, training=False, seed=None):
    """Build the block, convert it to x's dtype, load `state` (strict), switch to training or
    evaluation mode, seed the global generator (dropout draws from it) when asked, run it on x."""
    layer = _build(module, d_model, d_ff, dropout)
    layer.to(x.dtype)
    layer.load_state_dict(state)
    layer.train(training)
    if seed is not None:
        torch.manual_seed(seed)
    with torch.no_grad():
        return layer(x)
