"""Kata: choosing a device and putting the model and its data on it.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
import torch.nn.functional as F
from torch import nn


def pick_device() -> torch.device:
    """The GPU when one is available, else the CPU."""
    # TODO: ask torch.cuda.is_available() and build the matching torch.device
    raise NotImplementedError("pick_device is not written yet")


def predict(model: nn.Module, x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Run model(x) on `device`; return the output on the CPU."""
    # TODO 1: move the model to `device`
    # TODO 2: move x to `device` (careful: what does x.to(...) return?)
    # TODO 3: run the model without tracking gradients
    # TODO 4: bring the output back to the CPU and return it
    raise NotImplementedError("predict is not written yet")


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, device: torch.device) -> float:
    """The mean squared error of model(x) against y, computed on `device`, as a Python float."""
    # TODO 1: put the model, x and y on `device`
    # TODO 2: the mean squared error of model(x) against y, without tracking gradients
    # TODO 3: return it as a Python float
    raise NotImplementedError("evaluate is not written yet")
