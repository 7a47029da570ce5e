"""Kata: an MLP as an nn.Module.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    """The Fashion-MNIST classifier: 28x28 grey images in, 10 class logits out."""

    def __init__(self):
        # TODO 1: call the parent class's constructor first (before assigning any layer)
        # TODO 2: self.flatten = a layer that turns (N, 1, 28, 28) into (N, 784)
        # TODO 3: self.linear_relu_stack = an nn.Sequential of
        #         Linear(784 -> 512), ReLU, Linear(512 -> 512), ReLU, Linear(512 -> 10)
        raise NotImplementedError("NeuralNetwork.__init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: images of shape (N, 1, 28, 28); returns logits of shape (N, 10)."""
        # TODO 4: flatten x, pass it through the stack, return the raw logits (no softmax)
        raise NotImplementedError("NeuralNetwork.forward is not written yet")
