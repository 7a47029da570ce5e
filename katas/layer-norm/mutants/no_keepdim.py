"""Known-wrong: the mean and variance taken without keepdim=True, so they broadcast along the wrong axis."""
import torch


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm over the last dimension: x (..., D), gamma and beta (D,) -> (..., D)."""
    mean = x.mean(dim=-1)
    var = x.var(dim=-1, unbiased=False)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return gamma * x_hat + beta
