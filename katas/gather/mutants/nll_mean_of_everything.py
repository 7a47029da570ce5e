"""Known-wrong: the loss averages every entry of log_probs, not each row's target entry."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, targets.unsqueeze(1)).squeeze(1)


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(2, targets.unsqueeze(2)).squeeze(2)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -log_probs.mean()
