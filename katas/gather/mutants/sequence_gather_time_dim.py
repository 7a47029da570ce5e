"""Known-wrong: sequence_target_scores gathers along dim=1, the time steps, with an (N, T, 1) index."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, C), targets (N,) int64 -> (N,): out[i] = logits[i, targets[i]]."""
    return logits.gather(1, targets.unsqueeze(1)).squeeze(1)


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """logits (N, T, C), targets (N, T) int64 -> (N, T): out[n, t] = logits[n, t, targets[n, t]]."""
    return logits.gather(1, targets.unsqueeze(-1)).squeeze(-1)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log_probs (N, C), targets (N,) int64 -> scalar: -mean_i log_probs[i, targets[i]]."""
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
