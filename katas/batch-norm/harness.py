"""Runs in the confined worker, beside the learner's module: builds the learner's BatchNorm1d, drives it
through a sequence of training and evaluation steps, and returns plain data (outputs, running statistics,
gradients, and what the layer holds). The learner's module can reach this file, so these are observations:
the specs compare them with torch's own nn.BatchNorm1d, run on the trusted side, and what the layer
holds (its parameters and buffers, its mode) counts only together with what it computes."""
import torch
from torch import nn


def _shapes(named):
    return {name: list(t.shape) for name, t in named}


def facts(layer):
    """What a fresh layer holds: its parameters, its buffers and their starting values."""
    if not isinstance(layer, nn.Module):
        return {"is_module": False}
    found = {"is_module": True, "training": bool(layer.training),
             "parameters": _shapes(layer.named_parameters()), "buffers": _shapes(layer.named_buffers()),
             "state_dict": sorted(layer.state_dict().keys())}
    for name in ("weight", "bias", "running_mean", "running_var"):
        value = getattr(layer, name, None)
        found[name] = value.detach().clone() if isinstance(value, torch.Tensor) else None
    return found


def fresh(module, num_features, options, x):
    """BatchNorm1d(num_features, **options), as constructed; then its first training step on x (the output
    and the running statistics after it)."""
    layer = module.BatchNorm1d(num_features, **options)
    found = facts(layer)
    if found["is_module"]:
        layer.train()
        with torch.no_grad():
            found["first_step"] = {"out": layer(x).detach().clone(),
                                   "running_mean": layer.running_mean.detach().clone(),
                                   "running_var": layer.running_var.detach().clone()}
    return found


def run(module, num_features, options, gamma, beta, steps, dtype=torch.float32):
    """Build BatchNorm1d(num_features, **options), set weight = gamma and bias = beta, convert it to
    `dtype`, then for each step (mode, x, grad_out) call .train() or .eval() and the layer on x.
    With a grad_out, also backward of sum(out * grad_out). Returns one record per step."""
    layer = module.BatchNorm1d(num_features, **options)
    with torch.no_grad():
        layer.weight.copy_(gamma)
        layer.bias.copy_(beta)
    layer.to(dtype)
    records = []
    for mode, x, grad_out in steps:
        if mode == "train":
            layer.train()
        else:
            layer.eval()
        x = x.to(dtype).requires_grad_(grad_out is not None)
        out = layer(x)
        record = {"out": out.detach().clone(),
                  "running_mean": layer.running_mean.detach().clone(),
                  "running_var": layer.running_var.detach().clone(),
                  "stats_require_grad": bool(layer.running_mean.requires_grad or layer.running_var.requires_grad)}
        if grad_out is not None:
            layer.zero_grad()
            (out * grad_out.to(dtype)).sum().backward()
            record["x_grad"] = x.grad
            record["weight_grad"] = None if layer.weight.grad is None else layer.weight.grad.clone()
            record["bias_grad"] = None if layer.bias.grad is None else layer.bias.grad.clone()
        records.append(record)
    return records
