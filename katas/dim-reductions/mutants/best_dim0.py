"""Known-wrong: the maximum taken along dim=0: the best student of each assignment."""
import torch


def per_student_totals(scores: torch.Tensor) -> torch.Tensor:
    """Total score of each student: (students, assignments) -> (students,)."""
    return scores.sum(dim=1)


def per_assignment_means(scores: torch.Tensor) -> torch.Tensor:
    """Mean score of each assignment: (students, assignments) -> (assignments,)."""
    return scores.mean(dim=0)


def best_assignment(scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each student's best score and the index of the assignment it came from."""
    values, indices = scores.max(dim=0)
    return values, indices


def masked_mean(scores: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
    """Mean along `dim` of the entries where `mask` is True; 0 for a slice with none."""
    kept = torch.where(mask, scores, torch.zeros_like(scores))
    counts = mask.sum(dim=dim).clamp_min(1)
    return kept.sum(dim=dim) / counts


def normalize_features(x: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """Subtract the mean along `dim` and divide by the standard deviation along `dim`."""
    mean = x.mean(dim=dim, keepdim=True)
    std = x.std(dim=dim, keepdim=True)
    return (x - mean) / std
