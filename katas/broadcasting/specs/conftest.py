"""Shared by the broadcasting specs: float64 oracles and the conditions of each operation.

Where a result subtracts a mean, the rounding of that mean (a sum of n terms, each up to
max|x|) is what a correct float32 implementation cannot avoid, so the condition is n * max|x|
relative to the size of what is left: every correct formulation passes, and a mistake (the
wrong dim, the population std, an (N, N) broadcast) is far outside it.
"""
import re

import pytest
import torch

from torchkata.spec import LearnerError, expect_close, fail

_MISMATCH = re.compile(r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) "
                       r"at non-singleton dimension (\d+)")


def lined_up_wrongly(exc: LearnerError, sizes: tuple[int, int], dim: int) -> bool:
    """Whether the learner's error is PyTorch's broadcasting error between exactly these two sizes, at
    ``dim`` of the result: the cause a spec names is then read from the error itself, never assumed."""
    found = _MISMATCH.search(str(exc.info.get("message", "")))
    return exc.info.get("type") == "RuntimeError" and found is not None and sizes[0] != sizes[1] \
        and {int(found[1]), int(found[2])} == set(sizes) and int(found[3]) == dim


def call_explaining(call, explain):
    """call() (a call of the learner's code); when it raises, explain(exc) may fail with the cause, else
    the learner's error stands."""
    try:
        return call()
    except LearnerError as exc:
        explain(exc)
        raise


@pytest.fixture
def feature_weights(sub):
    """sub.apply_feature_weights, naming the cause of a broadcasting error between the samples and the features."""
    def call(batch, weights):
        def explain(exc):
            if lined_up_wrongly(exc, tuple(batch.shape), 0):
                fail("the weights were lined up with the samples (dim 0), not with the features: a column of "
                     "weights, shape (F, 1), stretches along the rows. Leave them as (F,): broadcasting lines "
                     "(F,) up with the last dimension, the features, batch * weights",
                     "가중치가 특성이 아니라 샘플 방향(dim 0)에 맞춰졌습니다. (F, 1) 모양의 열 가중치는 행 방향으로 "
                     "늘어납니다. (F,) 모양 그대로 두세요. 브로드캐스팅은 (F,)를 마지막 차원인 특성에 맞춥니다: "
                     "batch * weights")
        return call_explaining(lambda: sub.apply_feature_weights(batch, weights), explain)
    return call


@pytest.fixture
def standardize(sub):
    """sub.standardize_features, naming the cause of a statistic with one value per sample."""
    def call(data):
        def explain(exc):
            if lined_up_wrongly(exc, tuple(data.shape), 1):
                fail("a statistic with one value per sample, shape (N,), was lined up with the features: the mean "
                     "and std of a feature are taken over the samples, dim=0, which gives shape (F,)",
                     "샘플마다 값이 하나인 (N,) 모양의 통계값이 특성 방향에 맞춰졌습니다. 특성의 평균과 표준편차는 "
                     "샘플 방향(dim=0)으로 구하고, 그러면 shape이 (F,)가 됩니다")
        return call_explaining(lambda: sub.standardize_features(data), explain)
    return call


@pytest.fixture
def center(sub):
    """sub.center_each_student, naming the cause of per-student means lined up with the assignments."""
    def call(scores):
        def explain(exc):
            if lined_up_wrongly(exc, tuple(scores.shape), 1):
                fail("the per-student means, shape (S,), were lined up with the assignments (the last dimension), "
                     "not with the rows: keep the reduced dimension, scores.mean(dim=1, keepdim=True), shape (S, 1)",
                     "학생별 평균의 shape이 (S,)라서 행이 아니라 과제 방향(마지막 차원)에 맞춰졌습니다. 리덕션한 "
                     "차원을 남기세요: scores.mean(dim=1, keepdim=True), shape (S, 1)")
        return call_explaining(lambda: sub.center_each_student(scores), explain)
    return call


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
