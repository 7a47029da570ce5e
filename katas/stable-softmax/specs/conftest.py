"""Shared checks for the stable-softmax specs: each failure names the likely mistake."""
import pytest
import torch

from grader.spec import expect_close, expect_tensor, fail


def _check(got, expected, x, dim):
    expect_tensor(got)
    if got.shape != x.shape:
        fail(f"the output has shape {tuple(got.shape)} but the input has shape {tuple(x.shape)}: "
             "softmax keeps the shape (did a reduction lose keepdim=True?)",
             f"입력의 shape은 {tuple(x.shape)}인데 출력의 shape은 {tuple(got.shape)}입니다. "
             "softmax는 shape을 바꾸지 않습니다 (리덕션에서 keepdim=True를 빠뜨리지 않았나요?)")
    if got.dtype == expected.dtype and got.is_floating_point() and not bool(torch.isfinite(got).all()):
        fail("the output contains NaN or inf: exp overflowed or you divided 0 by 0. "
             "Subtract the maximum along `dim` before calling exp",
             "출력에 NaN이나 inf가 있습니다. exp가 오버플로되었거나 0을 0으로 나눈 것입니다. "
             "exp를 취하기 전에 `dim` 방향의 최댓값을 빼세요")
    if got.dtype == expected.dtype and got.is_floating_point():
        sums = got.detach().double().sum(dim=dim)
        if not torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
            if abs(float(got.detach().double().sum()) - 1.0) < 1e-4:
                fail(f"the whole tensor sums to 1, but each slice along dim={dim} must: "
                     "divide by the sum along `dim` with keepdim=True, not by the sum of everything",
                     f"텐서 전체의 합이 1이지만, dim={dim} 방향의 각 조각의 합이 1이어야 합니다. "
                     "전체 합이 아니라 keepdim=True로 구한 `dim` 방향의 합으로 나누세요")
            fail(f"the slices along dim={dim} do not sum to 1 (sums range from {float(sums.min()):.4g} "
                 f"to {float(sums.max()):.4g}): normalise along `dim`",
                 f"dim={dim} 방향 조각의 합이 1이 아닙니다 (합이 {float(sums.min()):.4g}에서 "
                 f"{float(sums.max()):.4g} 사이입니다). `dim` 방향으로 정규화하세요")
        if not torch.allclose(got.detach().double(), expected.double(), rtol=1e-4, atol=1e-6):
            fail(f"each slice sums to 1 but the values are wrong: the shift you subtract must be the same "
                 f"for a whole slice, so take the maximum along `dim` with keepdim=True (dim={dim})",
                 f"각 조각의 합은 1이지만 값이 틀립니다. 빼는 값은 한 조각 안에서 같아야 하니, "
                 f"keepdim=True로 `dim` 방향의 최댓값을 구하세요 (dim={dim})")
    expect_close(got, expected, rtol=1e-4, atol=1e-6)


@pytest.fixture
def check_softmax():
    """check_softmax(got, expected, x, dim): diagnoses the usual softmax mistakes, then compares."""
    return _check
