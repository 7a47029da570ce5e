"""Known-wrong: switches the target's requires_grad off, which only a leaf allows."""
import torch


def evaluate(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean squared error of model(X) against y, in evaluation mode and without tracking gradients."""
    model.eval()
    with torch.no_grad():
        prediction = model(X)
        return ((prediction - y) ** 2).mean()


def sgd_step(params: list, lr: float) -> None:
    """One step of gradient descent on each parameter, in place; then clear the gradients."""
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    for p in params:
        p.grad = None


def target_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """mean((prediction - target) ** 2), with the target treated as a constant: no gradient flows into it."""
    target.requires_grad_(False)
    return ((prediction - target) ** 2).mean()


def loss_gradients(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor):
    """(dL/dW, dL/db) for L = mean((X @ W + b - y) ** 2), returned by torch.autograd.grad; .grad is untouched."""
    loss = ((X @ W + b - y) ** 2).mean()
    dW, db = torch.autograd.grad(loss, [W, b])
    return dW, db


def derivatives(f, x: torch.Tensor):
    """(f'(x), f''(x)) for an elementwise function f, at every point of x (a tensor that requires grad)."""
    y = f(x)
    first, = torch.autograd.grad(y.sum(), x, create_graph=True)
    second, = torch.autograd.grad(first.sum(), x)
    return first.detach(), second
