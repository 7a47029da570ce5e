"""Known-wrong: randn_like without dtype=torch.float32 keeps the template's dtype (and fails for ints)."""
import torch


def from_data(data):
    return torch.tensor(data)


def starting_gradebook(students, assignments, value):
    return torch.full((students, assignments), value, dtype=torch.float32)


def random_weights(in_features, out_features):
    return torch.randn(in_features, out_features)


def blank_like(template):
    return torch.zeros_like(template)


def noise_like(template):
    return torch.randn_like(template)


def describe(x):
    return {"shape": tuple(x.shape), "dtype": x.dtype, "device": str(x.device), "numel": x.numel()}
