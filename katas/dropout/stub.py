"""Kata: dropout by hand, with train and eval behaviour.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Inverted dropout: in training, zero each element with probability p and scale the rest by 1 / (1 - p)."""
    # TODO 1: in evaluation (training is False), return x unchanged
    # TODO 2: draw the mask exactly as the prompt says:
    #         keep = torch.rand(x.shape, generator=generator) >= p
    # TODO 3: zero the dropped elements and divide the kept ones by (1 - p)
    raise NotImplementedError("dropout is not written yet")


class Dropout(nn.Module):
    """Dropout as a layer: .train() turns it on, .eval() turns it off."""

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None):
        # TODO 4: call super().__init__(), then keep p and generator as attributes
        raise NotImplementedError("Dropout.__init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO 5: call your dropout with self.training (set by .train() and .eval())
        raise NotImplementedError("Dropout.forward is not written yet")
