"""Known-wrong: subtracts the maximum in place, changing the caller's x (and failing on a leaf that requires grad)."""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x -= x.amax(dim=dim, keepdim=True)
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
