"""Known-wrong: the (values, indices) pair of x.max(dim=...) used as a tensor."""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax of `x` along `dim`, without overflow for large inputs."""
    shifted = x - x.max(dim=dim, keepdim=True)
    exps = torch.exp(shifted)
    return exps / exps.sum(dim=dim, keepdim=True)
