"""Runs in the confined worker: builds the learner's Dataset and DataLoader and returns what they give as plain data.

Transforms are functions, which cannot cross the process boundary: specs name one of TRANSFORMS, and the
harness wraps it to count its calls (a transform belongs in __getitem__, not in __init__). Loaders are
iterated here, one epoch after the other; batches come back as tuples of tensors.

The global torch RNG is seeded before every loader is built and iterated, so a loader that (wrongly)
shuffles with it gives the same order on every run, and a different one from a seeded generator.
"""
import torch
from torch.utils.data import DataLoader, Dataset

TRANSFORMS = {
    "double": lambda x: x * 2,
    "first3": lambda x: x[:3],          # changes the length: collate must see the transformed sequence
}


class _Counted:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, x):
        self.calls += 1
        return self.function(x)


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def _plain(value):
    """A batch or an item as plain data: tuples of tensors (or of whatever the learner gave)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (torch.Tensor, int, float, str, bool)) or value is None:
        return value
    return f"<{type(value).__name__}>"


def dataset_items(module, sequences, labels, transform=None):
    """len(dataset), every item dataset[i] for i < len(dataset), and when the transform ran."""
    counted = _Counted(TRANSFORMS[transform]) if transform else None
    report = {"error": None, "is_dataset": False, "len": None, "items": None,
              "calls_after_init": None, "calls_after_items": None}
    try:
        dataset = module.SequenceDataset(list(sequences), labels, transform=counted)
        report["is_dataset"] = isinstance(dataset, Dataset)
        report["calls_after_init"] = counted.calls if counted else None
        report["len"] = len(dataset)
        items = []
        for i in range(len(dataset)):
            features, label = dataset[i]
            items.append((_plain(features), torch.as_tensor(label)))
        report["items"] = items
        report["calls_after_items"] = counted.calls if counted else None
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        report["error"] = _error(exc)
    return report


def _loader(module, sequences, labels, batch_size, shuffle, drop_last, seed, transform):
    counted = _Counted(TRANSFORMS[transform]) if transform else None
    dataset = module.SequenceDataset(list(sequences), labels, transform=counted)
    return module.make_loader(dataset, batch_size, shuffle, drop_last, seed)


def _describe(loader):
    return {"is_loader": isinstance(loader, DataLoader), "num_workers": getattr(loader, "num_workers", None)}


def _epoch(loader):
    return [_plain(batch) for batch in loader]


def loader_epochs(module, sequences, labels, batch_size, shuffle, drop_last, seed, epochs=1, transform=None):
    """Build the learner's dataset and loader; iterate `epochs` epochs. The global RNG is seeded first."""
    report = {"error": None, "is_loader": False, "num_workers": None, "epochs": None}
    try:
        torch.manual_seed(1234)
        loader = _loader(module, sequences, labels, batch_size, shuffle, drop_last, seed, transform)
        report.update(_describe(loader))
        if report["is_loader"] and report["num_workers"] == 0:
            report["epochs"] = [_epoch(loader) for _ in range(epochs)]
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report


def loaders_around_global_draws(module, sequences, labels, batch_size, seed):
    """Two shuffling loaders built with the same seed, with the global RNG in different states around each.

    Returns the first epoch of each and whether building and iterating them left the global RNG alone.
    """
    report = {"error": None, "is_loader": None, "num_workers": None, "first": None, "second": None,
              "global_rng_untouched": True}

    def watched(action):
        state = torch.get_rng_state()
        result = action()
        report["global_rng_untouched"] = report["global_rng_untouched"] and bool(torch.equal(state, torch.get_rng_state()))
        return result

    try:
        for key, global_seed in (("first", 1), ("second", 2)):
            torch.manual_seed(global_seed)
            loader = watched(lambda: _loader(module, sequences, labels, batch_size, True, False, seed, None))
            report.update(_describe(loader))
            if not report["is_loader"] or report["num_workers"] != 0:
                return report
            torch.rand(global_seed * 5)
            report[key] = watched(lambda: _epoch(loader))
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report
