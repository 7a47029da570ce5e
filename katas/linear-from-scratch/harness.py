"""Runs in the confined worker: what a spec cannot pass across the boundary (generators, autograd)."""
import torch


def init_with_seed(module, in_features, out_features, seed):
    """The learner's init_linear, given a torch.Generator seeded with `seed`.

    Returns (weight, bias, requires_grad) as plain data: nn.Parameter (a Tensor subclass)
    is accepted and unwrapped here, and requires_grad is reported as a pair of booleans.
    """
    generator = torch.Generator().manual_seed(seed)
    weight, bias = module.init_linear(in_features, out_features, generator)
    flags = (bool(getattr(weight, "requires_grad", False)), bool(getattr(bias, "requires_grad", False)))
    if isinstance(weight, torch.Tensor):
        weight = weight.detach().clone()
    if isinstance(bias, torch.Tensor):
        bias = bias.detach().clone()
    return weight, bias, flags


def linear_and_grads(module, x, weight, bias, grad_out):
    """Forward and backward through the learner's linear_forward.

    Returns (output, (dL/dx, dL/dweight, dL/dbias)), or (output, None) when no graph reached the output.
    """
    x = x.detach().clone().requires_grad_(True)
    weight = weight.detach().clone().requires_grad_(True)
    bias = bias.detach().clone().requires_grad_(True)
    y = module.linear_forward(x, weight, bias)
    if not isinstance(y, torch.Tensor) or not y.requires_grad or y.shape != grad_out.shape:
        return y, None
    # A scalar loss: backward(grad_tensor) would pull in sympy, a second of start-up per test.
    (y * grad_out).sum().backward()
    return y.detach(), (x.grad, weight.grad, bias.grad)
