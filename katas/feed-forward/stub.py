"""Kata: the transformer's feed-forward block as an nn.Module.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


class FeedForward(nn.Module):
    """The transformer's position-wise feed-forward block: Linear -> GELU -> Linear (-> Dropout)."""

    def __init__(self, d_model: int, d_ff: int | None = None, dropout: float = 0.0):
        # TODO 1: call super().__init__(); when d_ff is None, use 4 * d_model
        # TODO 2: self.layer1 = a Linear layer from d_model to d_ff features
        # TODO 3: self.activation = GELU, self.layer2 = a Linear layer from d_ff back to d_model features
        # TODO 4: self.dropout = nn.Dropout(dropout)
        raise NotImplementedError("FeedForward.__init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO 5: x (..., d_model) -> layer1 -> activation -> layer2 -> dropout -> (..., d_model)
        raise NotImplementedError("FeedForward.forward is not written yet")
