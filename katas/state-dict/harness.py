"""Runs in the confined worker, beside the learner's module: drives their save/load code, returns observations.

Modules, optimizers and files cannot cross the process boundary, so each driver returns plain data:
the bytes of the file save_checkpoint wrote (the spec loads them on the trusted side, with
weights_only=True), and what a loaded or resumed model does (its state_dict, its output, the losses of
training on). Nothing here decides anything, and nothing here knows the right answer: the learner's
module can reach this file and make it report anything, so the specs compare every observation with the
reference's, made by the same driver in the reference's own process. Checkpoints to load come from the
reference too (`save_file` run there), as bytes: the run that made them never happens in this process.

Every model is built from a seed with the global RNG of this (confined) process, and every forward
that may use dropout runs right after torch.manual_seed, so a run repeats exactly.
"""
import argparse
import os
import warnings

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


def _train(model, optimizer, x, y, steps, seed, train_mode=True):
    """`steps` updates on (x, y); dropout masks come from torch.manual_seed(seed). Returns the losses.
    train_mode=False leaves the model in the mode it is in (a run that goes on where resume left it)."""
    torch.manual_seed(seed)
    if train_mode:
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


def _file(path):
    """The file's bytes as a uint8 tensor (None when there is no file)."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        data = handle.read()
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).clone() if data else torch.zeros(0, dtype=torch.uint8)


def _write(data, name):
    path = _path(name)
    with open(path, "wb") as handle:
        handle.write(data.numpy().tobytes())
    return path


def _kind_of(value):
    """What a returned value is, in words a spec can act on."""
    if isinstance(value, nn.Module):
        return "module"
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return type(value).__name__
    return type(value).__name__


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def _state(model):
    return {str(k): v.detach().clone() for k, v in model.state_dict().items()}


def _plain_epoch(value):
    return value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else f"<{_kind_of(value)}>"


def save_file(module, kind, seed, x, y, epoch, name="checkpoint.pt", optimizer="adam"):
    """Train a model built from `seed` for three steps on (x, y), call save_checkpoint, return the file it wrote.

    Run on the reference, this makes the checkpoints the other drivers are given."""
    model = _build(kind, seed)
    opt = OPTIMIZERS[optimizer](model.parameters())
    _train(model, opt, x, y, 3, seed)
    path = _path(name)
    try:
        module.save_checkpoint(model, opt, epoch, path)
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        return {"error": _error(exc), "file": None}
    return {"error": None, "file": _file(path)}


def with_training_arguments(module, checkpoint):
    """The checkpoint with one more entry, the run's arguments as an argparse.Namespace (as many training
    scripts save them): a pickled object, which torch.load(..., weights_only=True) refuses to rebuild."""
    path = _write(checkpoint, "with_arguments.pt")
    saved = torch.load(path, weights_only=True)
    saved["args"] = argparse.Namespace(lr=0.01, epochs=3)
    torch.save(saved, path)
    return _file(path)


def _loaded(loaded, x):
    """What load_model returned: its kind, training mode, state_dict and output on x (dropout seeded)."""
    facts = {"returned": _kind_of(loaded), "training": None, "state": None, "output": None}
    if not isinstance(loaded, nn.Module):
        return facts
    facts["training"] = bool(loaded.training)
    facts["state"] = _state(loaded)
    torch.manual_seed(0)                       # dropout, if the model was left in training mode, repeats
    with torch.no_grad():
        facts["output"] = loaded(x).detach().clone()
    return facts


def load_into_fresh(module, kind, seed, checkpoint, x, name="checkpoint.pt"):
    """load_model(path, a fresh model built from `seed`), the file at `path` holding `checkpoint`."""
    path = _write(checkpoint, name)
    fresh = _build(kind, seed)
    try:
        loaded = module.load_model(path, fresh)
    except Exception as exc:  # noqa: BLE001
        return {"error": _error(exc), **_loaded(None, x)}
    return {"error": None, **_loaded(loaded, x)}


class _OldDefault:
    """PyTorch before 2.6, where torch.load without weights_only unpickles whatever the file holds."""

    def __enter__(self):
        self.saved = os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
        os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        warnings.simplefilter("ignore")     # torch says it forced weights_only=False: that is the point

    def __exit__(self, *exc):
        self.warnings.__exit__(*exc)
        if self.saved is None:
            os.environ.pop("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", None)
        else:
            os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = self.saved


def _refused(call):
    """What became of a call given a checkpoint holding a pickled object: the error's type, or what it returned."""
    try:
        return {"refused": None, "returned": _kind_of(call())}
    except Exception as exc:  # noqa: BLE001
        return {"refused": type(exc).__name__, "returned": None}


