"""Known-wrong: targets.unsqueeze(0) makes a (1, N) index, so only row 0 is read."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, targets.unsqueeze(0)).squeeze(1)


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(2, targets.unsqueeze(2)).squeeze(2)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
