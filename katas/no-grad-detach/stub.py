"""Kata: stopping gradient tracking: torch.no_grad(), .detach() and torch.autograd.grad.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def evaluate(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean squared error of model(X) against y, in evaluation mode and without tracking gradients."""
    # TODO 1: switch the model to evaluation mode
    # TODO 2: run the forward pass and the loss where autograd records nothing
    raise NotImplementedError("evaluate is not written yet")


def sgd_step(params: list, lr: float) -> None:
    """One step of gradient descent on each parameter, in place; then clear the gradients."""
    # TODO 3: p <- p - lr * p.grad for every parameter, changing p itself, where autograd allows it
    # TODO 4: clear every p.grad, so that the next backward() starts from nothing
    raise NotImplementedError("sgd_step is not written yet")


def target_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """mean((prediction - target) ** 2), with the target treated as a constant: no gradient flows into it."""
    # TODO 5: cut the target (only the target) out of the graph, then compute the loss
    raise NotImplementedError("target_loss is not written yet")


def loss_gradients(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor):
    """(dL/dW, dL/db) for L = mean((X @ W + b - y) ** 2), returned by torch.autograd.grad; .grad is untouched."""
    # TODO 6: compute the loss from W and b (they already require grad)
    # TODO 7: one call of torch.autograd.grad for both of them (not loss.backward())
    raise NotImplementedError("loss_gradients is not written yet")


def derivatives(f, x: torch.Tensor):
    """(f'(x), f''(x)) for an elementwise function f, at every point of x (a tensor that requires grad)."""
    # TODO 8: y = f(x); the first derivative with torch.autograd.grad, keeping a graph of it
    # TODO 9: differentiate the first derivative again
    raise NotImplementedError("derivatives is not written yet")