def load_under_old_default(module, kind, seed, checkpoint, x):
    """load_model(path, fresh model) as PyTorch before 2.6 runs it, `path` holding `checkpoint`."""
    path = _write(checkpoint, "with_object.pt")
    with _OldDefault():
        return _refused(lambda: module.load_model(path, _build(kind, seed)))


def resume_under_old_default(module, kind, seed, optimizer, checkpoint):
    """resume(path, fresh model, fresh optimizer) as PyTorch before 2.6 runs it, `path` holding `checkpoint`."""
    path = _write(checkpoint, "with_object.ckpt")
    model = _build(kind, seed)
    with _OldDefault():
        return _refused(lambda: module.resume(path, model, OPTIMIZERS[optimizer](model.parameters())))


def resume_training(module, kind, seed, optimizer, checkpoint, x, y, train_seed, steps=3):
    """resume(path, fresh model, fresh optimizer) with `checkpoint` at `path`, then `steps` more training steps
    on (x, y) in the mode resume left the model in (the prompt asks for training mode): the epoch it returned,
    and the losses and state of the run that went on."""
    path = _write(checkpoint, "resume.ckpt")
    fresh = _build(kind, seed)
    fresh_optimizer = OPTIMIZERS[optimizer](fresh.parameters())
    report = {"error": None, "epoch": None, "training": None, "optimizer_state": None, "losses": None,
              "state": None}
    try:
        report["epoch"] = _plain_epoch(module.resume(path, fresh, fresh_optimizer))
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
        return report
    report["training"] = bool(fresh.training)
    report["optimizer_state"] = len(fresh_optimizer.state)
    report["losses"] = _train(fresh, fresh_optimizer, x, y, steps, train_seed, train_mode=False)
    report["state"] = _state(fresh)
    return report


def own_round_trip(module, kind, seeds, x, y, epoch, names=("first.pt", "second.pt")):
    """save_checkpoint, then load_model and resume, all with the learner's own functions, for models built
    from `seeds` and saved to `names` (each must come back from its own file). For each: the file, what
    load_model gave, and the epoch and losses resume gave."""
    report = {"error": None, "models": []}
    try:
        runs = []
        for offset, (seed, name) in enumerate(zip(seeds, names)):
            model = _build(kind, seed)
            optimizer = OPTIMIZERS["sgd_momentum"](model.parameters())
            _train(model, optimizer, x, y, 2, seed)
            path = _path(name)
            module.save_checkpoint(model, optimizer, epoch + offset, path)
            runs.append(path)
        for offset, path in enumerate(runs):
            facts = {"file": _file(path)}
            facts.update(_loaded(module.load_model(path, _build(kind, 200 + offset)), x))
            fresh = _build(kind, 300 + offset)
            fresh_optimizer = OPTIMIZERS["sgd_momentum"](fresh.parameters())
            facts["epoch"] = _plain_epoch(module.resume(path, fresh, fresh_optimizer))
            facts["resumed_training"] = bool(fresh.training)
            facts["losses"] = _train(fresh, fresh_optimizer, x, y, 2, 400 + offset, train_mode=False)
            report["models"].append(facts)
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report
