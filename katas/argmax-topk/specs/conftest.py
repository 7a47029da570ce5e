"""Shared checks for the argmax-topk specs.

Indices and values picked out of a tensor are copies, so they must match exactly. Inputs never hold
ties within a slice: with ties, argmax picks the first maximum, but topk and sort may order equal
values either way, and every one of those orders is correct.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail

PREDICTED = {"en": "the tensor of predicted classes", "ko": "예측 클래스 텐서"}
VALUES = {"en": "the values tensor from top_k", "ko": "top_k가 반환한 values"}
INDICES = {"en": "the indices tensor from top_k", "ko": "top_k가 반환한 indices"}
ACCURACY = {"en": "the accuracy", "ko": "정확도"}


def _distinct(shape, seed, dtype=torch.float32):
    """Scores without ties: a shuffled arithmetic sequence (steps of 0.25, or of 1 for integers)."""
    gen = torch.Generator().manual_seed(seed)
    n = 1
    for size in shape:
        n *= size
    values = torch.randperm(n, generator=gen) - n // 2
    if dtype.is_floating_point:
        values = values.to(dtype) * 0.25
    return values.reshape(shape).to(dtype)


@pytest.fixture
def distinct():
    """distinct(shape, seed, dtype=torch.float32): a tensor of scores with no ties."""
    return _distinct


def _equal(a, b):
    return isinstance(a, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and bool((a == b).all())


@pytest.fixture
def check_predicted(sub, ref):
    def check(logits):
        got = sub.predicted_class(logits)
        expect_close(got, ref.predicted_class(logits), what=PREDICTED)
    return check


@pytest.fixture
def check_top_k(sub, ref):
    def check(scores, k, dim=None):
        """dim=None leaves `dim` out of the call: top_k's default, dim=1."""
        args = (scores, k) if dim is None else (scores, k, dim)
        got = sub.harness.top_k(*args)
        if not isinstance(got, tuple) or len(got) != 2:
            kind = f"a tuple of {len(got)} values" if isinstance(got, tuple) else type(got).__name__
            kind_ko = f"값 {len(got)}개짜리 튜플" if isinstance(got, tuple) else f"{type(got).__name__} 타입"
            fail(f"top_k must return the pair (values, indices), got {kind}: torch.topk gives both at once",
                 f"top_k는 (values, indices) 두 값을 반환해야 하는데 결과가 {kind_ko}입니다. "
                 "torch.topk를 쓰면 둘을 한 번에 얻을 수 있습니다")
        values, indices = got
        want_values, want_indices = ref.harness.top_k(*args)
        if _equal(values, want_indices) and _equal(indices, want_values):
            fail("values and indices are swapped: return (values, indices), in that order, as torch.topk does",
                 "values와 indices의 순서가 바뀌었습니다. torch.topk처럼 (values, indices) 순서로 반환하세요")
        expect_close(values, want_values, what=VALUES)
        expect_close(indices, want_indices, what=INDICES)
    return check


@pytest.fixture
def check_accuracy(sub, ref):
    def check(logits, targets):
        got = sub.accuracy(logits, targets)
        if isinstance(got, torch.Tensor):
            fail("accuracy() returned a tensor: return a Python float, e.g. with .item() on a one-element tensor",
                 "accuracy()가 텐서를 반환했습니다. 원소가 하나인 텐서에 .item()을 호출해서 파이썬 float로 "
                 "반환하세요")
        expect(type(got) is float,
               en=f"accuracy() should return a Python float between 0 and 1, got {type(got).__name__} {got!r}",
               ko=f"accuracy()는 0과 1 사이의 파이썬 float를 반환해야 하는데 결과가 {type(got).__name__} 타입의 "
                  f"값 {got!r}입니다")
        expected = ref.accuracy(logits, targets)
        # float32 is the coarsest dtype a correct solution may count in (.float().mean())
        expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64),
                     dtype=torch.float32, check_dtype=False, what=ACCURACY)
    return check
