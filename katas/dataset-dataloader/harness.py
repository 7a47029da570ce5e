"""Runs in the confined worker, beside the learner's module: builds the learner's Dataset and DataLoader and
returns what they give as plain data.

Transforms are functions, which cannot cross the process boundary: specs name one of TRANSFORMS.
"augment" adds fresh random numbers each time it runs (from its own generator), as a data augmentation
does: read twice, a sample must come back with new numbers, which shows that the transform runs in
__getitem__ and not once in __init__. Loaders are iterated here, one epoch after the other; batches come
back as tuples of tensors.

The learner's module can reach this file, so everything it returns is an observation (items, batches,
the global RNG's next numbers), compared by the specs with the reference's from the same driver in its
own process.

The global torch RNG is seeded before every loader is built and iterated, so a loader that (wrongly)
shuffles with it gives the same order on every run, and a different one from a seeded generator.
"""
import torch
from torch.utils.data import DataLoader, Dataset, default_collate


class _Augment:
    """x + fresh uniform noise, from a generator of its own: a new draw each time it runs."""

    def __init__(self):
        self.generator = torch.Generator().manual_seed(7)

    def __call__(self, x):
        return x + torch.rand(x.shape, generator=self.generator, dtype=x.dtype)


TRANSFORMS = {
    "first3": lambda: (lambda x: x[:3]),          # changes the length: collate must see the transformed sequence
    "augment": _Augment,
}


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def _plain(value):
    """A batch or an item as plain data: tuples of tensors (or of whatever the learner gave)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (torch.Tensor, int, float, str, bool)) or value is None:
        return value
    return f"<{type(value).__name__}>"


def _items(dataset):
    items = []
    for i in range(len(dataset)):
        features, label = dataset[i]
        items.append((_plain(features), torch.as_tensor(label)))
    return items


def dataset_items(module, sequences, labels, transform=None):
    """len(dataset), and every item dataset[i] for i < len(dataset), read twice (a transform that draws fresh
    numbers gives new ones the second time)."""
    report = {"error": None, "is_dataset": False, "len": None, "items": None, "items_again": None}
    try:
        dataset = _dataset(module, sequences, labels, transform)
        report["is_dataset"] = isinstance(dataset, Dataset)
        report["len"] = len(dataset)
        report["items"] = _items(dataset)
        report["items_again"] = _items(dataset)
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        report["error"] = _error(exc)
    return report


def _dataset(module, sequences, labels, transform):
    """SequenceDataset(sequences, labels[, transform=...]): without a transform, the argument is left out (its
    default, None)."""
    if transform:
        return module.SequenceDataset(list(sequences), labels, transform=TRANSFORMS[transform]())
    return module.SequenceDataset(list(sequences), labels)


def _loader(module, sequences, labels, batch_size, shuffle, drop_last, seed, transform):
    return module.make_loader(_dataset(module, sequences, labels, transform), batch_size, shuffle, drop_last, seed)


def _collate_kind(loader, module):
    collate = getattr(loader, "collate_fn", None)
    if collate is default_collate:
        return "default"
    return "pad_collate" if collate is getattr(module, "pad_collate", None) else "other"


def _describe(loader, module=None):
    return {"is_loader": isinstance(loader, DataLoader), "num_workers": getattr(loader, "num_workers", None),
            "collate": _collate_kind(loader, module)}


def _epoch(loader):
    return [_plain(batch) for batch in loader]


def loader_epochs(module, sequences, labels, batch_size, shuffle, drop_last, seed, epochs=1, transform=None):
    """Build the learner's dataset and loader; iterate `epochs` epochs. The global RNG is seeded first."""
    report = {"error": None, "is_loader": False, "num_workers": None, "collate": None, "epochs": None}
    try:
        torch.manual_seed(1234)
        loader = _loader(module, sequences, labels, batch_size, shuffle, drop_last, seed, transform)
        report.update(_describe(loader, module))
        if report["is_loader"] and report["num_workers"] == 0:
            report["epochs"] = [_epoch(loader) for _ in range(epochs)]
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report


def loaders_around_global_draws(module, sequences, labels, batch_size, seed):
    """Two shuffling loaders built with the same seed, with the global RNG in different states around each.

    Returns the first epoch of each, and the global RNG's next numbers after each loader was built and after
    it was iterated: what the rest of a run would draw.
    """
    report = {"error": None, "is_loader": None, "num_workers": None, "collate": None, "first": None, "second": None,
              "global_draws": []}

    def watched(action):
        result = action()
        report["global_draws"].append(torch.rand(2))
        return result

    try:
        for key, global_seed in (("first", 1), ("second", 2)):
            torch.manual_seed(global_seed)
            loader = watched(lambda: _loader(module, sequences, labels, batch_size, True, False, seed, None))
            report.update(_describe(loader, module))
            if not report["is_loader"] or report["num_workers"] != 0:
                return report
            torch.manual_seed(global_seed * 5)
            report[key] = watched(lambda: _epoch(loader))
    except Exception as exc:  # noqa: BLE001
        report["error"] = _error(exc)
    return report
