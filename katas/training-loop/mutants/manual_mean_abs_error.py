"""Known-wrong: train_manual uses the mean absolute error as its loss."""
import torch
from torch import nn


def train_manual(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, seed: int):
    """Fit y = w * x + b with plain tensors; returns (losses, w, b)."""
    torch.manual_seed(seed)
    w = torch.randn(1, device=x.device, requires_grad=True)
    b = torch.zeros(1, device=x.device, requires_grad=True)
    losses = []
    for _ in range(steps):
        pred = x * w + b                      # 1. predict
        loss = (pred - y).abs().mean()       # 2. loss
        losses.append(loss.item())
        loss.backward()                       # 3. backward
        with torch.no_grad():                 # 4. update, outside autograd
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()                        # 5. zero the gradients
        b.grad.zero_()
    return losses, w, b


def train_module(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, seed: int):
    """The same loop with nn.Linear, nn.MSELoss and torch.optim.SGD; returns (losses, model)."""
    torch.manual_seed(seed)
    model = nn.Linear(1, 1).to(x.device)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        pred = model(x)
        loss = loss_fn(pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, model
