"""Known-wrong: returns log-softmax (the shifted values minus the log of their exp-sum), not the probabilities."""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax of `x` along `dim`, without overflow for large inputs."""
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - torch.exp(shifted).sum(dim=dim, keepdim=True).log()
