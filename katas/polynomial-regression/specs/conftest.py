"""Shared checks for the polynomial-regression specs.

fit_cubic runs in the worker through harness.fit (the learner's, and the reference's under the
same seed), and comes back as plain data: the loss of every epoch and the coefficients [a, b, c, d].
The curve is compared with the reference's: rounding may differ between correct formulations
(x ** 3 or x * x * x, squeeze or unsqueeze) and builds up over the updates, hence condition=epochs.
"""
import re

import pytest
import torch

from torchkata.spec import SpecFailure, expect, expect_close, fail


def cubic_data(coeffs, n=50, low=-1.0, high=1.0, noise=0.0, seed=0, dtype=torch.float32):
    """x of shape (n,) evenly spaced in [low, high] and y = a + b*x + c*x**2 + d*x**3 (+ noise)."""
    a, b, c, d = coeffs
    x = torch.linspace(low, high, n, dtype=dtype)
    y = a + b * x + c * x ** 2 + d * x ** 3
    if noise:
        y = y + noise * torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    return x, y


def _run(sub, ref, x, y, lr, epochs, seed):
    got = sub.harness.fit(x, y, lr, epochs, seed)
    if "error" in got:
        message = got["error"]
        detail = [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}]
        product = re.search(r"cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)", message)
        if product and (int(product.group(1)), int(product.group(2))) == (3, x.shape[0]) != (x.shape[0], 3):
            fail("model(features) failed on the shapes: nn.Linear(3, 1) needs features of shape (N, 3), one row per "
                 "sample and one column per power of x. Stack x, x**2, x**3 along dim=1",
                 "model(features)에서 shape이 맞지 않아 오류가 났습니다. nn.Linear(3, 1)에는 샘플마다 한 행, x의 "
                 "거듭제곱마다 한 열인 (N, 3) shape의 특징이 들어가야 합니다. x, x**2, x**3을 dim=1로 쌓으세요",
                 detail)
        if product and (int(product.group(1)), int(product.group(3)), int(product.group(4))) == (x.shape[0], 3, 1) \
                and int(product.group(2)) != 3:
            columns = int(product.group(2))
            fail(f"model(features) failed on the shapes: the features have {columns} columns, and nn.Linear(3, 1) "
                 "takes exactly 3, x, x**2 and x**3. The constant term a is the bias of nn.Linear: it needs no column",
                 f"model(features)에서 shape이 맞지 않아 오류가 났습니다. 특징의 열이 {columns}개인데, nn.Linear(3, 1)은 "
                 "x, x**2, x**3 정확히 3개를 받습니다. 상수항 a는 nn.Linear의 편향이 맡으니 따로 열을 만들 필요가 "
                 "없습니다",
                 detail)
        fail("fit_cubic raised an exception", "fit_cubic에서 예외가 발생했습니다", detail)
    got["n"] = x.shape[0]
    return got, ref.harness.fit(x, y, lr, epochs, seed)


def _close(a, b):
    """Two losses that agree to float32 precision (relative to their size)."""
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-12)


