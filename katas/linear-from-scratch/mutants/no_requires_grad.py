"""Known-wrong: the parameters returned without requires_grad=True."""
import math

import torch


def linear_forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """What nn.Linear computes: x (..., in_features), weight (out_features, in_features),
    bias (out_features,) or None -> (..., out_features)."""
    y = x @ weight.T
    if bias is not None:
        y = y + bias
    return y


def init_linear(in_features: int, out_features: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.Linear's default initialisation: weight (out_features, in_features), then bias (out_features,),
    both drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)) with `generator`."""
    bound = 1 / math.sqrt(in_features)
    weight = torch.empty(out_features, in_features).uniform_(-bound, bound, generator=generator)
    bias = torch.empty(out_features).uniform_(-bound, bound, generator=generator)
    return weight, bias
