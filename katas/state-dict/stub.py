"""Kata: saving and loading with state_dict.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int, path: str) -> None:
    """Save the model's and the optimizer's state_dict, and the epoch, to `path`."""
    # TODO 1: build a dict with three keys: "model" (the model's state_dict), "optimizer" (the optimizer's
    #         state_dict) and "epoch"
    # TODO 2: write it to `path` with torch.save
    raise NotImplementedError("save_checkpoint is not written yet")


def load_model(path: str, model: nn.Module) -> nn.Module:
    """Load the weights saved at `path` into `model` (freshly built), switch it to evaluation mode, return it."""
    # TODO 1: read the checkpoint with torch.load, passing weights_only=True
    # TODO 2: put the saved weights into `model` (load_state_dict)
    # TODO 3: switch the model to evaluation mode and return it
    raise NotImplementedError("load_model is not written yet")


def resume(path: str, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """Load the model's and the optimizer's state saved at `path` into fresh ones; return the saved epoch."""
    # TODO 1: read the checkpoint (torch.load with weights_only=True)
    # TODO 2: load the model's state and the optimizer's state
    # TODO 3: return the saved epoch
    raise NotImplementedError("resume is not written yet")
