"""Shared by the stable-softmax specs: grade one call against a float64 oracle.

The reference runs on float64 copies of the inputs, so the learner's float32 (or float16)
result is held to what a correct implementation in that dtype can achieve, not to the
reference's own rounding. softmax amplifies the rounding of its inputs by about their size
(a shift by a constant is free only in exact arithmetic), hence the condition below:
exp(x - logsumexp(x)) and exp(x - max) / sum both pass.
"""
import pytest
import torch

from torchkata.spec import expect_close


def condition(x: torch.Tensor) -> float:
    finite = x[torch.isfinite(x)]
    return 2 * float(finite.abs().max()) if finite.numel() else 1.0


@pytest.fixture
def check_softmax(sub, ref):
    def check(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
        got = sub.stable_softmax(x, dim=dim)
        expected = ref.stable_softmax(x.double(), dim=dim)
        expect_close(got, expected, dtype=x.dtype, condition=condition(x))
        return got
    return check
