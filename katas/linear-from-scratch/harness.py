"""Runs in the confined worker: what a spec cannot pass across the boundary (generators, autograd)."""
import torch

GLOBAL_SEED = 2024


def init_with_seed(module, in_features, out_features, seed):
    """The learner's init_linear, given a torch.Generator seeded with `seed`.

    Returns (weight, bias, requires_grad) as plain data: nn.Parameter (a Tensor subclass)
    is accepted and unwrapped here, and requires_grad is reported as a pair of booleans.
    """
    generator = torch.Generator().manual_seed(seed)
    # The global generator starts from a known state of its own (never `seed`: drawing from it must not
    # give nn.Linear's parameters), so that a learner who draws from it instead of `generator` gets the
    # same numbers every time, and the mutant that makes that mistake reproduces them.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(GLOBAL_SEED)
        weight, bias = module.init_linear(in_features, out_features, generator)
    flags = (bool(getattr(weight, "requires_grad", False)), bool(getattr(bias, "requires_grad", False)))
    if isinstance(weight, torch.Tensor):
        weight = weight.detach().clone()
    if isinstance(bias, torch.Tensor):
        bias = bias.detach().clone()
    return weight, bias, flags


def linear_and_grads(module, x, weight, bias, grad_out):
    """Forward and backward through the learner's linear_forward.

    Returns (output, attached, grads): whether the output is attached to autograd, and (dL/dx, dL/dweight,
    dL/dbias), or None when the output cannot be backpropagated with grad_out (not attached, or another shape).
    The specs tell these cases apart.
    """
    x = x.detach().clone().requires_grad_(True)
    weight = weight.detach().clone().requires_grad_(True)
    bias = bias.detach().clone().requires_grad_(True)
    y = module.linear_forward(x, weight, bias)
    if not isinstance(y, torch.Tensor):
        return y, False, None
    if not y.requires_grad or y.shape != grad_out.shape:
        return y.detach(), bool(y.requires_grad), None
    # A scalar loss: backward(grad_tensor) would pull in sympy, a second of start-up per test.
    (y * grad_out).sum().backward()
    return y.detach(), True, (x.grad, weight.grad, bias.grad)
