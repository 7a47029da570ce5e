"""Shared by the dim-reductions specs: each call of the learner's code is compared with the reference.

`scores` has shape (students, assignments): dim=0 indexes the students, dim=1 the assignments.
Float results are held to a float64 oracle (the reference run on float64 copies of the inputs),
with the condition of the reduction: a sum or mean of n terms amplifies rounding by about n, and
standardising divides that error by the slice's std. So any order of summation passes, and
so do (x - mean) / sqrt(var) and the like.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail

NAN_LEAKED = {
    "en": "NaN from masked-out entries reached the mean: a slice whose masked-out entries hold NaN gives NaN. "
          "Multiplying by the mask keeps NaN (NaN * 0 is NaN): pick the kept entries with "
          "torch.where(mask, scores, 0) before summing.",
    "ko": "마스크가 False인 자리의 NaN이 평균까지 흘러들었습니다. 가려진 자리에 NaN이 있는 슬라이스의 결과가 NaN입니다. "
          "마스크를 곱해도 NaN은 사라지지 않습니다 (NaN * 0은 NaN). 더하기 전에 torch.where(mask, scores, 0)로 "
          "남길 값만 고르세요."}
EMPTY_SLICE_NAN = {
    "en": "a slice with no True entry gave NaN instead of 0 (0 / 0): divide by mask.sum(dim).clamp_min(1), so "
          "that such a slice gives 0.",
    "ko": "True인 원소가 하나도 없는 슬라이스의 결과가 0이 아니라 NaN입니다 (0 / 0). mask.sum(dim).clamp_min(1)로 "
          "나누면 그런 슬라이스는 0이 됩니다."}


def _float64(value):
    return value.double() if isinstance(value, torch.Tensor) and value.is_floating_point() else value


def _compare(sub, ref, name, args, condition, what):
    got = getattr(sub, name)(*args)
    expected = getattr(ref, name)(*map(_float64, args))
    expect_close(got, expected, dtype=args[0].dtype, condition=condition, what=what)


@pytest.fixture
def check_totals(sub, ref):
    return lambda scores: _compare(sub, ref, "per_student_totals", (scores,), scores.shape[1],
                                   {"en": "the tensor of per-student totals", "ko": "학생별 총점"})


@pytest.fixture
def check_means(sub, ref):
    return lambda scores: _compare(sub, ref, "per_assignment_means", (scores,), scores.shape[0],
                                   {"en": "the tensor of per-assignment means", "ko": "과제별 평균"})


def _explain_nan(got, scores, mask, dim):
    """Name where the learner's NaN came from, when it is exactly where one cause puts it: the slices whose
    masked-out entries hold NaN, or the slices with no True entry (read from the inputs, on this side)."""
    if not isinstance(got, torch.Tensor) or not got.is_floating_point():
        return
    nan = torch.isnan(got.detach().cpu())
    scores, mask = scores.cpu(), mask.cpu()
    leaked = (torch.isnan(scores) & ~mask).any(dim=dim)
    empty = ~mask.any(dim=dim)
    for cause, message in ((leaked & ~empty, NAN_LEAKED), (empty & ~leaked, EMPTY_SLICE_NAN)):
        if nan.shape == cause.shape and bool(cause.any()) and bool(torch.equal(nan, cause)):
            fail(message["en"], message["ko"])


@pytest.fixture
def check_masked_mean(sub, ref):
    def check(scores, mask, dim):
        what = {"en": f"the masked mean along dim={dim}", "ko": f"dim={dim} 방향의 마스크 평균"}
        got = sub.masked_mean(scores, mask, dim)
        _explain_nan(got, scores, mask, dim)
        expected = ref.masked_mean(scores.double(), mask, dim)
        expect_close(got, expected, dtype=scores.dtype, condition=scores.shape[dim], what=what)
    return check


@pytest.fixture
def check_normalize(sub, ref):
    def check(x, dim):
        spread = x.double().abs().max() / x.double().std(dim=dim).min()
        _compare(sub, ref, "normalize_features", (x, dim), x.shape[dim] * float(spread),
                 {"en": f"the tensor standardised along dim={dim}", "ko": f"dim={dim} 방향으로 표준화한 텐서"})
    return check


@pytest.fixture
def check_best(sub, ref):
    """best_assignment's (values, indices): both exact (the specs' rows have no ties)."""
    def check(scores):
        got = sub.harness.best_assignment(scores)
        expect(isinstance(got, tuple) and len(got) == 2,
               en="best_assignment must return a pair (values, indices): scores.max(dim=...) gives both at once",
               ko="best_assignment는 (values, indices) 두 값을 반환해야 합니다. scores.max(dim=...)를 쓰면 "
                  "둘을 한 번에 얻을 수 있습니다")
        values, indices = ref.harness.best_assignment(scores)
        expect_close(got[0], values, what={"en": "the tensor of best scores (values)", "ko": "최고 점수(values)"})
        expect_close(got[1], indices, what={"en": "the tensor of indices of the best assignments",
                                            "ko": "최고 점수를 받은 과제 번호(indices)"})
    return check
