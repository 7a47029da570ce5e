"""Kata: cross-entropy from raw logits, computed stably.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -log softmax(logits_i)[targets_i]: logits (N, C), targets (N,) int64 -> 0-dim."""
    # TODO 1: for each row, the log of the softmax denominator: logsumexp over the classes (dim=1),
    #         computed without overflow (torch.logsumexp, or subtract the row maximum before exp).
    # TODO 2: pick each row's target logit (gather along dim=1).
    # TODO 3: loss_i = logsumexp_i - target_logit_i; return the mean over the batch as a 0-dim tensor.
    raise NotImplementedError("cross_entropy is not written yet")


def soft_cross_entropy(logits: torch.Tensor, target_probs: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of -sum_c p_ic * log softmax(logits_i)_c: logits and target_probs (N, C) -> 0-dim."""
    # TODO 4: the log-probabilities of each row: logits minus their logsumexp (keep the dimension).
    # TODO 5: weight them by target_probs, sum over the classes, then average over the batch, with a minus sign.
    raise NotImplementedError("soft_cross_entropy is not written yet")
