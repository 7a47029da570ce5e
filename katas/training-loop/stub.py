"""Kata: the training loop, by hand and with torch.nn.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


def train_manual(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, seed: int):
    """Fit y = w * x + b by gradient descent on plain tensors; return (losses, w, b)."""
    torch.manual_seed(seed)
    w = torch.randn(1, device=x.device, requires_grad=True)
    b = torch.zeros(1, device=x.device, requires_grad=True)
    losses = []
    # TODO: repeat `steps` times:
    #   1. predict: pred = x * w + b
    #   2. the loss: mean squared error between pred and y; append loss.item() to losses
    #   3. backward: fill w.grad and b.grad
    #   4. update w and b against their gradients, with lr, inside torch.no_grad()
    #   5. zero the gradients for the next step
    # then return losses, w, b
    raise NotImplementedError("train_manual is not written yet")


def train_module(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, seed: int):
    """The same loop with nn.Linear, nn.MSELoss and torch.optim.SGD; return (losses, model)."""
    torch.manual_seed(seed)
    model = nn.Linear(1, 1).to(x.device)
    # TODO: make the loss function (nn.MSELoss) and the optimizer (torch.optim.SGD over model.parameters())
    # TODO: repeat `steps` times: predict with model(x), compute the loss, append loss.item() to a list,
    #       zero the gradients, backward, optimizer step
    # then return losses, model
    raise NotImplementedError("train_module is not written yet")