def _check(got, exp, epochs, batches=None):
    """batches(coeffs, epochs) names updates made per batch instead of once per epoch; see _several_updates."""
    losses, expected = got["losses"], exp["losses"]
    if len(losses) != epochs:
        fail("fit_cubic did not return one loss per epoch: append loss.item() once per epoch",
             "fit_cubic이 에포크마다 손실을 하나씩 돌려주지 않았습니다. 에포크마다 loss.item()을 한 번씩 리스트에 "
             "추가하세요",
             [{"en": f"{len(losses)} losses for {epochs} epochs", "ko": f"{epochs}에포크에 손실 {len(losses)}개"}])
    if not got["floats"]:
        fail("the losses must be a list of Python floats: append loss.item(), not the loss tensor",
             "손실은 파이썬 float의 리스트여야 합니다. 손실 텐서가 아니라 loss.item()을 추가하세요")
    if epochs > 1 and len(set(losses)) == 1:
        # Only the fact is known (nothing moved), not which of its causes: name them all.
        fail("the loss never changes: no update ever reached this model's parameters. Build the optimizer from "
             "this model's parameters, torch.optim.SGD(model.parameters(), lr=lr), and every epoch call "
             "optimizer.zero_grad(), loss.backward() and optimizer.step(), in that order",
             "손실이 전혀 변하지 않습니다. 이 모델의 파라미터가 한 번도 갱신되지 않았습니다. 옵티마이저는 이 모델의 "
             "파라미터로 만드세요: torch.optim.SGD(model.parameters(), lr=lr). 그리고 에포크마다 "
             "optimizer.zero_grad(), loss.backward(), optimizer.step()을 이 순서대로 호출하세요")
    if epochs:
        try:
            expect_close(torch.tensor(losses[:1], dtype=torch.float64),
                         torch.tensor(expected[:1], dtype=torch.float64), dtype=torch.float32, check_dtype=False,
                         what={"en": "the first loss (before any update)", "ko": "첫 손실(업데이트 전)"})
        except SpecFailure as exc:
            n = got.get("n", 0)
            if n > 1 and expected[0] > 0 and abs(losses[0] / expected[0] - n) <= 1e-4 * n:
                fail("the loss is N times the mean squared error (N: the number of samples): a sum of the squared "
                     "errors, not their mean. Use nn.MSELoss() with its default reduction, the mean",
                     "손실이 평균 제곱 오차의 N배(N: 샘플 수)입니다. 제곱 오차의 평균이 아니라 합을 구했습니다. 기본 "
                     "reduction(평균)인 nn.MSELoss()를 쓰세요",
                     exc.details)
            if len(expected) > 1 and _close(losses[0], expected[1]):
                fail("your losses are one epoch ahead of the reference: append loss.item() of the loss you just "
                     "computed, before optimizer.step(), so the first entry is the loss of the initial parameters",
                     "손실이 기준보다 한 에포크씩 앞서 있습니다. 방금 계산한 손실의 loss.item()을 optimizer.step() "
                     "전에 추가해서, 첫 번째 값이 초기 파라미터의 손실이 되게 하세요",
                     exc.details)
            if batches:
                batches(got["coeffs"], epochs)
            fail("the very first loss, before any update, differs from the reference: start exactly as the prompt "
                 "says (torch.manual_seed(seed), then model = nn.Linear(3, 1), nothing random in between), use "
                 "nn.MSELoss() on a prediction of y's shape (N,), and check make_features",
                 "업데이트 전의 첫 손실부터 기준과 다릅니다. 문제에 적힌 대로 시작하고(torch.manual_seed(seed) 다음에 "
                 "바로 model = nn.Linear(3, 1), 그 사이에 난수를 쓰는 코드 없이), y와 같은 shape (N,)의 예측에 "
                 "nn.MSELoss()를 쓰고, make_features도 확인하세요",
                 exc.details)
    try:
        expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64),
                     dtype=torch.float32, check_dtype=False, condition=max(epochs, 1),
                     what={"en": "the loss curve", "ko": "손실 곡선"})
    except SpecFailure:
        if batches:
            batches(got["coeffs"], epochs)
        raise
    coeffs = got["coeffs"]
    if coeffs.shape == exp["coeffs"].shape == (4,) and not torch.allclose(coeffs, exp["coeffs"]) \
            and torch.allclose(coeffs.roll(1), exp["coeffs"]):
        fail("the coefficients are in the wrong order: return [a, b, c, d] = [bias, weight for x, weight for x**2, "
             "weight for x**3], i.e. torch.cat([model.bias, model.weight[0]])",
             "계수의 순서가 틀렸습니다. [a, b, c, d] = [편향, x의 가중치, x**2의 가중치, x**3의 가중치] 순서, 즉 "
             "torch.cat([model.bias, model.weight[0]])을 돌려주세요")
    if epochs == 0 and coeffs.shape == exp["coeffs"].shape and not torch.allclose(coeffs, exp["coeffs"]):
        fail("with epochs=0, the coefficients are the model's initial parameters, and they differ from the "
             "reference's: the start is not the one given. Begin exactly with torch.manual_seed(seed), then "
             "model = nn.Linear(3, 1), with nothing random in between, and return that model's parameters",
             "epochs=0이면 계수는 모델의 초기 파라미터인데, 기준 실행과 다릅니다. 시작 부분이 주어진 것과 다릅니다. "
             "정확히 torch.manual_seed(seed), 그다음 model = nn.Linear(3, 1) 순서로 시작하고, 그 사이에 난수를 쓰는 "
             "코드를 넣지 말고, 그 모델의 파라미터를 돌려주세요")
    expect_close(coeffs, exp["coeffs"], condition=max(epochs, 1),
                 what={"en": "the coefficient vector [a, b, c, d]", "ko": "계수 벡터 [a, b, c, d]"})


