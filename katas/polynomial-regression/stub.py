"""Kata: polynomial regression with nn.Linear, nn.MSELoss and torch.optim.SGD.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


def make_features(x: torch.Tensor) -> torch.Tensor:
    """The features of a cubic: (N,) -> (N, 3), columns x, x**2, x**3."""
    # TODO 1: compute x squared and x cubed (element by element)
    # TODO 2: put x, x**2, x**3 side by side as the 3 columns of an (N, 3) tensor
    raise NotImplementedError("make_features is not written yet")


def fit_cubic(x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, seed: int):
    """Fit y = a + b*x + c*x**2 + d*x**3 with nn.Linear(3, 1); return (losses, tensor [a, b, c, d])."""
    torch.manual_seed(seed)
    model = nn.Linear(3, 1)
    # TODO 1: the loss function (nn.MSELoss) and the optimizer (torch.optim.SGD over this model's parameters, lr=lr)
    # TODO 2: the features of x, built once with make_features
    # TODO 3: repeat `epochs` times:
    #   forward: the prediction model(features), reshaped to y's shape (N,)
    #   loss: compare it with y; append loss.item() to a list
    #   zero the gradients, then backward
    #   step: update the parameters
    # TODO 4: return (losses, coeffs) with coeffs = [bias, w_x, w_x2, w_x3], a tensor of shape (4,)
    raise NotImplementedError("fit_cubic is not written yet")
