"""Known-wrong: the kept elements divided by p instead of (1 - p)."""
import torch
from torch import nn


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Inverted dropout: in training, zero each element with probability p and scale the rest by 1 / (1 - p)."""
    if not training:
        return x
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / p


class Dropout(nn.Module):
    """Dropout as a layer: .train() turns it on, .eval() turns it off."""

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None):
        super().__init__()
        self.p = p
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dropout(x, self.p, self.training, self.generator)
