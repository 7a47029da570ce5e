"""Shared checks for the indexing-masks specs."""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail


def _unchanged(before: torch.Tensor, after: torch.Tensor) -> bool:
    if before.shape != after.shape or before.dtype != after.dtype:
        return False
    same = before == after
    if before.is_floating_point():
        same |= torch.isnan(before) & torch.isnan(after)
    return bool(same.all())


def _check_input_kept(x: torch.Tensor, after: torch.Tensor, name: str) -> None:
    expect(_unchanged(x, after),
           en=f"{name}() changed its input in place: leave it as it was and return a new tensor "
              "(work on a copy, x.clone(), or build the result with torch.where)",
           ko=f"{name} 함수가 입력 텐서를 제자리에서(in-place) 바꿨습니다. 입력은 그대로 두고 새 텐서를 돌려주세요 "
              "(x.clone()으로 만든 복사본을 고치거나, torch.where로 결과를 만드세요)")


@pytest.fixture
def check_fill_missing(sub, ref):
    """check_fill_missing(scores, value): the result, and the input left as it was."""
    def check(scores, value):
        got, after = sub.harness.fill_missing(scores, value)
        expected, _ = ref.harness.fill_missing(scores, value)
        if isinstance(got, torch.Tensor) and bool(torch.isnan(scores).any()) and _unchanged(scores, got):
            fail("fill_missing returned the scores with every NaN still in place: nothing was replaced. NaN is not "
                 "equal to anything, itself included, so a mask built with == float('nan') is False everywhere: "
                 "find the NaNs with torch.isnan(scores)",
                 "fill_missing이 돌려준 성적표에 NaN이 모두 그대로 남아 있습니다. 아무것도 바뀌지 않았습니다. NaN은 "
                 "자기 자신을 포함해 어떤 값과도 같지 않아서, == float('nan')으로 만든 마스크는 모든 자리에서 "
                 "False입니다. NaN은 torch.isnan(scores)로 찾으세요")
        infinite = torch.isinf(scores)
        if isinstance(got, torch.Tensor) and got.shape == scores.shape and bool(infinite.any()) \
                and not bool(torch.isinf(got[infinite]).all()):
            fail("fill_missing changed an infinite score too: only the NaNs may be replaced, every other value "
                 "stays as it is (torch.nan_to_num replaces inf and -inf with the largest finite numbers unless "
                 "you pass posinf= and neginf=; torch.where(torch.isnan(scores), value, scores) touches the NaNs only)",
                 "fill_missing이 무한대(inf) 점수까지 바꿨습니다. NaN만 바꾸고 나머지 값은 그대로 두어야 합니다 "
                 "(torch.nan_to_num은 posinf=와 neginf=를 주지 않으면 inf와 -inf를 가장 큰 유한한 값으로 바꿉니다. "
                 "torch.where(torch.isnan(scores), value, scores)는 NaN만 바꿉니다)")
        expect_close(got, expected)
        _check_input_kept(scores, after, "fill_missing")
    return check


@pytest.fixture
def check_replace_above(sub, ref):
    """check_replace_above(x, threshold, value): the result, and the input left as it was."""
    def check(x, threshold, value):
        got, after = sub.harness.replace_above(x, threshold, value)
        expected, _ = ref.harness.replace_above(x, threshold, value)
        expect_close(got, expected)
        _check_input_kept(x, after, "replace_above")
    return check


ROW = {"en": "the row (first of the three)", "ko": "행(세 값 중 첫 번째)"}
COLUMN = {"en": "the column (second of the three)", "ko": "열(세 값 중 두 번째)"}
ELEMENT = {"en": "the element (third of the three)", "ko": "원소(세 값 중 세 번째)"}


@pytest.fixture
def check_pick(sub, ref):
    """check_pick(scores, i, j): each of the three picks."""
    def check(scores, i, j):
        got = sub.pick(scores, i, j)
        expect(isinstance(got, tuple) and len(got) == 3,
               en="pick must return three values: (row i, column j, element (i, j))",
               ko="pick은 (i번 행, j번 열, (i, j) 원소) 세 값을 튜플로 돌려줘야 합니다")
        expected = ref.pick(scores, i, j)
        for g, e, what in zip(got, expected, (ROW, COLUMN, ELEMENT)):
            expect_close(g, e, what=what)
    return check
