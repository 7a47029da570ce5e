"""Known-wrong: the mean and the variance cut from the autograd graph, as if they were constants."""
import torch


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension: x (..., D), gamma and beta (D,) -> (..., D)."""
    mean = x.mean(dim=-1, keepdim=True).detach()
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True).detach()
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return gamma * x_hat + beta
