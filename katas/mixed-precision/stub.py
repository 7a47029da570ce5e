"""Kata: mixed precision on the CPU with torch.autocast and bfloat16.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
import torch.nn.functional as F
from torch import nn


def mixed_forward(model: nn.Module, x: torch.Tensor, y: torch.Tensor):
    """Forward pass in mixed precision: returns (logits in bfloat16, probs in float32, loss in float32)."""
    # TODO 1: run model(x) inside torch.autocast for x's device type, with dtype=torch.bfloat16
    #         (leave the model's weights as they are: float32)
    # TODO 2: cast the logits back to float32
    # TODO 3: probs: the softmax of the float32 logits over the classes (last dimension)
    # TODO 4: loss: the cross-entropy of the logits against y, in float32
    # TODO 5: return logits (still bfloat16), probs, loss
    raise NotImplementedError("mixed_forward is not written yet")


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
    """One mixed-precision training step on float32 (master) weights; returns the loss as a Python float."""
    # TODO: zero the gradients, get the loss from mixed_forward, backward, optimizer step, return loss.item()
    raise NotImplementedError("train_step is not written yet")
