"""Known-wrong: __init__ takes the layer sizes as required arguments."""
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    """The Fashion-MNIST classifier: 28x28 grey images in, 10 class logits out."""

    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(input_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.flatten(x)                      # (N, 1, 28, 28) -> (N, 784)
        logits = self.linear_relu_stack(x)       # (N, 10), no softmax
        return logits
