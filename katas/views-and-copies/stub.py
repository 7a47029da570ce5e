"""Kata: in-place operations, views and copies, the NumPy bridge, .item() and dtype conversion.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import numpy as np
import torch


def add_scalar(x: torch.Tensor, value: float, inplace: bool = False) -> torch.Tensor:
    """x + value. In place (x itself is changed and returned) when `inplace`, else a new tensor."""
    # TODO 1: inplace=True: change x itself (a method whose name ends in _) and return x
    # TODO 2: inplace=False: return a new tensor and leave x as it was
    raise NotImplementedError("add_scalar is not written yet")


def get_row(x: torch.Tensor, i: int, copy: bool = False) -> torch.Tensor:
    """Row i of x: a view that shares x's memory, or an independent copy when `copy`."""
    # TODO 3: indexing a row gives a view; which method makes an independent copy?
    raise NotImplementedError("get_row is not written yet")


def numpy_to_tensor(a: np.ndarray, copy: bool = False) -> torch.Tensor:
    """A tensor with the array's values and dtype: sharing its memory, or a copy when `copy`."""
    # TODO 4: one torch function shares the array's memory, another one copies it
    raise NotImplementedError("numpy_to_tensor is not written yet")


def tensor_to_numpy(t: torch.Tensor) -> np.ndarray:
    """A NumPy array that shares the (CPU) tensor's memory."""
    # TODO 5: convert without copying
    raise NotImplementedError("tensor_to_numpy is not written yet")


def total(t: torch.Tensor):
    """The sum of all entries as a Python number: int for integer and bool tensors, float otherwise."""
    # TODO 6: sum everything into a one-element tensor, then turn it into a Python number
    raise NotImplementedError("total is not written yet")


def cast(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """x converted to `dtype` (a new tensor; x is unchanged)."""
    # TODO 7: convert to the dtype you were given (not always the same one)
    raise NotImplementedError("cast is not written yet")


def clip_(w: torch.Tensor, max_abs: float) -> None:
    """Clamp the parameter w (a leaf that requires grad) into [-max_abs, max_abs], in place."""
    # TODO 8: w must be changed in place (the caller keeps using the same w), and
    #         autograd does not allow that on a leaf that requires grad... unless?
    raise NotImplementedError("clip_ is not written yet")
