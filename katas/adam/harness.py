"""Runs in the confined worker, beside the learner's module: drives an optimizer on a small least-squares
problem, returns the trajectory.

Parameters and optimizers cannot cross the process boundary, so the spec sends the starting
parameters, the data, the number of steps and the settings; `run` trains with the module's Adam (with
torch.optim switched off) and returns the parameters after each step. The specs compare the learner's
trajectory with the reference's Adam (torch.optim.Adam's algorithm), driven the same way in the
reference's own process. This file holds no answer: the learner's module can reach it.
"""
import torch


class InPlaceOnLeafError(Exception):
    """A parameter that requires grad was changed in place while autograd was recording."""


class _NoTorchOptim:
    """While the learner's optimizer runs, creating a torch.optim optimizer raises: the update is theirs to write."""

    def __enter__(self):
        self.original = torch.optim.Optimizer.__init__

        def refuse(*_args, **_kwargs):
            raise RuntimeError("Adam must update the parameters itself: no torch.optim optimizer")
        torch.optim.Optimizer.__init__ = refuse

    def __exit__(self, *exc):
        torch.optim.Optimizer.__init__ = self.original


def _loss(params, x, y, scale, extra):
    """scale * mean squared error of the linear model x @ W.T + b; a third parameter, if any, takes part only while
    `extra` is true (so its .grad is None at the other steps)."""
    weight, bias = params[0], params[1]
    loss = scale * ((x @ weight.T + bias - y) ** 2).mean()
    return loss + 0.1 * (params[2] ** 2).sum() if extra and len(params) > 2 else loss


def _train(optimizer_class, params, x, y, steps, settings, scale, generator, extra_steps):
    params = [p.detach().clone().requires_grad_(True) for p in params]
    optimizer = optimizer_class((p for p in params) if generator else params, **settings)
    trajectory = []
    for step in range(steps):
        for p in params:
            p.grad = None
        _loss(params, x, y, scale, step < extra_steps).backward()
        optimizer.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


def run(module, params, x, y, steps, settings, scale=1.0, generator=False, extra_steps=0):
    """The learner's Adam(params, **settings), `steps` steps.

    generator: params are handed over as a generator (as model.parameters() is), not a list;
    extra_steps: a third parameter, if any, takes part in the loss for the first `extra_steps` steps only."""
    with _NoTorchOptim():
        try:
            return _train(module.Adam, params, x, y, steps, settings, scale, generator, extra_steps)
        except RuntimeError as exc:
            if "leaf Variable that requires grad is being used in an in-place operation" in str(exc):
                raise InPlaceOnLeafError(str(exc)).with_traceback(exc.__traceback__) from None  # keeps the learner-side line
            raise
