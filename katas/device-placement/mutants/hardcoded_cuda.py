"""Known-wrong: "cuda" is written everywhere instead of checking for a GPU and using `device`."""
import torch
import torch.nn.functional as F
from torch import nn


def pick_device() -> torch.device:
    """The GPU when one is available, else the CPU."""
    return torch.device("cuda")


def predict(model: nn.Module, x: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Run model(x) on `device`; return the output on the CPU."""
    model.to("cuda")
    x = x.to("cuda")
    with torch.no_grad():
        output = model(x)
    return output.cpu()


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, device: torch.device) -> float:
    """The mean squared error of model(x) against y, computed on `device`, as a Python float."""
    model.to("cuda")
    x, y = x.to("cuda"), y.to("cuda")
    with torch.no_grad():
        loss = F.mse_loss(model(x), y)
    return loss.item()
