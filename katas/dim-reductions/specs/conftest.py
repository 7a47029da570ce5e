"""Shared by the dim-reductions specs: each call of the learner's code is compared with the reference.

`scores` has shape (students, assignments): dim=0 indexes the students, dim=1 the assignments.
Float results are held to a float64 oracle (the reference run on float64 copies of the inputs),
with the condition of the reduction: a sum or mean of n terms amplifies rounding by about n, and
standardising divides that error by the slice's std. So any order of summation passes, and
so do (x - mean) / sqrt(var) and the like.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close


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


@pytest.fixture
def check_masked_mean(sub, ref):
    return lambda scores, mask, dim: _compare(sub, ref, "masked_mean", (scores, mask, dim), scores.shape[dim],
                                              {"en": f"the masked mean along dim={dim}",
                                               "ko": f"dim={dim} 방향의 마스크 평균"})


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
