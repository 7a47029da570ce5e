"""Known-wrong: random_weights seeds torch's default generator itself, so every call draws the same numbers."""
import torch


def from_data(data):
    return torch.tensor(data)


def starting_gradebook(students, assignments, value):
    return torch.full((students, assignments), value, dtype=torch.float32)


def random_weights(in_features, out_features):
    torch.manual_seed(42)
    return torch.randn(in_features, out_features)


def blank_like(template):
    return torch.zeros_like(template)


def noise_like(template):
    return torch.randn_like(template, dtype=torch.float32)


def describe(x):
    return {"shape": tuple(x.shape), "dtype": x.dtype, "device": str(x.device), "numel": x.numel()}
