"""Reference solution for the matmul-vs-mul kata."""
import torch


def both_products(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(element-wise product, matrix product) of two square matrices of the same shape."""
    return a * b, a @ b


def weighted_totals(scores: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Each student's weighted total: (students, assignments) @ (assignments,) -> (students,)."""
    return scores @ weights


def linear_forward(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """A linear layer on a batch: X (batch, in) @ W (in, out) + b (out,) -> (batch, out)."""
    return X @ W + b


def linear_nn_layout(X: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """The same layer with the weight stored as nn.Linear stores it, (out, in)."""
    return X @ weight.T + bias


def batched_products(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """One matrix product per batch item: (batch, n, k) @ (batch, k, m) -> (batch, n, m)."""
    return A @ B
