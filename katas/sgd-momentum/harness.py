"""Runs in the confined worker, beside the learner's module: drives an optimizer on a small least-squares
problem, returns the trajectory.

Parameters and optimizers cannot cross the process boundary, so the spec sends the starting
parameters, the data, the settings and the learning rate of every step; `run` trains with the module's
MomentumSGD (with torch.optim switched off) and returns the parameters after each step. The specs compare
the learner's trajectory with the reference's MomentumSGD (torch.optim.SGD's algorithm, dampening 0),
driven the same way in the reference's own process. This file holds no answer: the learner's module can
reach it.
"""
import torch


class InPlaceOnLeafError(Exception):
    """A parameter that requires grad was changed in place while autograd was recording."""


class _NoTorchOptim:
    """While the learner's optimizer runs, creating a torch.optim optimizer raises: the update is theirs to write."""

    def __enter__(self):
        self.original = torch.optim.Optimizer.__init__

        def refuse(*_args, **_kwargs):
            raise RuntimeError("MomentumSGD must update the parameters itself: no torch.optim optimizer")
        torch.optim.Optimizer.__init__ = refuse

    def __exit__(self, *exc):
        torch.optim.Optimizer.__init__ = self.original


def _loss(params, x, y):
    """Mean squared error of the linear model x @ W.T + b; a third parameter, if any, takes no part."""
    weight, bias = params[0], params[1]
    return ((x @ weight.T + bias - y) ** 2).mean()


def _train(make_optimizer, set_lr, params, x, y, lrs):
    params = [p.detach().clone().requires_grad_(True) for p in params]
    optimizer = make_optimizer(params, lrs[0])
    trajectory = []
    for lr in lrs:
        set_lr(optimizer, lr)
        for p in params:
            p.grad = None
        _loss(params, x, y).backward()
        optimizer.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


def run(module, params, x, y, lrs, settings):
    """The learner's MomentumSGD(params, lr, **settings): one step per entry of lrs, setting opt.lr before each."""
    def make(ps, lr):
        return module.MomentumSGD(ps, lr, **settings)

    def set_lr(optimizer, lr):
        optimizer.lr = lr

    with _NoTorchOptim():
        try:
            return _train(make, set_lr, params, x, y, lrs)
        except RuntimeError as exc:
            if "leaf Variable that requires grad is being used in an in-place operation" in str(exc):
                raise InPlaceOnLeafError(str(exc)).with_traceback(exc.__traceback__) from None  # keeps the learner-side line
            raise
