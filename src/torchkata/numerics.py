"""Tolerances by principle: how far a *correct* implementation can be from the expected values.

A float result differs from the exact answer by rounding: a few units of the dtype's
machine epsilon, times how much the operation amplifies rounding (its *condition*: 1
for elementwise arithmetic, about max|x| for softmax or logsumexp of inputs of size
|x|, about the number of terms for a long sum). So

    rtol = max(default_rtol(dtype), SLACK * eps(dtype) * condition)
    atol = max(default_atol(dtype), rtol * scale)

where the defaults are torch.testing.assert_close's (the floor), and ``scale`` is the
size of the expected values (max |expected|): error bounds of sums and matrix products
are relative to the size of the terms, not of each result element. Every numerically
valid formulation passes; the reference's own rounding never sets the bar.

This module is also what mutant matching compares with (:func:`values_match`), so a
learner's result "matches" a mutant's under the same rules a spec uses.
"""
from __future__ import annotations

import math
from typing import Any

SLACK = 8.0   # roundings a correct implementation may accumulate, in units of eps x condition


def _defaults():
    import torch
    return {torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5), torch.float32: (1.3e-6, 1e-5),
            torch.float64: (1e-7, 1e-7), torch.complex32: (1e-3, 1e-5), torch.complex64: (1.3e-6, 1e-5),
            torch.complex128: (1e-7, 1e-7)}


def tolerance(dtype, condition: float = 1.0, scale: float = 0.0) -> tuple[float, float]:
    """(rtol, atol) for results of ``dtype``; (0, 0), exact, for integer and bool dtypes."""
    import torch
    defaults = _defaults()
    if dtype not in defaults:
        return 0.0, 0.0
    real = {torch.complex32: torch.float16, torch.complex64: torch.float32,
            torch.complex128: torch.float64}.get(dtype, dtype)
    base_rtol, base_atol = defaults[dtype]
    rtol = max(base_rtol, SLACK * torch.finfo(real).eps * max(float(condition), 1.0))
    atol = max(base_atol, rtol * max(float(scale), 0.0))
    return rtol, atol


def magnitude(tensor) -> float:
    """max |x| over the finite entries (0 for an empty or all-infinite tensor)."""
    import torch
    if not (tensor.is_floating_point() or tensor.is_complex()) or tensor.numel() == 0:
        return 0.0
    values = tensor.detach().abs()
    finite = torch.where(torch.isfinite(values), values, torch.zeros((), dtype=values.dtype, device=values.device))
    return float(finite.max())


def close_mask(actual, expected, rtol: float, atol: float, equal_nan: bool = True):
    """Elementwise closeness in float64 on the CPU (infinities must match exactly)."""
    import torch
    a, e = actual.detach().cpu(), expected.detach().cpu()
    if a.is_floating_point() or a.is_complex() or e.is_floating_point() or e.is_complex():
        target = torch.complex128 if (a.is_complex() or e.is_complex()) else torch.float64
        return torch.isclose(a.to(target), e.to(target), rtol=rtol, atol=atol, equal_nan=equal_nan)
    return a == e


def values_match(a: Any, b: Any, condition: float = 1.0) -> bool:
    """Whether two plain values agree under the rules above (structure, shape, dtype, then values)."""
    import torch
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        if a.shape != b.shape or a.dtype != b.dtype or a.device.type != b.device.type:
            return False
        if torch.equal(a, b):      # identical (NaN never is): within any tolerance, without computing one
            return True
        rtol, atol = tolerance(a.dtype, condition, max(magnitude(a), magnitude(b)))
        return bool(close_mask(a, b, rtol, atol).all())
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-8)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(values_match(x, y, condition) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(values_match(a[k], b[k], condition) for k in a)
    return a == b


def distinguishing_format(got: float, expected: float) -> tuple[str, str]:
    """Both numbers with just enough significant digits to tell them apart (6 to 17)."""
    for digits in range(6, 18):
        left, right = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if left != right:
            return left, right
    return repr(got), repr(expected)
