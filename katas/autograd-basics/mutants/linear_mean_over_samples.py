"""Known-wrong: linear_grads divides the summed squared errors by N only."""
import torch


def make_parameter(init: torch.Tensor, scale: float) -> torch.Tensor:
    """A trainable parameter with the values init * scale: a leaf tensor that requires grad."""
    return (init * scale).requires_grad_(True)


def build_graph(a: float, b: float, x: float):
    """The graph y = a + b, z = x * y from three leaves that require grad: returns (a, b, x, y, z)."""
    a = torch.tensor(a, requires_grad=True)
    b = torch.tensor(b, requires_grad=True)
    x = torch.tensor(x, requires_grad=True)
    y = a + b
    z = x * y
    return a, b, x, y, z


def linear_grads(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor):
    """(dL/dW, dL/db) for L = mean((X @ W + b - y) ** 2), computed with loss.backward()."""
    W = W.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True)
    loss = ((X @ W + b - y) ** 2).sum() / X.shape[0]
    loss.backward()
    return W.grad, b.grad


def per_batch_gradients(w: torch.Tensor, batches) -> list:
    """For each (x, y) in batches, the gradient of mean((x @ w - y) ** 2) with respect to w, on its own."""
    w = w.clone().requires_grad_(True)
    grads = []
    for x, y in batches:
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        grads.append(w.grad.clone())
        w.grad.zero_()
    return grads
