"""Shared by the broadcasting specs: float64 oracles and the conditions of each operation.

Where a result subtracts a mean, the rounding of that mean (a sum of n terms, each up to
max|x|) is what a correct float32 implementation cannot avoid, so the condition is n * max|x|
relative to the size of what is left: every correct formulation passes, and a mistake (the
wrong dim, the population std, an (N, N) broadcast) is far outside it.
"""
import pytest
import torch

from torchkata.spec import expect_close


def standardize_condition(data: torch.Tensor) -> float:
    """max over the features of n * max|x| / std: the mean's rounding, relative to the result's scale."""
    x = data.detach().double().cpu()
    n = x.shape[0]
    return max(1.0, float((n * x.abs().amax(dim=0) / x.std(dim=0)).max()))


def centering_condition(scores: torch.Tensor, expected: torch.Tensor) -> float:
    """n * max|x| / max|result|: the row mean's rounding, relative to what is left after subtracting it."""
    n = scores.shape[1]
    left = float(expected.detach().abs().max())
    return max(1.0, n * float(scores.detach().abs().max()) / left) if left > 0 else float(n)


@pytest.fixture
def check_standardized(ref):
    def check(got, data):
        expected = ref.standardize_features(data.double())
        expect_close(got, expected, dtype=data.dtype, condition=standardize_condition(data))
    return check


@pytest.fixture
def check_centered(ref):
    def check(got, scores):
        expected = ref.center_each_student(scores.double())
        expect_close(got, expected, dtype=scores.dtype, condition=centering_condition(scores, expected))
    return check


@pytest.fixture
def check_mse(ref):
    def check(got, pred, target):
        expected = ref.mse_loss(pred.double(), target.double())
        expect_close(got, expected, dtype=pred.dtype, condition=target.numel(),
                     what={"en": "the loss", "ko": "손실"})
    return check
