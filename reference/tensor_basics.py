"""Reference solution for the tensor-basics kata."""
import torch


def from_data(data):
    """A tensor holding `data` (nested Python lists), with the dtype torch infers from it."""
    return torch.tensor(data)


def starting_gradebook(students: int, assignments: int, value) -> torch.Tensor:
    """A float32 tensor of shape (students, assignments) with every entry equal to `value`."""
    return torch.full((students, assignments), value, dtype=torch.float32)


def random_weights(in_features: int, out_features: int) -> torch.Tensor:
    """A float32 (in_features, out_features) tensor drawn from the standard normal distribution."""
    return torch.randn(in_features, out_features)


def blank_like(template: torch.Tensor) -> torch.Tensor:
    """Zeros with the template's shape, dtype and device."""
    return torch.zeros_like(template)


def noise_like(template: torch.Tensor) -> torch.Tensor:
    """Standard normal noise with the template's shape and device, always float32."""
    return torch.randn_like(template, dtype=torch.float32)


def describe(x: torch.Tensor) -> dict:
    """The tensor's attributes as plain data."""
    return {
        "shape": tuple(x.shape),
        "dtype": x.dtype,
        "device": str(x.device),
        "numel": x.numel(),
    }
