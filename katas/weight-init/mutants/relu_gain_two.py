"""Known-wrong: the ReLU gain taken as 2 (the variance factor) instead of sqrt(2)."""
import math

import torch
from torch import nn

GAINS = {"linear": 1.0, "relu": 2.0}   # the gain that keeps the variance of the activations


def fan_in_and_fan_out(weight: torch.Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a Linear weight, whose shape is (out_features, in_features)."""
    fan_out, fan_in = weight.shape
    return fan_in, fan_out


def xavier_uniform_(weight: torch.Tensor, gain: float = 1.0, generator=None) -> torch.Tensor:
    """Fill weight in place from U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)); return it."""
    fan_in, fan_out = fan_in_and_fan_out(weight)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        weight.uniform_(-bound, bound, generator=generator)
    return weight


def xavier_normal_(weight: torch.Tensor, gain: float = 1.0, generator=None) -> torch.Tensor:
    """Fill weight in place from N(0, std**2), std = gain * sqrt(2 / (fan_in + fan_out)); return it."""
    fan_in, fan_out = fan_in_and_fan_out(weight)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        weight.normal_(0.0, std, generator=generator)
    return weight


def kaiming_normal_(weight: torch.Tensor, nonlinearity: str = "relu", generator=None) -> torch.Tensor:
    """Fill weight in place from N(0, std**2), std = gain / sqrt(fan_in) (He initialisation); return it."""
    fan_in, _ = fan_in_and_fan_out(weight)
    std = GAINS[nonlinearity] / math.sqrt(fan_in)
    with torch.no_grad():
        weight.normal_(0.0, std, generator=generator)
    return weight


def init_linear_layers(model: nn.Module, generator=None) -> None:
    """He-initialise (ReLU) the weight of every nn.Linear in model, in order, and set its bias to 0."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            kaiming_normal_(module.weight, nonlinearity="relu", generator=generator)
            if module.bias is not None:
                with torch.no_grad():
                    module.bias.zero_()
