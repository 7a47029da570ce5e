"""Known-wrong: the softmax is taken over dim 0, the batch, instead of over the classes."""
import torch
import torch.nn.functional as F
from torch import nn


def mixed_forward(model: nn.Module, x: torch.Tensor, y: torch.Tensor):
    """Forward pass in mixed precision: returns (logits in bfloat16, probs in float32, loss in float32)."""
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        logits = model(x)                       # the linear layers run in bfloat16
    logits_fp32 = logits.float()                # cast back before anything that needs precision
    probs = logits_fp32.softmax(dim=0)
    loss = F.cross_entropy(logits_fp32, y)
    return logits, probs, loss


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
    """One mixed-precision training step on float32 (master) weights; returns the loss as a Python float."""
    optimizer.zero_grad()
    _, _, loss = mixed_forward(model, x, y)
    loss.backward()                             # outside autocast: the gradients are float32, like the weights
    optimizer.step()
    return loss.item()
