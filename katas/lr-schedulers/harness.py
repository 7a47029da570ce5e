"""Runs in the confined worker, beside the learner's module: evaluates the schedule formulas and drives the
training loop.

`formula` calls one of the learner's schedule functions for every epoch; the specs compare the result
with the reference's formula, run by the same driver in the reference's own process (this file holds no
answer: the learner's module can reach it). `loop` builds a model, an SGD optimizer and the
torch.optim.lr_scheduler class each formula describes, runs the learner's train_with_scheduler, and
returns the learning rates it reported, the trained parameters, and the optimizer.step() and
scheduler.step() calls in order. The calls are a record of this process, so they only ever pick the
diagnosis: the learning rates and the parameters, compared with the reference's, decide the points.
"""
import warnings

import torch
from torch.optim import lr_scheduler


def formula(module, name, lr0, kwargs, epochs):
    """[name(lr0, epoch, **kwargs) for epoch in 0 .. epochs - 1], as floats."""
    function = getattr(module, name)
    return [float(function(lr0, epoch, **kwargs)) for epoch in range(epochs)]


def _kind(value):
    """What a formula returned, in a word of this file's own (never the learner's text)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float):
        return "float"
    if isinstance(value, int):
        return "int"
    if isinstance(value, torch.Tensor):
        return "tensor"
    return "other"


def returned_kinds(module, name, lr0, kwargs, epochs):
    """What name(lr0, epoch, **kwargs) returns for epoch in 0 .. epochs - 1: "float", "int", "tensor", ..."""
    function = getattr(module, name)
    return [_kind(function(lr0, epoch, **kwargs)) for epoch in range(epochs)]


def _scheduler(optimizer, name, kwargs):
    """The torch.optim.lr_scheduler class that each formula (by its name and arguments) describes."""
    if name == "step_decay":
        return lr_scheduler.StepLR(optimizer, step_size=kwargs["step_size"], gamma=kwargs["gamma"])
    if name == "exponential_decay":
        return lr_scheduler.ExponentialLR(optimizer, gamma=kwargs["gamma"])
    if name == "cosine_annealing":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=kwargs["t_max"], eta_min=kwargs.get("eta_min", 0.0))
    if name == "linear_warmup":
        return lr_scheduler.LinearLR(optimizer, start_factor=kwargs["start_factor"], end_factor=1.0,
                                     total_iters=kwargs["warmup_epochs"])
    raise ValueError(f"no scheduler for {name!r}")


def loop(module, name, lr0, kwargs, weight, bias, batches, epochs):
    """Run the learner's train_with_scheduler on nn.Linear + SGD + the named scheduler; return the record."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0], dtype=weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr0)
    scheduler = _scheduler(optimizer, name, kwargs)
    events = []
    optimizer_step, scheduler_step = optimizer.step, scheduler.step

    def recording_optimizer_step(*args, **kw):
        events.append(["optimizer.step", float(optimizer.param_groups[0]["lr"])])
        return optimizer_step(*args, **kw)

    def recording_scheduler_step(*args, **kw):
        events.append(["scheduler.step"])
        return scheduler_step(*args, **kw)

    optimizer.step, scheduler.step = recording_optimizer_step, recording_scheduler_step
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # torch warns about a scheduler stepped first; the spec says why
        lrs = module.train_with_scheduler(model, optimizer, scheduler, torch.nn.functional.mse_loss,
                                          [tuple(b) for b in batches], epochs)
    if not isinstance(lrs, (list, tuple)):
        raise TypeError(f"train_with_scheduler must return a list of learning rates, got {type(lrs).__name__}")
    return {"lrs": [float(lr) for lr in lrs], "events": events,
            "weight": model.weight.detach().clone(), "bias": model.bias.detach().clone()}
