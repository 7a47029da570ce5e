"""Runs in the confined worker: drives the learner's training loops and returns plain data.

Parameters, modules and optimizers cannot cross the process boundary, so these drivers
return the loss curve, the final parameters and two facts about the parameter tensors:
whether they were changed in place, and whether their gradients end up None, zero or not.
The specs compare losses and parameters only; the facts let mutant matching tell apart
mistakes that leave the same numbers (zeroing the gradients before the update, or rebinding
a loop variable: either way the parameters never move).
"""
import torch


def _floats(losses, name):
    if isinstance(losses, torch.Tensor):
        losses = losses.detach().reshape(-1)
    if not isinstance(losses, (list, tuple, torch.Tensor)):
        raise TypeError(f"{name} must return the losses as a list of floats, got {type(losses).__name__}")
    out = []
    for value in losses:
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise TypeError(f"{name}: each loss must be one number (loss.item()), got a tensor of shape "
                                f"{tuple(value.shape)}")
            value = value.detach().item()
        out.append(float(value))
    return out


def _param(value):
    """The parameter as a flat tensor, and facts about the tensor the learner returned."""
    if isinstance(value, torch.Tensor):
        grad = value.grad
        grad_state = "none" if grad is None else "zero" if bool((grad == 0).all()) else "nonzero"
        return value.detach().reshape(-1).clone(), {"version": int(value._version), "grad": grad_state}
    return torch.tensor([float(value)]), {"version": -1, "grad": "none"}


def _report(losses, w, b, name):
    w_value, w_facts = _param(w)
    b_value, b_facts = _param(b)
    grads = {w_facts["grad"], b_facts["grad"]}
    grad_state = "none" if grads == {"none"} else "zero" if grads <= {"zero", "none"} else "nonzero"
    return {"losses": _floats(losses, name), "w": w_value, "b": b_value,
            "updated_in_place": w_facts["version"] > 0 or b_facts["version"] > 0, "grad": grad_state}


class OptimizerNotAllowed(Exception):
    """Raised when train_manual builds a torch.optim optimizer (its own type, so a diagnosis can tell it)."""


class _NoOptimizer:
    """While train_manual runs, creating a torch.optim optimizer raises (it must update w and b itself)."""

    def __enter__(self):
        self.original = torch.optim.Optimizer.__init__

        def refuse(*_args, **_kwargs):
            raise OptimizerNotAllowed("train_manual must update w and b itself (w -= lr * w.grad inside "
                                      "torch.no_grad()): torch.optim belongs to train_module")
        torch.optim.Optimizer.__init__ = refuse

    def __exit__(self, *exc):
        torch.optim.Optimizer.__init__ = self.original


def run_manual(module, x, y, lr, steps, seed):
    with _NoOptimizer():
        result = module.train_manual(x, y, lr, steps, seed)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise TypeError("train_manual must return a tuple (losses, w, b)")
    return _report(*result, "train_manual")


def run_module(module, x, y, lr, steps, seed):
    result = module.train_module(x, y, lr, steps, seed)
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[1], torch.nn.Module):
        raise TypeError("train_module must return a tuple (losses, model) with the trained nn.Linear")
    losses, model = result
    weight, bias = getattr(model, "weight", None), getattr(model, "bias", None)
    if not isinstance(weight, torch.Tensor) or not isinstance(bias, torch.Tensor):
        raise TypeError("train_module must return the nn.Linear(1, 1) it trained (with .weight and .bias)")
    return _report(losses, weight, bias, "train_module")
