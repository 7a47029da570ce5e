"""Known-wrong: the maximum along dim without keepdim, so it broadcasts against the wrong axis (or fails to)."""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    biggest = x.max(dim=dim).values
    exps = torch.exp(x - biggest)
    return exps / exps.sum(dim=dim, keepdim=True)
