"""Known-wrong: dL/db is the first row of dL/dy_hat, not its sum over the batch."""
import torch


def mse_loss(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L = mean((X @ W + b - y) ** 2) over all N * D_out elements, a 0-dim tensor."""
    residual = X @ W + b - y
    return (residual ** 2).mean()


def mse_grads(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor,
              y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(dL/dW, dL/db, dL/dX) for L = mse_loss(X, W, b, y), shaped like W, b and X."""
    residual = X @ W + b - y                    # (N, D_out)
    d_y_hat = 2.0 * residual / residual.numel()   # dL/dy_hat: the mean runs over N * D_out elements
    dW = X.T @ d_y_hat                          # (D_in, N) @ (N, D_out) -> (D_in, D_out)
    db = d_y_hat[0]
    dX = d_y_hat @ W.T                          # (N, D_out) @ (D_out, D_in) -> (N, D_in)
    return dW, db, dX


def sgd_step(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor,
             lr: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One step of gradient descent on W and b: returns (W_new, b_new)."""
    dW, db, _ = mse_grads(X, W, b, y)
    return W - lr * dW, b - lr * db
