"""Known-wrong: the hidden layer defaults to d_model features."""
import torch
from torch import nn


class FeedForward(nn.Module):
    def __init__(self, d_model, d_ff=None, dropout=0.0):
        super().__init__()
        if d_ff is None:
            d_ff = d_model
        self.layer1 = nn.Linear(d_model, d_ff)
        self.activation = nn.GELU()
        self.layer2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.layer1(x)
        x = self.activation(x)
        x = self.layer2(x)
        return self.dropout(x)
