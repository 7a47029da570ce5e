"""Known-wrong: resume also calls model.eval(), so the training that goes on runs without dropout and with batch norm frozen."""
import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int, path: str) -> None:
    """Save the model's and the optimizer's state_dict, and the epoch, to `path`."""
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": epoch,
    }
    torch.save(checkpoint, path)


def load_model(path: str, model: nn.Module) -> nn.Module:
    """Load the weights saved at `path` into `model` (freshly built), switch it to evaluation mode, return it."""
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    model.eval()
    return model


def resume(path: str, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """Load the model's and the optimizer's state saved at `path` into fresh ones; return the saved epoch."""
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    model.eval()
    return checkpoint["epoch"]
