"""Runs in the confined worker: drives the learner's function where a spec needs more than one call."""
import torch


def softmax_and_grad(module, x, dim, grad_out):
    """Forward and backward through the learner's softmax; returns (output, dL/dx or None)."""
    x = x.detach().clone().requires_grad_(True)
    y = module.stable_softmax(x, dim=dim)
    if not isinstance(y, torch.Tensor) or not y.requires_grad:
        return y, None
    # A scalar loss: backward(grad_tensor) would pull in sympy, a second of start-up per test.
    (y * grad_out).sum().backward()
    return y.detach(), x.grad
