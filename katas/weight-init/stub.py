"""Kata: weight initialisation by formula.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import math

import torch
from torch import nn


def fan_in_and_fan_out(weight: torch.Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a Linear weight, whose shape is (out_features, in_features)."""
    # TODO 1: read them from weight.shape; mind which dimension is which
    raise NotImplementedError("fan_in_and_fan_out is not written yet")


def xavier_uniform_(weight: torch.Tensor, gain: float = 1.0, generator=None) -> torch.Tensor:
    """Fill weight in place from U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)); return it."""
    # TODO 2: compute the bound, then fill weight in place, without autograd, drawing from `generator`
    raise NotImplementedError("xavier_uniform_ is not written yet")


def xavier_normal_(weight: torch.Tensor, gain: float = 1.0, generator=None) -> torch.Tensor:
    """Fill weight in place from N(0, std**2), std = gain * sqrt(2 / (fan_in + fan_out)); return it."""
    # TODO 3: compute the standard deviation, then fill weight in place from a normal distribution
    raise NotImplementedError("xavier_normal_ is not written yet")


def kaiming_normal_(weight: torch.Tensor, nonlinearity: str = "relu", generator=None) -> torch.Tensor:
    """Fill weight in place from N(0, std**2), std = gain / sqrt(fan_in) (He initialisation); return it."""
    # TODO 4: the gain: sqrt(2) for "relu", 1 for "linear"; then std, then fill as above
    raise NotImplementedError("kaiming_normal_ is not written yet")


def init_linear_layers(model: nn.Module, generator=None) -> None:
    """He-initialise (ReLU) the weight of every nn.Linear in model, in order, and set its bias to 0."""
    # TODO 5: visit every sub-module of model (nested ones too); for each nn.Linear:
    #         kaiming_normal_ its weight with the same generator, and set its bias (if any) to zero
    raise NotImplementedError("init_linear_layers is not written yet")
