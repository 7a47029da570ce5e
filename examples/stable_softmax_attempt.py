"""A first attempt at the stable-softmax kata, as a learner might write it (used by `make demo`).

It subtracts the maximum, as the prompt asks, but divides by a sum that lost its dimension: right
for a vector, wrong for a matrix. `make demo` shows the grader naming the mistake.
"""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True)
    exps = shifted.exp()
    return exps / exps.sum(dim=dim)
