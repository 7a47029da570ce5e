"""Runs in the confined worker: calls the learner's set_seed / seeded_loader and returns plain data.

kata.toml sets fresh_process_per_test, so every test runs in a fresh fork of the worker: whatever
set_seed changes here (seeds, flags, os.environ) is gone when the test ends and never reaches the
grader's own process or the next test.
"""
import contextlib
import os
import random

import torch

CUBLAS_DETERMINISTIC = (":4096:8", ":16:8")


def _epoch(loader):
    """The items of one pass over a loader built on torch.arange, batch by batch, as lists of ints."""
    return [batch.tolist() if isinstance(batch, torch.Tensor) else repr(batch) for batch in loader]


def _disturb():
    """Use every generator, as the rest of a training run would, between two seeded runs."""
    import numpy as np
    random.random()
    np.random.rand(7)
    torch.rand(11)


@contextlib.contextmanager
def _seeds_passed_to(owner, name):
    """While active, owner.name(seed, ...) records the seeds it is called with."""
    plain, seeds = getattr(owner, name), []

    def recording(seed_value=None, *args, **kwargs):
        seeds.append(seed_value)
        return plain(seed_value, *args, **kwargs)

    setattr(owner, name, recording)
    try:
        yield seeds
    finally:
        setattr(owner, name, plain)


def _pipeline(module, seed, n_items, batch_size, with_loader):
    """set_seed(seed), then, for each generator, whether it gives what seeding it with `seed` gives.

    Facts, not the draws: Python's random module is reseeded from the OS in every forked process,
    so an unseeded draw would differ from one run of the same code to the next, and a diagnosis
    could never recognise it. "numpy_default_rng" (whether set_seed called np.random.default_rng
    with the seed) is not graded: it tells that mistake apart from not seeding NumPy at all.
    """
    import numpy as np
    with _seeds_passed_to(torch.cuda, "manual_seed_all") as cuda_seeds, \
            _seeds_passed_to(np.random, "default_rng") as default_rng_seeds:
        module.set_seed(seed)
    python, numpy, draws = [random.random() for _ in range(3)], np.random.rand(3), torch.rand(3)
    seeded_python, seeded_numpy = random.Random(seed), np.random.RandomState(seed)
    return {
        "python": python == [seeded_python.random() for _ in range(3)],
        "numpy": bool(np.array_equal(numpy, seeded_numpy.rand(3))),
        "torch": bool(torch.equal(draws, torch.rand(3, generator=torch.Generator().manual_seed(seed)))),
        "cuda": seed in cuda_seeds,
        "numpy_default_rng": seed in default_rng_seeds,
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
    """Start from the settings a fast, non-deterministic run would have; report them after set_seed
    (for CUBLAS_WORKSPACE_CONFIG: whether it holds one of the values cuBLAS accepts)."""
    torch.use_deterministic_algorithms(False)
    torch.backends.cudnn.deterministic = False
    torch.backends.cudnn.benchmark = True
    os.environ.pop("CUBLAS_WORKSPACE_CONFIG", None)
    module.set_seed(seed)
    return {
        "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
        "cudnn_deterministic": bool(torch.backends.cudnn.deterministic),
        "cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
        "cublas_workspace_config": os.environ.get("CUBLAS_WORKSPACE_CONFIG") in CUBLAS_DETERMINISTIC,
    }


def loader_epochs(module, n_items, batch_size, seed, epochs=2):
    """Epochs from one seeded_loader, with the global RNG left alone."""
    loader = module.seeded_loader(torch.arange(n_items), batch_size, seed)
    return [_epoch(loader) for _ in range(epochs)]


def loaders_around_global_draws(module, n_items, batch_size, seed):
    """Two loaders with the same seed, with the global torch RNG in different states around each.

    Returns (first epoch of each loader, whether building and iterating them left the global RNG alone).
    """
    untouched = True

    def watched(action):
        nonlocal untouched
        state = torch.get_rng_state()
        result = action()
        untouched = untouched and bool(torch.equal(state, torch.get_rng_state()))
        return result

    torch.manual_seed(0)
    first = watched(lambda: module.seeded_loader(torch.arange(n_items), batch_size, seed))
    torch.rand(100)
    order_first = watched(lambda: _epoch(first))
    torch.manual_seed(1)
    second = watched(lambda: module.seeded_loader(torch.arange(n_items), batch_size, seed))
    torch.rand(3)
    order_second = watched(lambda: _epoch(second))
    return order_first, order_second, untouched


def tensor_dataset_epoch(module, x, y, batch_size, seed):
    """One epoch over a TensorDataset(x, y): the (x, y) batches as tensors."""
    loader = module.seeded_loader(torch.utils.data.TensorDataset(x, y), batch_size, seed)
    return [tuple(batch) for batch in loader]
