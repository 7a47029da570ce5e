"""Known-wrong: noise_like fills the template's float32 copy in place; for a float32 template, .float() is the
template itself, so the template is overwritten with the noise."""
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
    return template.float().normal_()


def describe(x):
    return {"shape": tuple(x.shape), "dtype": x.dtype, "device": str(x.device), "numel": x.numel()}
