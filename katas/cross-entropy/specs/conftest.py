"""Shared by the cross-entropy specs: grade one loss against a float64 oracle.

The reference runs on float64 copies of the logits, so the learner's float32 loss is held to what a
correct float32 implementation can achieve. logsumexp amplifies the rounding of its inputs by about
their size (a logit of 1000 carries an absolute rounding error of about 1000 * eps), hence the
condition below: torch.logsumexp and the max trick written by hand both pass.
"""
import pytest
import torch

from torchkata.spec import expect_close

LOSS = {"en": "the loss", "ko": "손실 값"}


def condition(logits: torch.Tensor) -> float:
    return max(1.0, 2 * float(logits.abs().max()))


@pytest.fixture
def check_ce(sub, ref):
    def check(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        got = sub.cross_entropy(logits, targets)
        expected = ref.cross_entropy(logits.double(), targets)
        expect_close(got, expected, dtype=logits.dtype, condition=condition(logits), what=LOSS)
        return got
    return check


@pytest.fixture
def check_soft(sub, ref):
    def check(logits: torch.Tensor, target_probs: torch.Tensor) -> torch.Tensor:
        got = sub.soft_cross_entropy(logits, target_probs)
        expected = ref.soft_cross_entropy(logits.double(), target_probs.double())
        expect_close(got, expected, dtype=logits.dtype, condition=condition(logits), what=LOSS)
        return got
    return check
