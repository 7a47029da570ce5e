"""Kata: nn.Linear by hand.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import math

import torch


def linear_forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """What nn.Linear computes: x (..., in_features), weight (out_features, in_features),
    bias (out_features,) or None -> (..., out_features)."""
    # TODO 1: multiply x by the weight. weight is stored (out_features, in_features), like nn.Linear's,
    #         so think about which side it goes on and whether it needs a transpose.
    # TODO 2: add the bias (one value per output feature), unless bias is None.
    #         Leading dimensions of x, (N,) or (B, T), must come out unchanged.
    raise NotImplementedError("linear_forward is not written yet")


def init_linear(in_features: int, out_features: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.Linear's default initialisation: weight (out_features, in_features), then bias (out_features,),
    both drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)) with `generator`."""
    # TODO 3: compute the bound 1 / sqrt(in_features).
    # TODO 4: draw the weight first, then the bias, uniformly in [-bound, bound) from `generator`.
    # TODO 5: return (weight, bias), both with requires_grad=True.
    raise NotImplementedError("init_linear is not written yet")
