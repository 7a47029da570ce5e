"""Runs in the confined worker, beside the learner's module: builds a small classifier, runs the learner's
mixed-precision code, returns its results and what this process saw.

A module cannot cross the process boundary, so the harness builds it (float32, from a seed) and reports,
besides the learner's results: the dtype each layer produced and whether autocast was on for the CPU or
for CUDA while it ran (forward hooks); the dtypes of the parameters afterwards and of the gradients at
each optimizer.step() (the master weights and their gradients must stay float32); and whether torch
warned that CUDA autocast was disabled, which is what autocast("cuda") does on a machine without a GPU.
The learner's module can reach this file, so what it saw is a claim: the specs use it to name a mistake
(it can cost a point), while the results, compared with the reference's, earn the points.
"""
import warnings

import torch
from torch import nn


def _build(seed, features, hidden, classes):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes))


class _Watch:
    """Forward hooks on every layer, and the warnings raised while the learner's code runs."""

    def __init__(self, model):
        self.model, self.layers, self.handles = model, [], []

    def __enter__(self):
        def hook(module, inputs, output):
            self.layers.append({
                "layer": type(module).__name__,
                "dtype": str(output.dtype).removeprefix("torch.") if isinstance(output, torch.Tensor) else None,
                "autocast_cpu": torch.is_autocast_enabled("cpu"),
                "autocast_cuda": torch.is_autocast_enabled("cuda"),
            })
        self.handles = [m.register_forward_hook(hook) for m in self.model]
        self._warnings = warnings.catch_warnings(record=True)
        self.caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        for handle in self.handles:
            handle.remove()

    def facts(self):
        n = len(self.model)
        return {
            "layers": self.layers[:n],
            "forwards": len(self.layers) // n,
            "cuda_autocast_disabled": any("Disabling autocast" in str(w.message) for w in self.caught),
            "param_dtypes": sorted({str(p.dtype).removeprefix("torch.") for p in self.model.parameters()}),
        }


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def forward(module, seed, x, y, hidden=16):
    """mixed_forward(model, x, y) on a fresh float32 classifier: its three results and the facts above."""
    model = _build(seed, x.shape[1], hidden, int(y.max()) + 1)
    report = {"error": None, "logits": None, "probs": None, "loss": None}
    with _Watch(model) as watch:
        try:
            result = module.mixed_forward(model, x, y)
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                raise TypeError("mixed_forward must return a tuple (logits, probs, loss)")
            report["logits"], report["probs"], report["loss"] = (
                t.detach() if isinstance(t, torch.Tensor) else t for t in result)
        except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
            report["error"] = _error(exc)
    report.update(watch.facts())
    return report


def train(module, seed, x, y, lr, steps, hidden=16, stale=None):
    """`steps` calls of train_step(model, optimizer, x, y) with SGD(lr): losses, final weights and gradients, and
    facts. With `stale`, every parameter already holds a gradient of that value when train_step is first called."""
    model = _build(seed, x.shape[1], hidden, int(y.max()) + 1)
    if stale is not None:
        for p in model.parameters():
            p.grad = torch.full_like(p, stale)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    grad_dtypes = set()
    plain_step = optimizer.step

    def recording_step(*args, **kwargs):          # the gradients as optimizer.step() finds them
        grad_dtypes.update(str(p.grad.dtype).removeprefix("torch.") for p in model.parameters() if p.grad is not None)
        return plain_step(*args, **kwargs)

    optimizer.step = recording_step
    report = {"error": None, "losses": None, "floats": None, "weights": None, "grads": None, "grad_dtypes": None}
    with _Watch(model) as watch:
        try:
            losses = [module.train_step(model, optimizer, x, y) for _ in range(steps)]
            report["floats"] = all(type(v) is float for v in losses)
            report["losses"] = [float(v.detach().float()) if isinstance(v, torch.Tensor) else float(v) for v in losses]
        except Exception as exc:  # noqa: BLE001
            report["error"] = _error(exc)
    params = list(model.parameters())
    report["weights"] = [p.detach().clone() for p in params]
    report["grads"] = [None if p.grad is None else p.grad.detach().clone() for p in params]
    report["grad_dtypes"] = sorted(grad_dtypes)
    report.update(watch.facts())
    return report
