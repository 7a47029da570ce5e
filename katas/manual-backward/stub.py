"""Kata: the backward pass of a linear model with mean-squared error, by hand.

Shapes: X (N, D_in), W (D_in, D_out), b (D_out,), y (N, D_out); y_hat = X @ W + b.
No autograd here: work the derivatives out on paper, then write them with tensor operations.
Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def mse_loss(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L = mean((X @ W + b - y) ** 2) over all N * D_out elements, a 0-dim tensor."""
    # TODO: predict, take the residual y_hat - y, square it and average over every element
    raise NotImplementedError("mse_loss is not written yet")


def mse_grads(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor,
              y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(dL/dW, dL/db, dL/dX) for L = mse_loss(X, W, b, y), shaped like W, b and X."""
    # TODO 1: d_y_hat = dL/dy_hat, shape (N, D_out). How many elements does the mean run over?
    # TODO 2: dW from X and d_y_hat: (D_in, D_out), the shape of W
    # TODO 3: db from d_y_hat: (D_out,), the shape of b (b was added to every row of the batch)
    # TODO 4: dX from d_y_hat and W: (N, D_in), the shape of X
    raise NotImplementedError("mse_grads is not written yet")


def sgd_step(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor,
             lr: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of gradient descent on W and b: returns (W_new, b_new)."""
    # TODO: use your mse_grads, then move W and b a step of size lr against their gradients
    raise NotImplementedError("sgd_step is not written yet")
