"""Known-wrong: logits[:, targets] in target_scores pairs every row with every target, an (N, N) matrix."""
import torch


def target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits[:, targets]


def sequence_target_scores(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return logits.gather(2, targets.unsqueeze(2)).squeeze(2)


def mean_nll(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()
