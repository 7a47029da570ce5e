"""Known-wrong: only the Linear layers in the stack, ReLU applied in forward (the layers sit at 0, 1, 2)."""
import torch
import torch.nn.functional as F
from torch import nn


class NeuralNetwork(nn.Module):
    """The Fashion-MNIST classifier: 28x28 grey images in, 10 class logits out."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.Linear(512, 512),
            nn.Linear(512, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.flatten(x)
        x = F.relu(self.linear_relu_stack[0](x))
        x = F.relu(self.linear_relu_stack[1](x))
        return self.linear_relu_stack[2](x)
