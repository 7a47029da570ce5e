"""Runs in the confined worker: calls the learner's functions and reports, as plain data, what they
did to memory: whether the input changed, whether a result shares storage with its input, whether a
write on one side shows on the other. NumPy arrays cannot cross the boundary: they are made and
inspected here."""
import numpy as np
import torch


def _same_memory(a, b) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _kind(value) -> str:
    return "Tensor" if isinstance(value, torch.Tensor) else type(value).__name__


def add_report(module, x, value, inplace):
    """Call add_scalar on a fresh x; report the result and what happened to x."""
    x = x.clone()
    before = x.clone()
    result = module.add_scalar(x, value, inplace)
    report = {"type": _kind(result), "x_after": x.clone(), "x_changed": not torch.equal(x, before)}
    if isinstance(result, torch.Tensor):
        report.update(result=result.detach().clone(), returned_x=result is x,
                      shares_memory=_same_memory(result, x))
    return report


def row_report(module, x, i, copy):
    """Call get_row; report whether the row shares x's memory and whether writes go through."""
    x = x.clone()
    before = x.clone()
    row = module.get_row(x, i, copy)
    report = {"type": _kind(row), "x_changed_by_the_call": not torch.equal(x, before)}
    if isinstance(row, torch.Tensor):
        report.update(row=row.detach().clone(), shares_memory=_same_memory(row, x))
        with torch.no_grad():
            row.add_(100)                           # write into the row ...
        report["x_changed_by_writing_the_row"] = not torch.equal(x, before)   # ... does x see it?
    return report


def from_numpy_report(module, values, copy):
    """Make a NumPy array from `values`, call numpy_to_tensor, then change the array in place."""
    a = values.numpy().copy()
    t = module.numpy_to_tensor(a, copy)
    report = {"type": _kind(t)}
    if isinstance(t, torch.Tensor):
        report["tensor"] = t.detach().clone()
        a += 100                                   # change the array in place ...
        report["tensor_follows_the_array"] = not torch.equal(t, report["tensor"])   # ... does t see it?
    return report


def to_numpy_report(module, values):
    """Call tensor_to_numpy on a fresh tensor, then change the tensor in place."""
    t = values.clone()
    a = module.tensor_to_numpy(t)
    report = {"type": _kind(a)}
    if isinstance(a, np.ndarray):
        report["array"] = torch.from_numpy(np.array(a, copy=True))
        t.add_(100)                                # change the tensor in place ...
        report["array_follows_the_tensor"] = not np.array_equal(a, report["array"].numpy())   # ... does a see it?
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
