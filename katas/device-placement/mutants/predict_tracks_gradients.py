"""Known-wrong: predict runs the model without torch.no_grad(), so its output tracks gradients."""
import torch
import torch.nn.functional as F
from torch import nn


def pick_device() -> torch.device:
    """The GPU when one is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def predict(model: nn.Module, x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Run model(x) on `device`; return the output on the CPU."""
    model.to(device)                 # a module moves in place (and returns itself)
    x = x.to(device)                 # a tensor does not: .to() returns a new tensor
    output = model(x)
    return output.cpu()


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, device: torch.device) -> float:
    """The mean squared error of model(x) against y, computed on `device`, as a Python float."""
    model.to(device)
    x, y = x.to(device), y.to(device)
    with torch.no_grad():
        loss = F.mse_loss(model(x), y)
    return loss.item()
