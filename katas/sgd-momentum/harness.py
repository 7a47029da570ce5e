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


def _loss(params, x, y, extra):
    """Mean squared error of the linear model x @ W.T + b; a third parameter, if any, takes part only while
    `extra` is true (so its .grad is None at the other steps)."""
    weight, bias = params[0], params[1]
    loss = ((x @ weight.T + bias - y) ** 2).mean()
    return loss + 0.1 * (params[2] ** 2).sum() if extra and len(params) > 2 else loss


def _train(make_optimizer, set_lr, params, x, y, lrs, generator, extra_steps, zero_in_place=False):
    params = [p.detach().clone().requires_grad_(True) for p in params]
    optimizer = make_optimizer((p for p in params) if generator else params, lrs[0])
    trajectory = []
    for step, lr in enumerate(lrs):
        set_lr(optimizer, lr)
        for p in params:
            if zero_in_place and p.grad is not None:
                p.grad.zero_()              # what opt.zero_grad(set_to_none=False) does
            else:
                p.grad = None
        _loss(params, x, y, step < extra_steps).backward()
        optimizer.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


def _observed(value):
    """A setting as the optimizer holds it, as plain data: a number or flag, else the name of its type."""
    return value if isinstance(value, (bool, int, float)) else type(value).__name__


def attributes(module, params, lr, settings):
    """The attributes lr, momentum, weight_decay and nesterov of MomentumSGD(params, lr, **settings), as it holds them
    ("<missing>" for an attribute it does not have)."""
    params = [p.detach().clone().requires_grad_(True) for p in params]
    with _NoTorchOptim():
        optimizer = module.MomentumSGD(params, lr, **settings)
    return {name: _observed(getattr(optimizer, name)) if hasattr(optimizer, name) else "<missing>"
            for name in ("lr", "momentum", "weight_decay", "nesterov")}


def run(module, params, x, y, lrs, settings, generator=False, extra_steps=0, zero_in_place=False):
    """The learner's MomentumSGD(params, lr, **settings): one step per entry of lrs, setting opt.lr before each.

    generator: params are handed over as a generator (as model.parameters() is), not a list;
    extra_steps: a third parameter, if any, takes part in the loss for the first `extra_steps` steps only;
    zero_in_place: the gradients are zeroed in place between steps (zero_grad(set_to_none=False)), not set to None."""
    def make(ps, lr):
        return module.MomentumSGD(ps, lr, **settings)

    def set_lr(optimizer, lr):
        optimizer.lr = lr

    with _NoTorchOptim():
        try:
            return _train(make, set_lr, params, x, y, lrs, generator, extra_steps, zero_in_place)
        except RuntimeError as exc:
            if "leaf Variable that requires grad is being used in an in-place operation" in str(exc):
                raise InPlaceOnLeafError(str(exc)).with_traceback(exc.__traceback__) from None  # keeps the learner-side line
            raise
