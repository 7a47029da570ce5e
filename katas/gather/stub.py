"""Kata: per-row lookups with torch.gather.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, C), targets (N,) int64 -> (N,): out[i] = logits[i, targets[i]]."""
    # TODO 1: give targets a trailing dimension so the index has as many dimensions as logits: (N, 1)
    # TODO 2: gather along the class dimension (dim=1): the result has shape (N, 1)
    # TODO 3: squeeze that trailing dimension away: shape (N,)
    raise NotImplementedError("target_scores is not written yet")


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, T, C), targets (N, T) int64 -> (N, T): out[n, t] = logits[n, t, targets[n, t]]."""
    # TODO: the same lookup, now along the last dimension (the classes)
    raise NotImplementedError("sequence_target_scores is not written yet")


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log_probs (N, C), targets (N,) int64 -> 0-dim tensor: -(1/N) * sum_i log_probs[i, targets[i]]."""
    # TODO 1: pick each row's log-probability of its target (you have a function for that)
    # TODO 2: the loss is minus their mean over the batch
    raise NotImplementedError("mean_nll is not written yet")
