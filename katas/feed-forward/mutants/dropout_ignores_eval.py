"""Known-wrong: F.dropout without training=self.training, so it drops in evaluation mode too."""
import torch
import torch.nn.functional as F
from torch import nn


class FeedForward(nn.Module):
    def __init__(self, d_model, d_ff=None, dropout=0.0):
        super().__init__()
        if d_ff is None:
            d_ff = 4 * d_model
        self.layer1 = nn.Linear(d_model, d_ff)
        self.activation = nn.GELU()
        self.layer2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)
        self.p = dropout

    def forward(self, x):
        x = self.layer1(x)
        x = self.activation(x)
        x = self.layer2(x)
        return F.dropout(x, self.p)
