"""The abstract values of the loop analysis: one fact per value, "may its length grow with the batch?"."""
from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class V:
    """An abstract value. ``grows``: iterating it (its first dimension, for a tensor) or using it as a
    count may depend on the batch size. ``dims``/``sizes``: a tensor's dimensions when known (which
    grow; their sizes at the larger batch). ``shape``: ``x.shape`` (iterating gives its dims; ``elem``:
    whether an unknown one may grow). ``value``: a known constant int. ``count``: a known length.
    ``number``: a Python number (a size, a count), not a tensor."""
    grows: bool = False
    dims: tuple[bool, ...] | None = None
    sizes: tuple[int, ...] | None = None
    shape: bool = False
    elem: bool = False
    value: int | float | None = None
    count: int | None = None
    number: bool = False

    @property
    def any(self) -> bool:
        """Anything derived from it may grow."""
        return self.grows or self.elem or bool(self.dims and any(self.dims))

    def join(self, other: "V") -> "V":
        if self == other:
            return self
        return V(grows=self.grows or other.grows, elem=self.elem or other.elem or self.any or other.any,
                 dims=self.dims if self.dims == other.dims else None,
                 sizes=self.sizes if self.sizes == other.sizes else None,
                 shape=self.shape and other.shape,
                 value=self.value if self.value == other.value else None,
                 count=self.count if self.count == other.count else None, number=self.number and other.number)


CONST = V()
GROWS = V(grows=True, elem=True)
MODULE = V(count=-1)    # the learner's module, as a harness sees it


def tensor(dims: tuple[bool, ...], sizes: tuple[int, ...]) -> V:
    return V(grows=bool(dims and dims[0]), dims=dims, sizes=sizes, elem=any(dims))


def derived(*values: V) -> V:
    return GROWS if any(v.any for v in values) else CONST


def argument(small, large) -> V:
    """What the trusted side knows of one argument, from its values at the smaller and larger batch."""
    import torch
    if isinstance(small, torch.Tensor) and isinstance(large, torch.Tensor):
        if small.dim() != large.dim():
            return GROWS
        return tensor(tuple(a != b for a, b in zip(small.shape, large.shape)), tuple(large.shape))
    if isinstance(small, bool) or small is None:
        return CONST
    if isinstance(small, int) and isinstance(large, int):
        return V(grows=True, number=True) if small != large else V(value=large, number=True)
    if isinstance(small, (list, tuple, dict, str)) and isinstance(large, (list, tuple, dict, str)):
        return GROWS if len(small) != len(large) else V(count=len(large), elem=True)
    return CONST


def arith(op: ast.operator, left: int | None, right: int | None) -> int | None:
    if left is None or right is None:
        return None
    try:
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.FloorDiv):
            return left // right
        if isinstance(op, ast.Pow) and 0 <= right < 64:
            return left ** right
    except (ZeroDivisionError, TypeError, OverflowError):
        return None
    return None
