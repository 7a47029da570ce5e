"""Runs in the confined worker: builds models and optimizers, drives the learner's save/load code, returns facts.

Modules, optimizers and files cannot cross the process boundary, so each driver returns plain data:
what the checkpoint file holds, whether the loaded model equals the saved one (parameters, buffers,
outputs, training mode), how torch.load was called, and the losses of a resumed run next to those
of the run that never stopped. Checkpoint files live in the sandbox, the current directory.

Every model is built from a seed with the global RNG of this (confined) process, and every forward
that may use dropout runs right after torch.manual_seed, so a run repeats exactly.
"""
import os

import torch
import torch.nn.functional as F
from torch import nn

ARCHITECTURES = {
    # a small MLP with dropout: eval() changes its output
    "mlp": lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)),
    # BatchNorm keeps running statistics as buffers: they are part of the state_dict, not of parameters()
    "bn": lambda: nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2)),
}
OPTIMIZERS = {
    "adam": lambda params: torch.optim.Adam(params, lr=0.01),
    "sgd_momentum": lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9),
}


def _build(kind, seed):
    torch.manual_seed(seed)
    return ARCHITECTURES[kind]()


def _data(kind, seed, n=16):
    gen = torch.Generator().manual_seed(1000 + seed)
    outputs = {"mlp": 3, "bn": 2}[kind]
    return torch.randn(n, 4, generator=gen), torch.randn(n, outputs, generator=gen)


def _train(model, optimizer, x, y, steps, seed):
    """`steps` updates on (x, y); dropout masks come from torch.manual_seed(seed). Returns the losses."""
    torch.manual_seed(seed)
    model.train()
    losses = []
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def _path(name):
    """A fresh file path in the sandbox (the current directory): an old file never answers for a new save."""
    path = os.path.join(os.getcwd(), name)
    if os.path.exists(path):
        os.remove(path)
    return path


