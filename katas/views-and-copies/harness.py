"""Runs in the confined worker, beside the learner's module: calls the learner's functions and returns, as
plain data, what became of the tensors and arrays involved: the input after the call, and what a write on
one side does to the other (a write into a view shows in its base; a write into a copy does not). The
learner's module can reach this file, so it returns those observations and never a verdict: the specs
compare them with the inputs they sent and with the reference's observations, in its own process.
NumPy arrays cannot cross the boundary: they are made and inspected here."""
import numpy as np
import torch


def _call(function, *args, flag=None):
    """Call with the flag (inplace, copy) when the spec gives one; leave it out when it is None, so
    the learner's default is what runs."""
    return function(*args) if flag is None else function(*args, flag)


def _kind(value) -> str:
    return "Tensor" if isinstance(value, torch.Tensor) else type(value).__name__


def add_report(module, x, value, inplace=None):
    """Call add_scalar on a fresh x: the result, x after the call, and x after writing into the result."""
    x = x.clone()
    result = _call(module.add_scalar, x, value, flag=inplace)
    report = {"type": _kind(result), "x_after": x.clone()}
    if isinstance(result, torch.Tensor):
        report.update(result=result.detach().clone(), returned_x=result is x)
        with torch.no_grad():
            result.add_(100)                        # write into the result ...
        report["x_after_writing_the_result"] = x.clone()   # ... does x see it?
    return report


def row_report(module, x, i, copy=None):
    """Call get_row on a fresh x: the row, x after the call, and x after writing into the row."""
    x = x.clone()
    row = _call(module.get_row, x, i, flag=copy)
    report = {"type": _kind(row), "x_after_the_call": x.clone()}
    if isinstance(row, torch.Tensor):
        report["row"] = row.detach().clone()
        with torch.no_grad():
            row.add_(100)                           # write into the row ...
        report["x_after_writing_the_row"] = x.clone()   # ... does x see it?
    return report


def from_numpy_report(module, values, copy=None):
    """Make a NumPy array from `values`, call numpy_to_tensor, then change the array in place: the tensor
    before and after."""
    a = values.numpy().copy()
    t = _call(module.numpy_to_tensor, a, flag=copy)
    report = {"type": _kind(t)}
    if isinstance(t, torch.Tensor):
        report["tensor"] = t.detach().clone()
        a += 100                                   # change the array in place ...
        report["tensor_after_changing_the_array"] = t.detach().clone()   # ... does t see it?
    return report


def to_numpy_report(module, values):
    """Call tensor_to_numpy on a fresh tensor, then change the tensor in place: the array before and after."""
    t = values.clone()
    a = module.tensor_to_numpy(t)
    report = {"type": _kind(a)}
    if isinstance(a, np.ndarray):
        report["array"] = torch.from_numpy(np.array(a, copy=True))
        t.add_(100)                                # change the tensor in place ...
        report["array_after_changing_the_tensor"] = torch.from_numpy(np.array(a, copy=True))   # ... does a see it?
    return report


LEAF_IN_PLACE = "a leaf Variable that requires grad is being used in an in-place operation"


def clip_report(module, values, max_abs):
    """Call clip_ on a leaf parameter that requires grad; report what became of it.

    The error this kata is about (an in-place change of such a leaf outside torch.no_grad()) is
    reported as data, so that it is told apart from any other RuntimeError; others propagate."""
    w = values.clone().requires_grad_(True)
    try:
        module.clip_(w, max_abs)
    except RuntimeError as exc:
        if LEAF_IN_PLACE not in str(exc):
            raise
        return {"error": "leaf in place"}
    return {"error": None, "w": w.detach().clone(), "is_leaf": w.is_leaf, "requires_grad": w.requires_grad}
