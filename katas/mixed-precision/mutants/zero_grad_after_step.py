"""Known-wrong: train_step clears the gradients after optimizer.step() instead of at its start."""
import torch
import torch.nn.functional as F
from torch import nn


def mixed_forward(model: nn.Module, x: torch.Tensor, y: torch.Tensor):
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
        logits = model(x)
    logits_fp32 = logits.float()
    probs = logits_fp32.softmax(dim=-1)
    loss = F.cross_entropy(logits_fp32, y)
    return logits, probs, loss


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
    _, _, loss = mixed_forward(model, x, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()                       # too late: what was there before the call went into this step
    return loss.item()