def _same_state(a, b):
    """Two state_dicts (or nested dicts/lists of tensors and numbers) hold exactly the same values."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and a.dtype == b.dtype and bool(torch.equal(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_state(u, v) for u, v in zip(a, b))
    return a == b


def _kind_of(value):
    """What a checkpoint entry is, in words the spec can act on."""
    if isinstance(value, nn.Module):
        return "module"
    if isinstance(value, torch.optim.Optimizer):
        return "optimizer"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, torch.Tensor):
        return "tensor"
    return type(value).__name__


class _RecordLoads:
    """Records every torch.load call (how weights_only was passed), also through `from torch import load`."""

    def __init__(self, module):
        self.module, self.calls = module, []

    def __enter__(self):
        self.original = original = torch.load
        calls = self.calls

        def load(*args, **kwargs):
            calls.append("missing" if "weights_only" not in kwargs else bool(kwargs["weights_only"]))
            return original(*args, **kwargs)

        self.patched = [(torch, "load"), (torch.serialization, "load")]
        self.patched += [(self.module, name) for name, value in vars(self.module).items() if value is original]
        for owner, name in self.patched:
            setattr(owner, name, load)
        return self

    def __exit__(self, *exc):
        for owner, name in self.patched:
            setattr(owner, name, self.original)


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def inspect_save(module, kind, seed, epoch, name="checkpoint.pt"):
    """Train a model for a few steps, call save_checkpoint, and describe the file it wrote."""
    model = _build(kind, seed)
    optimizer = OPTIMIZERS["adam"](model.parameters())
    x, y = _data(kind, seed)
    _train(model, optimizer, x, y, 3, seed)
    path = _path(name)
    report = {"error": None, "exists": False, "weights_only_loads": False, "keys": None, "kinds": None,
              "model_matches": False, "optimizer_matches": False, "epoch": None}
    try:
        module.save_checkpoint(model, optimizer, epoch, path)
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        report["error"] = _error(exc)
        return report
    report["exists"] = os.path.isfile(path)
    if not report["exists"]:
        return report
    try:
        saved = torch.load(path, weights_only=True)
        report["weights_only_loads"] = True
    except Exception:  # noqa: BLE001 - the file holds more than tensors and plain containers
        saved = torch.load(path, weights_only=False)
    if not isinstance(saved, dict):
        report["kinds"] = {"(file)": _kind_of(saved)}
        return report
    report["keys"] = sorted(str(k) for k in saved)
    report["kinds"] = {str(k): _kind_of(v) for k, v in saved.items()}
    report["model_matches"] = _same_state(saved.get("model"), model.state_dict())
    report["optimizer_matches"] = _same_state(saved.get("optimizer"), optimizer.state_dict())
    value = saved.get("epoch")
    report["epoch"] = value if isinstance(value, (int, float, str)) or value is None else _kind_of(value)
    return report


def _write_checkpoint(kind, seed, optimizer_name, epoch, path):
    """The checkpoint the prompt describes, written here: the model, optimizer and data it came from."""
    model = _build(kind, seed)
    optimizer = OPTIMIZERS[optimizer_name](model.parameters())
    x, y = _data(kind, seed)
    _train(model, optimizer, x, y, 3, seed)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)
    return model, optimizer, x, y


def _describe_loaded(loaded, fresh, original, x):
    """Compare what load_model returned with the model that was saved."""
    facts = {"returned": _kind_of(loaded), "same_object": loaded is fresh, "training": None,
             "state_matches": False, "output": None}
    if not isinstance(loaded, nn.Module):
        return facts
    facts["training"] = bool(loaded.training)
    facts["state_matches"] = _same_state(loaded.state_dict(), original.state_dict())
    torch.manual_seed(0)                       # dropout, if the model was left in training mode, repeats
    with torch.no_grad():
        facts["output"] = loaded(x)
    return facts


def load_into_fresh(module, kind, seed, name="checkpoint.pt"):
    """Save a trained model (as the prompt says), then load_model(path, fresh model) and compare."""
    path = _path(name)
    original, _, x, _ = _write_checkpoint(kind, seed, "adam", 3, path)
    original.eval()
    with torch.no_grad():
        expected = original(x)
    fresh = _build(kind, seed + 100)
    report = {"error": None, "expected_output": expected, "loads": []}
    with _RecordLoads(module) as loads:
        try:
            loaded = module.load_model(path, fresh)
        except Exception as exc:  # noqa: BLE001
            report["error"] = _error(exc)
            loaded = None
    report["loads"] = loads.calls
    report.update(_describe_loaded(loaded, fresh, original, x))
    return report


def _continue(model, optimizer, x, y, steps, seed):
    losses = _train(model, optimizer, x, y, steps, seed)
    return losses, {k: v.detach().clone() for k, v in model.state_dict().items()}


def resume_training(module, kind, seed, optimizer_name, epoch, name="checkpoint.pt"):
    """Train, save (as the prompt says), train on: the run that never stopped. Then build a fresh model and
    optimizer, resume(path, ...) and train on the same way: the resumed run must be the same, step for step."""
    path = _path(name)
    model, optimizer, x, y = _write_checkpoint(kind, seed, optimizer_name, epoch, path)
    expected_losses, expected_state = _continue(model, optimizer, x, y, 3, seed + 1)
    fresh = _build(kind, seed + 100)
    fresh_optimizer = OPTIMIZERS[optimizer_name](fresh.parameters())
    report = {"error": None, "epoch": None, "loads": [], "expected_losses": expected_losses, "losses": None,
              "state_matches_after": False, "optimizer_state_loaded": False, "training": None}
    with _RecordLoads(module) as loads:
        try:
            report["epoch"] = module.resume(path, fresh, fresh_optimizer)
        except Exception as exc:  # noqa: BLE001
            report["error"] = _error(exc)
    report["loads"] = loads.calls
    if report["error"] is not None:
        return report
    if not isinstance(report["epoch"], (int, float, str, type(None))):
        report["epoch"] = _kind_of(report["epoch"])
    report["training"] = bool(fresh.training)
    report["optimizer_state_loaded"] = len(fresh_optimizer.state) > 0
    fresh.train()                               # training goes on in training mode, whatever resume left
    losses, state = _continue(fresh, fresh_optimizer, x, y, 3, seed + 1)
    report["losses"] = losses
    report["state_matches_after"] = _same_state(state, expected_state)
    return report


def own_round_trip(module, kind, seed, epoch, names=("first.pt", "second.pt")):
    """save_checkpoint, then load_model and resume, all with the learner's own functions, for two models
    saved to two different paths (each must come back from its own file)."""
    report = {"error": None, "models": []}
    try:
        runs = []
        for offset, name in enumerate(names):
            model = _build(kind, seed + offset)
            optimizer = OPTIMIZERS["sgd_momentum"](model.parameters())
            x, y = _data(kind, seed + offset)
            _train(model, optimizer, x, y, 2, seed + offset)
            path = _path(name)
            module.save_checkpoint(model, optimizer, epoch + offset, path)
            runs.append((model, optimizer, x, y, path))
        for offset, (model, optimizer, x, y, path) in enumerate(runs):
            model.eval()
            with torch.no_grad():
                expected_output = model(x)
            loaded = module.load_model(path, _build(kind, seed + 200 + offset))
            facts = _describe_loaded(loaded, None, model, x)
            facts["expected_output"] = expected_output
            fresh = _build(kind, seed + 300 + offset)
            fresh_optimizer = OPTIMIZERS["sgd_momentum"](fresh.parameters())
            epoch_back = module.resume(path, fresh, fresh_optimizer)
            facts["epoch"] = epoch_back if isinstance(epoch_back, (int, float, str, type(None))) else _kind_of(epoch_back)
            fresh.train()
            facts["expected_losses"], _ = _continue(model, optimizer, x, y, 2, seed)
            facts["losses"], _ = _continue(fresh, fresh_optimizer, x, y, 2, seed)
            report["models"].append(facts)
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report
