"""Kata: element-wise `*` versus the matrix product `@`.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def both_products(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(element-wise product, matrix product) of two square matrices of the same shape."""
    # TODO 1: multiply the entries in the same positions
    # TODO 2: the matrix product of a and b (in that order)
    raise NotImplementedError("both_products is not written yet")


def weighted_totals(scores: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Each student's weighted total: (students, assignments) @ (assignments,) -> (students,)."""
    # TODO 3: sum over the assignments of score times weight, for every student at once
    raise NotImplementedError("weighted_totals is not written yet")


def linear_forward(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """A linear layer on a batch: X (batch, in) @ W (in, out) + b (out,) -> (batch, out)."""
    # TODO 4: check the shapes: (batch, in) @ (in, out) -> (batch, out); then add the bias
    raise NotImplementedError("linear_forward is not written yet")


def linear_nn_layout(X: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """The same layer with the weight stored as nn.Linear stores it: weight (out, in), bias (out,)."""
    # TODO 5: the weight is (out, in): what must happen to it before X @ ... works?
    raise NotImplementedError("linear_nn_layout is not written yet")


def batched_products(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """One matrix product per batch item: (batch, n, k) @ (batch, k, m) -> (batch, n, m)."""
    # TODO 6: one operation for the whole batch (no Python loop over the batch)
    raise NotImplementedError("batched_products is not written yet")
