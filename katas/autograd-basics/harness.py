"""Runs in the confined worker: autograd graphs cannot cross the boundary, so the tensors the
learner's code builds are inspected here and reported as plain data (values, is_leaf,
requires_grad, grad_fn class names as strings, gradients after backward)."""
import torch


def _kind(value) -> str:
    return "Tensor" if isinstance(value, torch.Tensor) else type(value).__name__


def _node(t) -> dict:
    """What a spec needs to know about one tensor of the graph."""
    if not isinstance(t, torch.Tensor):
        return {"type": _kind(t)}
    return {"type": _kind(t), "value": t.detach().clone(), "is_leaf": t.is_leaf,
            "requires_grad": t.requires_grad,
            "grad_fn": None if t.grad_fn is None else type(t.grad_fn).__name__}


def _grad(t):
    """The .grad of a leaf (None when there is none; a non-leaf's .grad is never filled)."""
    if not isinstance(t, torch.Tensor) or not t.is_leaf or t.grad is None:
        return None
    return t.grad.detach().clone()


def parameter_report(module, init, scale):
    """make_parameter, then one backward() of sum(p * weights): does the gradient land in p.grad?"""
    p = module.make_parameter(init, scale)
    report = _node(p)
    if isinstance(p, torch.Tensor) and p.requires_grad:
        weights = torch.arange(1, p.numel() + 1, dtype=p.dtype).reshape(p.shape)
        (p * weights).sum().backward()
        report["grad"] = _grad(p)
    return report


def graph_report(module, a, b, x):
    """build_graph, then z.backward() twice: the gradients of a, b and x after each call."""
    out = module.build_graph(a, b, x)
    if not isinstance(out, (tuple, list)) or len(out) != 5:
        return {"type": _kind(out), "length": len(out) if isinstance(out, (tuple, list)) else None}
    names = ("a", "b", "x", "y", "z")
    report = {"type": "tuple", "length": 5, "nodes": {n: _node(t) for n, t in zip(names, out)}}
    leaves, z = out[:3], out[4]
    if isinstance(z, torch.Tensor) and z.requires_grad:
        z.backward(retain_graph=True)
        report["grads_after_one_backward"] = {n: _grad(t) for n, t in zip(names, leaves)}
        z.backward()
        report["grads_after_two_backward"] = {n: _grad(t) for n, t in zip(names, leaves)}
    return report


NOTHING_REQUIRES_GRAD = "does not require grad and does not have a grad_fn"


def _guarded(function, *args):
    """Call the learner's function; report the error this kata is about as data (so that only that
    mistake matches its mutant), let any other error propagate."""
    try:
        return {"error": None, "result": function(*args)}
    except RuntimeError as exc:
        if NOTHING_REQUIRES_GRAD not in str(exc):
            raise
        return {"error": "nothing requires grad"}


def linear_report(module, X, W, b, y):
    """linear_grads, with backward()'s "nothing requires grad" error reported as data."""
    return _guarded(module.linear_grads, X, W, b, y)


def per_batch_report(module, w, batches):
    """per_batch_gradients, with backward()'s "nothing requires grad" error reported as data."""
    return _guarded(module.per_batch_gradients, w, batches)
