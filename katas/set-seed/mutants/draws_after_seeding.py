"""Known-wrong: set_seed prints one number from each generator to check the seeding, after seeding."""
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader


def set_seed(seed: int) -> None:
    """Seed every random number generator a training run uses and make torch deterministic."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    print(random.random(), np.random.rand(), torch.rand(1).item())


def seeded_loader(dataset, batch_size: int, seed: int) -> DataLoader:
    """A shuffling DataLoader whose order depends only on `seed`, never on the global RNG."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)
