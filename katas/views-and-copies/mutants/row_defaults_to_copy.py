"""Known-wrong: get_row's copy flag defaults to True."""
import numpy as np
import torch


def add_scalar(x: torch.Tensor, value: float, inplace: bool = False) -> torch.Tensor:
    """x + value. In place (x itself is changed and returned) when `inplace`, else a new tensor."""
    if inplace:
        return x.add_(value)
    return x.add(value)


def get_row(x: torch.Tensor, i: int, copy: bool = True) -> torch.Tensor:
    """Row i of x: a view that shares x's memory, or an independent copy when `copy`."""
    row = x[i]
    if copy:
        return row.clone()
    return row


def numpy_to_tensor(a: np.ndarray, copy: bool = False) -> torch.Tensor:
    """A tensor with the array's values and dtype: sharing its memory, or a copy when `copy`."""
    if copy:
        return torch.tensor(a)
    return torch.from_numpy(a)


def tensor_to_numpy(t: torch.Tensor) -> np.ndarray:
    """A NumPy array that shares the (CPU) tensor's memory."""
    return t.numpy()


def total(t: torch.Tensor):
    """The sum of all entries as a Python number: int for integer and bool tensors, float otherwise."""
    return t.sum().item()


def cast(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """x converted to `dtype` (a new tensor; x is unchanged)."""
    return x.to(dtype)


def clip_(w: torch.Tensor, max_abs: float) -> None:
    """Clamp the parameter w (a leaf that requires grad) into [-max_abs, max_abs], in place."""
    with torch.no_grad():
        w.clamp_(-max_abs, max_abs)
