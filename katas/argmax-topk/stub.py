"""Kata: finding the best items per row with argmax and topk.

`logits` and `scores` have one row per sample and one column per class (or item).
Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def predicted_class(logits: torch.Tensor) -> torch.Tensor:
    """The class with the highest score for each sample: (N, C) -> (N,), int64."""
    # TODO 1: find the index (not the value) of the largest score in each row.
    #         Which dimension runs over the classes?
    raise NotImplementedError("predicted_class is not written yet")


def top_k(scores: torch.Tensor, k: int, dim: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """The k largest scores along `dim`, largest first, and where they are.

    Returns the pair (values, indices); both have the shape of `scores` with size k along `dim`.
    """
    # TODO 2: one torch call gives both the k largest values and their indices, along `dim`
    raise NotImplementedError("top_k is not written yet")


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The fraction of samples whose predicted class equals the target, as a Python float.

    logits: (N, C) scores; targets: (N,) int64 class numbers. The result lies between 0 and 1.
    """
    # TODO 3: the predicted class of every sample (as in predicted_class)
    # TODO 4: compare with targets: a bool tensor of shape (N,)
    # TODO 5: turn it into a fraction and then into a Python number
    raise NotImplementedError("accuracy is not written yet")
