"""Kata: LayerNorm from scratch.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension: x (..., D), gamma and beta (D,) -> (..., D)."""
    # TODO 1: the mean of each vector along the last dimension (keep that dimension for broadcasting).
    # TODO 2: the variance of each vector along the last dimension: the biased one, dividing by D.
    # TODO 3: x_hat = (x - mean) / sqrt(variance + eps).
    # TODO 4: scale and shift with the learnable parameters: gamma * x_hat + beta.
    raise NotImplementedError("layer_norm is not written yet")
