"""Known-wrong: noise_like builds the noise from the template's shape only, so it is always on the default device."""
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
    return torch.randn(template.shape)


def describe(x):
    return {"shape": tuple(x.shape), "dtype": x.dtype, "device": str(x.device), "numel": x.numel()}
