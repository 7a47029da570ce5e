"""Kata: autograd basics: requires_grad, leaf tensors, grad_fn, backward() and .grad.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def make_parameter(init: torch.Tensor, scale: float) -> torch.Tensor:
    """A trainable parameter with the values init * scale: a leaf tensor that requires grad."""
    # TODO 1: compute the values first, then switch on gradient tracking.
    #         (In which order do you get a leaf tensor?)
    raise NotImplementedError("make_parameter is not written yet")


def build_graph(a: float, b: float, x: float):
    """The graph y = a + b, z = x * y from three leaves that require grad: returns (a, b, x, y, z)."""
    # TODO 2: make a, b and x 0-dim tensors that require grad
    # TODO 3: y = a + b, then z = x * y, with tensor operations
    raise NotImplementedError("build_graph is not written yet")


def linear_grads(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, y: torch.Tensor):
    """(dL/dW, dL/db) for L = mean((X @ W + b - y) ** 2), computed with loss.backward()."""
    # TODO 4: W and b arrive without requires_grad: make leaf tensors that require grad
    # TODO 5: compute the loss with tensor operations and call loss.backward()
    # TODO 6: return the two .grad tensors
    raise NotImplementedError("linear_grads is not written yet")


def per_batch_gradients(w: torch.Tensor, batches) -> list:
    """For each (x, y) in batches, the gradient of mean((x @ w - y) ** 2) with respect to w, on its own."""
    # TODO 7: one leaf w that requires grad, used for every batch
    # TODO 8: per batch: loss, backward(), keep a copy of w.grad, then reset it
    #         (backward() adds to .grad: it never overwrites it)
    raise NotImplementedError("per_batch_gradients is not written yet")
