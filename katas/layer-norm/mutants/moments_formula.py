"""Known-wrong: the variance as E[x^2] - E[x]^2, which cancels catastrophically for vectors far from zero."""
import torch


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension: x (..., D), gamma and beta (D,) -> (..., D)."""
    mean = x.mean(dim=-1, keepdim=True)
    var = (x * x).mean(dim=-1, keepdim=True) - mean * mean
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return gamma * x_hat + beta
