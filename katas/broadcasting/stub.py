"""Kata: broadcasting (align the trailing dimensions; size-1 dimensions stretch).

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def apply_feature_weights(batch: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Scale every feature of every sample: (N, F) * (F,) -> (N, F)."""
    # TODO 1: one element-wise operation; line the shapes up from the right
    raise NotImplementedError("apply_feature_weights is not written yet")


def standardize_features(data: torch.Tensor) -> torch.Tensor:
    """Give every feature (column) mean 0 and std 1: (x - mean) / std, both taken along dim=0.

    Use torch's default std (the sample std, which divides by N - 1).
    """
    # TODO 2: the mean and the std of each feature: which dim runs over the samples?
    # TODO 3: subtract and divide; check that the statistics' shape lines up with (N, F)
    raise NotImplementedError("standardize_features is not written yet")


def center_each_student(scores: torch.Tensor) -> torch.Tensor:
    """Subtract each student's own mean score from that student's row: (S, A) -> (S, A)."""
    # TODO 4: one mean per student (per row), shaped so that it stretches along the row
    raise NotImplementedError("center_each_student is not written yet")


def mse_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error between predictions (N, 1) and targets (N,), pairing pred[i] with target[i].

    Returns a 0-dim tensor.
    """
    # TODO 5: make the two shapes agree first: what does (N, 1) - (N,) broadcast to?
    raise NotImplementedError("mse_loss is not written yet")


def score_gaps(totals: torch.Tensor) -> torch.Tensor:
    """Every pairwise difference: gaps[i, j] = totals[i] - totals[j], shape (N, N)."""
    # TODO 6: a column (N, 1) minus a row (1, N) broadcasts to (N, N)
    raise NotImplementedError("score_gaps is not written yet")
