"""Known-wrong: dropout defaults to 0.1 (GPT-2's rate) instead of 0.0."""
import torch
from torch import nn


class FeedForward(nn.Module):
    """The transformer's position-wise feed-forward block: Linear -> GELU -> Linear (-> Dropout)."""

    def __init__(self, d_model: int, d_ff: int | None = None, dropout: float = 0.1):
        super().__init__()
        if d_ff is None:
            d_ff = 4 * d_model
        self.layer1 = nn.Linear(d_model, d_ff)
        self.activation = nn.GELU()
        self.layer2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer1(x)
        x = self.activation(x)
        x = self.layer2(x)
        return self.dropout(x)
