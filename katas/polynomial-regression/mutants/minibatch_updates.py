"""Known-wrong: one update per mini-batch of 4 samples in each epoch, recording the last batch's loss."""
import torch
from torch import nn


def make_features(x: torch.Tensor) -> torch.Tensor:
    """The features of a cubic: (N,) -> (N, 3), columns x, x**2, x**3."""
    return torch.stack([x, x ** 2, x ** 3], dim=1)


def fit_cubic(x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, seed: int):
    """Fit y = a + b*x + c*x**2 + d*x**3 with nn.Linear(3, 1); return (losses, tensor [a, b, c, d])."""
    torch.manual_seed(seed)
    model = nn.Linear(3, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    features = make_features(x)
    losses = []
    for _ in range(epochs):
        for first in range(0, len(x), 4):
            pred = model(features[first:first + 4]).squeeze(1)
            loss = loss_fn(pred, y[first:first + 4])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
    coeffs = torch.cat([model.bias, model.weight[0]])
    return losses, coeffs.detach()
