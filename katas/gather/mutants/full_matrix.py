"""Known-wrong: advanced indexing that pairs every row with every target, an (N, N) matrix."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits[:, targets]


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits[:, :, targets]


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -target_scores(log_probs, targets).mean()
