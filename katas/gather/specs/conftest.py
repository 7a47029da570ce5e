"""Shared by the gather specs: each call of the learner's code is compared with the reference's.

A lookup copies values, so it must match exactly (expect_close's defaults). The loss is a mean
of N values: it is held to a float64 oracle with the condition of an N-term sum, so any order of
summation passes.
"""
import pytest

from torchkata.spec import expect_close

LOSS = {"en": "the loss", "ko": "손실 값"}


@pytest.fixture
def check_scores(sub, ref):
    def check(name: str, logits, targets):
        got = getattr(sub, name)(logits, targets)
        expect_close(got, getattr(ref, name)(logits, targets))
    return check


@pytest.fixture
def check_nll(sub, ref):
    def check(log_probs, targets):
        got = sub.mean_nll(log_probs, targets)
        expected = ref.mean_nll(log_probs.double(), targets)
        expect_close(got, expected, dtype=log_probs.dtype, condition=targets.numel(), what=LOSS)
    return check
