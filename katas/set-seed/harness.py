"""Runs in the confined worker, beside the learner's module: calls set_seed / seeded_loader, returns observations.

kata.toml sets fresh_process_per_test, so every test runs in a fresh fork of the worker: whatever
set_seed changes here (seeds, flags, os.environ) is gone when the test ends and never reaches the
grader's own process or the next test.

The learner's module can reach this file and make it report anything, so it returns what a run would
see, never a verdict: the numbers each generator gives right after set_seed, the settings as they are
after it, the batches a loader gives, the global RNG's next numbers after a loader was built and used.
The specs compare all of it with the same driver run on the reference, in its own process.
"""
import os
import random

import torch

OFFSET = 10_000    # before set_seed(seed), every generator is seeded with seed + OFFSET: never what seed gives


def _epoch(loader):
    """The items of one pass over a loader built on torch.arange, batch by batch, as lists of ints."""
    return [batch.tolist() if isinstance(batch, torch.Tensor) else repr(batch) for batch in loader]


def _known_state(seed):
    """Every generator in a state of its own, so a generator set_seed leaves alone gives the same numbers in
    every run (Python's random module is reseeded from the OS in every forked process), and never what
    seeding it with `seed` gives."""
    import numpy as np
    random.seed(seed + OFFSET)
    np.random.seed(seed + OFFSET)
    torch.manual_seed(seed + OFFSET)


def _disturb():
    """Use every generator, as the rest of a training run would, between two seeded runs."""
    import numpy as np
    random.random()
    np.random.rand(7)
    torch.rand(11)


def _default_rng_calls(np):
    """np.random.default_rng is watched while set_seed runs: calling it with the seed leaves the global
    generator unseeded. Only a diagnosis uses this (it tells that mistake from not seeding NumPy at all):
    the points are decided by the draws."""
    plain, seeds = np.random.default_rng, []

    def watched(seed_value=None, *args, **kwargs):
        seeds.append(seed_value if isinstance(seed_value, int) else None)
        return plain(seed_value, *args, **kwargs)
    return plain, seeds, watched


def _pipeline(module, seed, n_items, batch_size, with_loader):
    """set_seed(seed), then what each generator gives, and (with_loader) one epoch of seeded_loader."""
    import numpy as np
    _known_state(seed)
    plain, seeds, watched = _default_rng_calls(np)
    np.random.default_rng = watched
    try:
        module.set_seed(seed)
    finally:
        np.random.default_rng = plain
    return {
        "python": [random.random() for _ in range(3)],
        "numpy": torch.from_numpy(np.random.rand(3)).clone(),
        "torch": torch.rand(3),
        "numpy_default_rng_with_seed": seed in seeds,
        "loader": _epoch(module.seeded_loader(torch.arange(n_items), batch_size, seed)) if with_loader else None,
    }


def pipeline_twice(module, seed, n_items=20, batch_size=6, with_loader=True):
    """set_seed(seed), then draw from every source; disturb them all; do it again. Returns both runs.

    Without the loader, only set_seed runs: a learner can be graded on it before writing seeded_loader.
    """
    first = _pipeline(module, seed, n_items, batch_size, with_loader)
    _disturb()
    second = _pipeline(module, seed, n_items, batch_size, with_loader)
    return first, second


def flags_after_set_seed(module, seed):
    """Start from the settings a fast, non-deterministic run would have; return them as they are after set_seed."""
    torch.use_deterministic_algorithms(False)
    torch.backends.cudnn.deterministic = False
    torch.backends.cudnn.benchmark = True
    os.environ.pop("CUBLAS_WORKSPACE_CONFIG", None)
    module.set_seed(seed)
    return {
        "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
        "cudnn_deterministic": bool(torch.backends.cudnn.deterministic),
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
        "cublas_workspace_config": os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
    }


def loader_epochs(module, n_items, batch_size, seed, epochs=2):
    """Epochs from one seeded_loader, with the global RNG left alone."""
    loader = module.seeded_loader(torch.arange(n_items), batch_size, seed)
    return [_epoch(loader) for _ in range(epochs)]


def loaders_around_global_draws(module, n_items, batch_size, seed):
    """Two loaders with the same seed, with the global torch RNG in different states around each.

    Returns the first epoch of each loader, and the global RNG's next numbers after each step (building
    a loader, iterating it): what the rest of a run would draw, had the loader not been there.
    """
    after = []

    def watched(global_seed, action):
        torch.manual_seed(global_seed)
        result = action()
        after.append(torch.rand(2))
        return result

    first = watched(0, lambda: module.seeded_loader(torch.arange(n_items), batch_size, seed))
    order_first = watched(100, lambda: _epoch(first))
    second = watched(1, lambda: module.seeded_loader(torch.arange(n_items), batch_size, seed))
    order_second = watched(3, lambda: _epoch(second))
    return order_first, order_second, after


def tensor_dataset_epoch(module, x, y, batch_size, seed):
    """One epoch over a TensorDataset(x, y): the (x, y) batches as tensors."""
    loader = module.seeded_loader(torch.utils.data.TensorDataset(x, y), batch_size, seed)
    return [tuple(batch) for batch in loader]
