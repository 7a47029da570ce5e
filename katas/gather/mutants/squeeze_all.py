"""Known-wrong: .squeeze() with no argument also drops batch dimensions of size 1."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, targets.unsqueeze(1)).squeeze()


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(2, targets.unsqueeze(2)).squeeze()


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -target_scores(log_probs, targets).mean()
