"""A first attempt at the stable-softmax kata, as a learner might write it (used by `make demo`).

It is the textbook formula, right for small inputs: `make demo` shows the grader naming the mistake.
"""
import torch


def stable_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    exps = x.exp()
    return exps / exps.sum(dim=dim, keepdim=True)
