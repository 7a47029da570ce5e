"""Kata: reductions along a dimension (sum, mean, max, argmax, keepdim).

`scores` has shape (students, assignments): row i is student i, column j is assignment j.
Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def per_student_totals(scores: torch.Tensor) -> torch.Tensor:
    """Total score of each student: (students, assignments) -> (students,)."""
    # TODO: sum over the assignments. Which dimension indexes the assignments?
    raise NotImplementedError("per_student_totals is not written yet")


def per_assignment_means(scores: torch.Tensor) -> torch.Tensor:
    """Mean score of each assignment: (students, assignments) -> (assignments,)."""
    # TODO: average over the students (one value per assignment, not one number in all)
    raise NotImplementedError("per_assignment_means is not written yet")


def best_assignment(scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each student's best score and the index of the assignment it came from.

    Returns (values, indices), both of shape (students,); indices are int64.
    """
    # TODO: one call gives both the maximum and where it is, along the right dimension
    raise NotImplementedError("best_assignment is not written yet")


def masked_mean(scores: torch.Tensor, mask: torch.Tensor, dim: int) -> torch.Tensor:
    """Mean along `dim` of the entries where `mask` (a bool tensor shaped like scores) is True.

    Entries where the mask is False may hold anything, even NaN: ignore them.
    A slice with no True entry at all gives 0.
    """
    # TODO 1: replace the masked-out entries by 0 (careful: NaN * 0 is still NaN)
    # TODO 2: sum along `dim`
    # TODO 3: divide by how many entries were kept in each slice (at least 1)
    raise NotImplementedError("masked_mean is not written yet")


def normalize_features(x: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """Standardise x along `dim`: every slice along `dim` gets mean 0 and std 1.

    Use the standard deviation as torch computes it by default (correction=1).
    """
    # TODO 1: the mean along `dim`, keeping that dimension so it broadcasts back
    # TODO 2: the standard deviation along `dim`, also keeping the dimension
    # TODO 3: subtract the mean, divide by the standard deviation
    raise NotImplementedError("normalize_features is not written yet")
