"""Known-wrong: .squeeze() with no argument in target_scores also drops a batch dimension of size 1."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, C), targets (N,) int64 -> (N,): out[i] = logits[i, targets[i]]."""
    return logits.gather(1, targets.unsqueeze(1)).squeeze()


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, T, C), targets (N, T) int64 -> (N, T): out[n, t] = logits[n, t, targets[n, t]]."""
    return logits.gather(2, targets.unsqueeze(2)).squeeze(2)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log_probs (N, C), targets (N,) int64 -> scalar: -mean_i log_probs[i, targets[i]]."""
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
