"""Reference solution for the broadcasting kata."""
import torch


def apply_feature_weights(batch: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Scale every feature of every sample: (N, F) * (F,) -> (N, F)."""
    return batch * weights


def standardize_features(data: torch.Tensor) -> torch.Tensor:
    """Give every feature (column) mean 0 and std 1: (x - mean) / std, both taken along dim=0."""
    mean = data.mean(dim=0)   # (F,): lines up with the last dimension of (N, F)
    std = data.std(dim=0)     # torch's default: the sample std, divided by N - 1
    return (data - mean) / std


def center_each_student(scores: torch.Tensor) -> torch.Tensor:
    """Subtract each student's own mean score from that student's row."""
    return scores - scores.mean(dim=1, keepdim=True)   # (S, 1): one mean per row


def mse_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error between predictions (N, 1) and targets (N,), pairing pred[i] with target[i]."""
    return ((pred.squeeze(1) - target) ** 2).mean()


def score_gaps(totals: torch.Tensor) -> torch.Tensor:
    """Every pairwise difference: gaps[i, j] = totals[i] - totals[j], shape (N, N)."""
    return totals[:, None] - totals[None, :]
