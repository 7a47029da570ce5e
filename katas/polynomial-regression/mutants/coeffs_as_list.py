"""Known-wrong: the coefficients returned as a Python list of floats."""
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
        pred = model(features).squeeze(1)     # 1. forward: (N, 1) -> (N,), the shape of y
        loss = loss_fn(pred, y)               # 2. loss
        losses.append(loss.item())
        optimizer.zero_grad()                 # 3. zero the old gradients, then backward
        loss.backward()
        optimizer.step()                      # 4. update the parameters
    coeffs = torch.cat([model.bias, model.weight[0]])
    return losses, coeffs.detach().tolist()
