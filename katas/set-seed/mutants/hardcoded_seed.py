"""Known-wrong: set_seed seeds every generator with the constant 42, not with its argument."""
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader


def set_seed(seed: int) -> None:
    """Seed every random number generator a training run uses and make torch deterministic."""
    random.seed(42)
    np.random.seed(42)
    torch.manual_seed(42)
    torch.cuda.manual_seed_all(42)
    os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def seeded_loader(dataset, batch_size: int, seed: int) -> DataLoader:
    """A shuffling DataLoader whose order depends only on `seed`, never on the global RNG."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)
