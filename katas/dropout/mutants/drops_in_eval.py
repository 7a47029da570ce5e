"""Known-wrong: the training flag is ignored: it drops in evaluation mode too."""
import torch
from torch import nn


def dropout(x, p=0.5, training=True, generator=None):
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)


class Dropout(nn.Module):
    def __init__(self, p=0.5, generator=None):
        super().__init__()
        self.p = p
        self.generator = generator

    def forward(self, x):
        return dropout(x, self.p, self.training, self.generator)
