"""Known-wrong: forward applies torch.relu to the output of the stack."""
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    """The Fashion-MNIST classifier: 28x28 grey images in, 10 class logits out."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.flatten(x)                      # (N, 1, 28, 28) -> (N, 784)
        logits = self.linear_relu_stack(x)       # (N, 10), no softmax
        return torch.relu(logits)