def _sgd_in_batches(start, features, y, lr, epochs, size):
    """[a, b, c, d] after `epochs` epochs of plain SGD on the MSE, one update per batch of `size` samples, in order."""
    coeffs = start.clone()
    for _ in range(epochs):
        for first in range(0, features.shape[0], size):
            rows, target = features[first:first + size], y[first:first + size]
            error = coeffs[0] + rows @ coeffs[1:] - target
            grad = torch.cat([error.sum().reshape(1), rows.T @ error]) * (2 / rows.shape[0])
            coeffs = coeffs - lr * grad
    return coeffs


def _several_updates(got, start, x, y, lr, epochs):
    """The learner's coefficients are exactly those of one update per batch of samples (any batch size smaller
    than N, taken in order): the cause is checked by redoing those updates here, from the reference's start."""
    if not isinstance(got, torch.Tensor) or got.shape != (4,) or not 1 <= epochs * x.shape[0] <= 1000:
        return      # (long runs are left out: redoing every batch size costs about epochs * N * log N updates)
    features = torch.stack([x, x ** 2, x ** 3], dim=1).double()
    got, start, y = got.double(), start.double(), y.double()
    for size in range(1, x.shape[0]):
        if torch.allclose(got, _sgd_in_batches(start, features, y, lr, epochs, size), rtol=1e-4, atol=1e-5):
            fail("each epoch made several updates, one per batch of samples: an epoch is one update on the whole "
                 "data set. Compute the loss of all N samples at once, model(features), with no loop over the "
                 "samples, then call optimizer.step() once per epoch",
                 "에포크마다 샘플 묶음별로 여러 번 업데이트했습니다. 한 에포크는 데이터 전체로 한 번 업데이트하는 "
                 "것입니다. 샘플을 도는 반복문 없이 model(features)로 N개 샘플 전체의 손실을 한 번에 구하고, "
                 "optimizer.step()은 에포크마다 한 번만 호출하세요",
                 [{"en": f"your coefficients are those of one update per batch of {size} "
                         f"sample{'s' if size > 1 else ''}",
                   "ko": f"계수가 샘플 {size}개 묶음마다 한 번씩 업데이트한 결과와 같습니다"}])


@pytest.fixture
def data():
    """data(coeffs, n=50, low=-1, high=1, noise=0, seed=0) -> (x, y) on the cubic a + b*x + c*x**2 + d*x**3."""
    return cubic_data


@pytest.fixture
def check_fit(sub, ref):
    """Run fit_cubic for the learner and the reference; compare the curves and coefficients. Returns the learner's run."""
    def check(x, y, lr, epochs, seed):
        got, exp = _run(sub, ref, x, y, lr, epochs, seed)
        start = ref.harness.fit(x, y, lr, 0, seed)["coeffs"]     # always asked: a released spec is replayed

        def batches(coeffs, epochs):
            _several_updates(coeffs, start, x, y, lr, epochs)
        _check(got, exp, epochs, batches)
        return got
    return check


@pytest.fixture
def check_features(sub, ref):
    def check(x):
        got = sub.make_features(x)
        if isinstance(got, torch.Tensor) and got.is_floating_point() and got.dtype != x.dtype:
            fail(f"given {x.dtype} x, make_features returned {got.dtype} features: keep x's dtype (the powers of x "
                 "stacked together keep it; a buffer from torch.zeros(N, 3) is float32 unless given dtype=x.dtype)",
                 f"{x.dtype} x를 받았는데 make_features가 {got.dtype} 특징을 반환했습니다. x의 dtype을 유지하세요 "
                 "(x의 거듭제곱을 쌓으면 dtype이 유지되지만, torch.zeros(N, 3)으로 만든 버퍼는 dtype=x.dtype을 주지 "
                 "않으면 float32입니다)")
        expect_close(got, ref.make_features(x.double()), dtype=x.dtype,
                     what={"en": "make_features(x)", "ko": "make_features(x)"})
        return got
    return check


def _expect_recovered(coeffs, true):
    """The learned coefficients must be within 0.01 of the cubic the data came from."""
    error = float((coeffs.double() - torch.tensor(true, dtype=torch.float64)).abs().max())
    expect(error < 1e-2,
           en=f"the cubic was not recovered: the coefficients are off by up to {error:.3g} (at most 0.01 expected)",
           ko=f"3차 다항식을 복원하지 못했습니다. 계수가 최대 {error:.3g}만큼 다릅니다 (0.01 이하여야 합니다)")


@pytest.fixture
def expect_recovered():
    """expect_recovered(coeffs, true): the learned [a, b, c, d] are within 0.01 of `true`."""
    return _expect_recovered
