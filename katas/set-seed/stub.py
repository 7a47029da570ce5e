"""Kata: reproducible runs with set_seed and a seeded DataLoader.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader


def set_seed(seed: int) -> None:
    """Seed every random number generator a training run uses and make torch deterministic."""
    # TODO 1: seed Python's random module, NumPy's global generator and torch (CPU and every GPU)
    # TODO 2: set os.environ["CUBLAS_WORKSPACE_CONFIG"] to ":4096:8"
    # TODO 3: turn on torch's deterministic algorithms
    # TODO 4: make cuDNN deterministic and turn its benchmark mode off
    raise NotImplementedError("set_seed is not written yet")


def seeded_loader(dataset, batch_size: int, seed: int) -> DataLoader:
    """A shuffling DataLoader whose order depends only on `seed`, never on the global RNG."""
    # TODO 5: make a torch.Generator and seed it with `seed`
    # TODO 6: return a DataLoader over `dataset` with batch_size, shuffle=True and that generator
    raise NotImplementedError("seeded_loader is not written yet")
