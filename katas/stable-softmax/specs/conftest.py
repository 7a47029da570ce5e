"""Shared by the stable-softmax specs: grade one call against a float64 oracle.

The reference runs on float64 copies of the inputs, so the learner's float32 (or float16)
result is held to what a correct implementation in that dtype can achieve, not to the
reference's own rounding. softmax amplifies the rounding of its inputs by about their size
(a shift by a constant is free only in exact arithmetic), hence the condition below:
exp(x - logsumexp(x)) and exp(x - max) / sum both pass.
"""
import pytest
import torch

from torchkata.spec import expect_close, fail


def condition(x: torch.Tensor) -> float:
    finite = x[torch.isfinite(x)]
    return 2 * float(finite.abs().max()) if finite.numel() else 1.0


@pytest.fixture
def check_softmax(sub, ref):
    def check(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
        got = sub.stable_softmax(x, dim=dim)
        expected = ref.stable_softmax(x.double(), dim=dim)
        explain_overflow(got, expected, x, dim)
        expect_close(got, expected, dtype=x.dtype, condition=condition(x))
        return got
    return check


def explain_overflow(got, expected, x: torch.Tensor, dim: int) -> None:
    """Name the textbook formula's failure only where it is the cause: the learner's result is NaN or inf
    exactly in slices where exp(x) itself overflows (or underflows to 0 everywhere) in x's dtype, and the
    true softmax is finite there. Any other NaN is left to expect_close to describe."""
    if not isinstance(got, torch.Tensor) or got.shape != x.shape or not got.dtype.is_floating_point:
        return
    bad = ~torch.isfinite(got) & torch.isfinite(expected)
    if not bad.any():
        return
    exps = torch.exp(x)
    overflow = torch.isinf(exps) & torch.isfinite(x)
    slice_overflows = overflow.any(dim=dim, keepdim=True).expand_as(x)
    slice_underflows = (exps == 0).all(dim=dim, keepdim=True).expand_as(x)
    if bool((slice_overflows[bad] | slice_underflows[bad]).all()):
        fail(en=OVERFLOW["en"], ko=OVERFLOW["ko"])


# The no_max_subtraction mutant's diagnosis (kata.toml), said here only where the cause is checked.
OVERFLOW = {"en": "exp overflows for large inputs (and underflows to 0 for very negative ones): subtract the "
                  "maximum along `dim` before calling exp.",
            "ko": "입력이 크면 exp가 오버플로되고, 절댓값이 아주 큰 음수면 0으로 언더플로됩니다. exp를 계산하기 "
                  "전에 `dim` 방향의 최댓값을 빼세요."}
