"""Kata: gradient accumulation.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def train_accumulated(model: torch.nn.Module, optimizer: torch.optim.Optimizer, loss_fn,
                      micro_batches: list, k: int) -> None:
    """One pass over `micro_batches` (a list of (x, y) pairs), one optimizer step per group of k."""
    # TODO 1: clear any gradients left over from before this call
    # TODO 2: for each micro-batch (x, y): loss = loss_fn(model(x), y), scaled by 1 / (its group's size)
    # TODO 3: backward() on that scaled loss: the gradients add up in .grad
    # TODO 4: after every k-th micro-batch, and after the last one, call optimizer.step()
    #         and then optimizer.zero_grad()
    raise NotImplementedError("train_accumulated is not written yet")
