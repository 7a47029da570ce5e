"""Shared by the layer-norm specs: grade one call against a float64 oracle.

The reference runs on float64 copies of the inputs, so the learner's float32 result is held to what
a correct float32 implementation can achieve. The inputs keep each vector's mean within a few of
its standard deviations, so every formulation of the variance passes: the mean of squared
deviations, torch.var(unbiased=False), torch.var_mean, or E[x^2] - E[x]^2.
"""
import pytest
import torch

from torchkata.spec import expect_close

OUTPUT = {"en": "the output of layer_norm", "ko": "layer_norm의 출력"}


@pytest.fixture
def check_ln(sub, ref):
    def check(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
        got = sub.layer_norm(x, gamma, beta, eps)
        expected = ref.layer_norm(x.double(), gamma.double(), beta.double(), eps)
        expect_close(got, expected, dtype=x.dtype, what=OUTPUT)
        return got
    return check
