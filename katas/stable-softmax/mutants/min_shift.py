"""Known-wrong: subtracts the minimum instead of the maximum, so the exponents can be large and positive."""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    exps = torch.exp(x - x.amin(dim=dim, keepdim=True))
    return exps / exps.sum(dim=dim, keepdim=True)
