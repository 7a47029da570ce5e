"""Known-wrong: the predicted classes with keepdim=True: shape (N, 1)."""
import torch


def predicted_class(logits: torch.Tensor) -> torch.Tensor:
    """The class with the highest score for each sample: (N, C) -> (N,), int64."""
    return logits.argmax(dim=1, keepdim=True)


def top_k(scores: torch.Tensor, k: int, dim: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """The k largest scores along `dim`, largest first, and where they are: (values, indices)."""
    values, indices = torch.topk(scores, k, dim=dim)
    return values, indices


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The fraction of samples whose predicted class equals the target, as a Python float."""
    correct = logits.argmax(dim=1) == targets
    return correct.float().mean().item()
