"""Kata: creating tensors (from data, from a shape, from a template) and reading their attributes.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


def from_data(data):
    """A tensor holding `data` (nested Python lists), with the dtype torch infers from it.

    Python ints give int64, Python floats give float32.
    """
    # TODO 1: turn the Python list into a tensor (mind the lower-case t: it infers the dtype)
    raise NotImplementedError("from_data is not written yet")


def starting_gradebook(students: int, assignments: int, value) -> torch.Tensor:
    """A float32 tensor of shape (students, assignments) with every entry equal to `value`."""
    # TODO 2: build it from the shape; `value` may be an int, the result is float32 all the same
    raise NotImplementedError("starting_gradebook is not written yet")


def random_weights(in_features: int, out_features: int) -> torch.Tensor:
    """A float32 (in_features, out_features) tensor drawn from the standard normal distribution."""
    # TODO 3: standard normal (mean 0, std 1), from torch's default random generator; do not seed here
    raise NotImplementedError("random_weights is not written yet")


def blank_like(template: torch.Tensor) -> torch.Tensor:
    """Zeros with the template's shape, dtype and device."""
    # TODO 4: copy all three properties of the template in one call
    raise NotImplementedError("blank_like is not written yet")


def noise_like(template: torch.Tensor) -> torch.Tensor:
    """Standard normal noise with the template's shape and device, always float32."""
    # TODO 5: mimic the template, but ask for float32 (random normal values need a floating dtype)
    raise NotImplementedError("noise_like is not written yet")


def describe(x: torch.Tensor) -> dict:
    """The tensor's attributes as plain data.

    {"shape": a tuple of ints, "dtype": a torch.dtype, "device": a string such as "cpu",
     "numel": the number of elements, an int}
    """
    # TODO 6: read the attributes; the device as a string, the element count as an int
    raise NotImplementedError("describe is not written yet")
