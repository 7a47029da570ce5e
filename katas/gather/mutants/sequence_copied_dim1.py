"""Known-wrong: the 2-D code copied to the sequence case, still gathering along dim=1."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, targets.unsqueeze(1)).squeeze(1)


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, targets.unsqueeze(1)).squeeze(1)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
