"""Shared checks for the manual-backward specs: the learner's gradients against autograd, run here.

Shapes: X (N, D_in), W (D_in, D_out), b (D_out,), y (N, D_out); L = mean((X @ W + b - y) ** 2).
Each failure names the likely mistake (a missing factor, a wrong transpose, a bias gradient not
summed over the batch...) before the generic comparison.
"""
import pytest
import torch

from torchkata.spec import LearnerError as SubmissionRaised
from torchkata.spec import expect_close, expect_tensor, fail

RTOL, ATOL = 1e-4, 1e-6

# (English name, Korean subject form, Korean genitive form)
NAMES = {"dW": ("dL/dW", "dL/dW가", "dL/dW의"),
         "db": ("dL/db", "dL/db가", "dL/db의"),
         "dX": ("dL/dX", "dL/dX가", "dL/dX의"),
         "step_W": ("the weight gradient implied by your step ((W - W_new) / lr)",
                    "스텝에서 역산한 가중치 그래디언트 (W - W_new) / lr이", "스텝에서 역산한 가중치 그래디언트의"),
         "step_b": ("the bias gradient implied by your step ((b - b_new) / lr)",
                    "스텝에서 역산한 바이어스 그래디언트 (b - b_new) / lr이", "스텝에서 역산한 바이어스 그래디언트의")}


def make_problem(n, d_in, d_out, seed, dtype=torch.float32, device="cpu"):
    """A seeded random problem (X, W, b, y)."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
    W = torch.randn(d_in, d_out, generator=gen, dtype=torch.float64) / d_in ** 0.5
    b = torch.randn(d_out, generator=gen, dtype=torch.float64)
    y = torch.randn(n, d_out, generator=gen, dtype=torch.float64) * 2
    return tuple(t.to(device=device, dtype=dtype) for t in (X, W, b, y))


def autograd_grads(X, W, b, y):
    """(loss, dL/dW, dL/db, dL/dX) from torch.autograd, on the trusted side."""
    with torch.enable_grad():
        Xl, Wl, bl = (t.detach().clone().requires_grad_(True) for t in (X, W, b))
        loss = ((Xl @ Wl + bl - y) ** 2).mean()
        loss.backward()   # a scalar loss: no grad_tensor, so no sympy import
    return loss.detach(), Wl.grad, bl.grad, Xl.grad


def _same(a, b, rtol=1e-3, atol=1e-6):
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape:
        return False
    return bool(torch.isclose(a.detach().cpu().double(), b.detach().cpu().double(), rtol=rtol, atol=atol).all())


def _shape(t):
    return tuple(t.shape)


def _check_scale(got, expected, key, n, d_out):
    """When got is a constant multiple c of the right gradient, say which factor went wrong."""
    en_name, ko_subject, ko_of = NAMES[key]
    if got.shape != expected.shape or not got.is_floating_point():
        return
    g, e = got.detach().cpu().double().flatten(), expected.detach().cpu().double().flatten()
    norm = float(e @ e)
    if norm < 1e-20 or not bool(torch.isfinite(g).all()):
        return
    c = float(g @ e) / norm
    if abs(c - 1) < 1e-3 or not torch.allclose(g, c * e, rtol=1e-3, atol=1e-8):
        return
    m = n * d_out

    def near(value):
        return abs(c - value) <= 1e-3 * abs(value)

    head_en = f"{en_name} is {c:.4g} times the right value"
    head_ko = f"{ko_subject} 올바른 값의 {c:.4g}배입니다"
    if near(m / 2):
        fail(f"{head_en}, which is N * D_out / 2 (N = {n}, D_out = {d_out}): you are missing the factor "
             f"2 / (N * D_out). L is the mean of N * D_out squares, so dL/dy_hat = 2 * (y_hat - y) / (N * D_out)",
             f"{head_ko}. 이는 N * D_out / 2 (N = {n}, D_out = {d_out})에 해당하므로, 2 / (N * D_out) 계수를 "
             f"빠뜨렸습니다. L은 제곱 N * D_out개의 평균이므로 dL/dy_hat = 2 * (y_hat - y) / (N * D_out)입니다")
    if near(m):
        fail(f"{head_en}, which is N * D_out (N = {n}, D_out = {d_out}): you kept the 2 but forgot to divide by "
             f"N * D_out, the number of elements the mean runs over",
             f"{head_ko}. 이는 N * D_out (N = {n}, D_out = {d_out})에 해당합니다. 2는 곱했지만, 평균을 낸 원소의 "
             f"개수인 N * D_out으로 나누는 것을 빠뜨렸습니다")
    if d_out > 1 and near(d_out):
        fail(f"{head_en}: you divided by N = {n} only, but the mean runs over all N * D_out = {m} elements "
             f"(D_out = {d_out}), so dL/dy_hat = 2 * (y_hat - y) / (N * D_out)",
             f"{head_ko}. N(= {n})으로만 나누었는데, 평균은 N * D_out = {m}개 원소 전체에 대해 구합니다 "
             f"(D_out = {d_out}). 따라서 dL/dy_hat = 2 * (y_hat - y) / (N * D_out)입니다")
    if near(0.5):
        fail(f"{head_en}: you are missing the factor 2 from the derivative of the square, "
             f"d/du u**2 = 2u",
             f"{head_ko}. 제곱을 미분할 때 나오는 2를 빠뜨렸습니다 (d/du u**2 = 2u)")
    if near(-1):
        fail(f"{en_name} has the wrong sign: the derivative of (y_hat - y)**2 with respect to y_hat is "
             "2 * (y_hat - y), not 2 * (y - y_hat)",
             f"{ko_of} 부호가 반대입니다. (y_hat - y)**2를 y_hat으로 미분하면 2 * (y - y_hat)이 아니라 "
             "2 * (y_hat - y)입니다")
    if key in ("db", "step_b") and near(1 / n):
        fail(f"{head_en}, which is 1/N (N = {n}): you averaged the bias gradient over the batch. The 1 / (N * D_out) "
             "is already inside dL/dy_hat, so sum over the batch (dim=0); do not take the mean",
             f"{head_ko}. 이는 1/N (N = {n})에 해당하므로, 바이어스 그래디언트를 배치에 대해 평균 낸 것입니다. "
             "1 / (N * D_out)은 이미 dL/dy_hat에 들어 있으니, 배치 차원(dim=0)에 대해 평균이 아니라 합을 구하세요")
    fail(f"{head_en}: the direction is right but a constant factor is off. Check the factor in "
         "dL/dy_hat = 2 * (y_hat - y) / (N * D_out)",
         f"{head_ko}. 방향은 맞지만 상수배가 틀렸습니다. dL/dy_hat = 2 * (y_hat - y) / (N * D_out)의 계수를 "
         "확인하세요")


def _check_dW(dW, expected, X, d_y_hat, n, d_out):
    en_name = NAMES["dW"][0]
    expect_tensor(dW, en_name)
    d_in = X.shape[1]
    if _shape(dW) == (d_out, d_in) != (d_in, d_out):
        fail(f"dL/dW has shape {_shape(dW)}, but a gradient has the shape of its parameter, W's shape "
             f"{(d_in, d_out)}: wrong transpose. Compute X.T @ dL/dy_hat, (D_in, N) @ (N, D_out)",
             f"dL/dW의 shape이 {_shape(dW)}인데, 그래디언트는 파라미터와 shape이 같아야 하므로 W의 shape인 "
             f"{(d_in, d_out)}이어야 합니다. 전치를 잘못했습니다. (D_in, N) @ (N, D_out)인 X.T @ dL/dy_hat을 "
             "계산하세요")
    if X.shape[0] == X.shape[1] and _same(dW, X @ d_y_hat) and not _same(dW, expected):
        fail("wrong transpose: you computed X @ dL/dy_hat, which has the right shape here only because X is "
             "square. dL/dW = X.T @ dL/dy_hat: W[i, j] collects X[:, i] * dL/dy_hat[:, j] over the batch",
             "전치를 잘못했습니다. X @ dL/dy_hat을 계산했는데, 여기서는 X가 정사각 행렬이라 shape만 우연히 "
             "맞았습니다. dL/dW = X.T @ dL/dy_hat입니다. W[i, j]의 그래디언트는 배치 전체에 걸쳐 "
             "X[:, i] * dL/dy_hat[:, j]를 모은 값입니다")
    _check_scale(dW, expected, "dW", n, d_out)
    expect_close(dW, expected, rtol=RTOL, atol=ATOL, what=en_name)


def _check_db(db, expected, d_y_hat, n, d_out):
    en_name = NAMES["db"][0]
    expect_tensor(db, en_name)
    if db.dim() == 0:
        fail(f"dL/db is a single number: you summed over everything. b has shape ({d_out},), so sum over the "
             "batch only (dim=0), one value per output",
             f"dL/db가 숫자 하나입니다. 모든 원소를 다 더한 것입니다. b의 shape이 ({d_out},)이므로 배치 "
             "차원(dim=0)에 대해서만 합해서 출력마다 값을 하나씩 구하세요")
    if _shape(db) == (n, d_out) != (d_out,):
        fail(f"dL/db has shape {_shape(db)}, one row per example, but b has shape ({d_out},): b is added to "
             "every row of the batch, so sum over the batch (dim=0)",
             f"dL/db의 shape이 예제마다 한 행씩인 {_shape(db)}인데, b의 shape은 ({d_out},)입니다. b는 배치의 "
             "모든 행에 더해지므로, 그래디언트를 배치 차원(dim=0)에 대해 합해야 합니다")
    if _shape(db) == (1, d_out):
        fail(f"dL/db has shape (1, {d_out}) but b has shape ({d_out},): sum over the batch (dim=0) without "
             "keepdim=True",
             f"dL/db의 shape이 (1, {d_out})인데 b의 shape은 ({d_out},)입니다. keepdim=True 없이 배치 "
             "차원(dim=0)에 대해 합하세요")
    _check_scale(db, expected, "db", n, d_out)
    expect_close(db, expected, rtol=RTOL, atol=ATOL, what=en_name)


def _check_dX(dX, expected, W, d_y_hat, n, d_out):
    en_name = NAMES["dX"][0]
    expect_tensor(dX, en_name)
    d_in = W.shape[0]
    if _shape(dX) == (d_in, n) != (n, d_in):
        fail(f"dL/dX has shape {_shape(dX)}, but it must have X's shape {(n, d_in)}: wrong transpose. "
             "Compute dL/dy_hat @ W.T, (N, D_out) @ (D_out, D_in)",
             f"dL/dX의 shape이 {_shape(dX)}인데, X의 shape인 {(n, d_in)}이어야 합니다. 전치를 잘못했습니다. "
             "(N, D_out) @ (D_out, D_in)인 dL/dy_hat @ W.T를 계산하세요")
    if W.shape[0] == W.shape[1] and _same(dX, d_y_hat @ W) and not _same(dX, expected):
        fail("wrong transpose: you computed dL/dy_hat @ W, which has the right shape here only because W is "
             "square. dL/dX = dL/dy_hat @ W.T",
             "전치를 잘못했습니다. dL/dy_hat @ W를 계산했는데, 여기서는 W가 정사각 행렬이라 shape만 우연히 "
             "맞았습니다. dL/dX = dL/dy_hat @ W.T입니다")
    _check_scale(dX, expected, "dX", n, d_out)
    expect_close(dX, expected, rtol=RTOL, atol=ATOL, what=en_name)


def _explain_raised(exc):
    """Turn a matrix-shape error from the learner's code into a diagnosis; re-raise anything else."""
    message = str(exc.info.get("message", ""))
    if "cannot be multiplied" in message or "size mismatch" in message:
        fail(f"your code raised {exc.info.get('type', 'RuntimeError')} ({message}): a matrix product has "
             "mismatched shapes, most likely a wrong transpose. Line the shapes up: dL/dW = X.T @ dL/dy_hat is "
             "(D_in, N) @ (N, D_out), and dL/dX = dL/dy_hat @ W.T is (N, D_out) @ (D_out, D_in)",
             f"코드에서 {exc.info.get('type', 'RuntimeError')} 예외가 발생했습니다 ({message}). 행렬 곱의 shape이 "
             "맞지 않습니다. 전치를 잘못했을 가능성이 큽니다. shape을 맞춰 보세요: dL/dW = X.T @ dL/dy_hat은 "
             "(D_in, N) @ (N, D_out)이고, dL/dX = dL/dy_hat @ W.T는 (N, D_out) @ (D_out, D_in)입니다")
    raise exc


def _call(fn, *args):
    try:
        return fn(*args)
    except SubmissionRaised as exc:
        _explain_raised(exc)


def _check_grads(got, X, W, b, y):
    if not isinstance(got, tuple) or len(got) != 3:
        kind = f"a tuple of {len(got)} values" if isinstance(got, tuple) else type(got).__name__
        fail(f"mse_grads must return three tensors (dL/dW, dL/db, dL/dX), got {kind}",
             f"mse_grads는 텐서 세 개 (dL/dW, dL/db, dL/dX)를 반환해야 하는데 {kind}이(가) 나왔습니다")
    dW, db, dX = got
    _, eW, eb, eX = autograd_grads(X, W, b, y)
    n, d_out = y.shape
    d_y_hat = 2 * (X @ W + b - y) / y.numel()
    _check_dW(dW, eW, X, d_y_hat, n, d_out)
    _check_db(db, eb, d_y_hat, n, d_out)
    _check_dX(dX, eX, W, d_y_hat, n, d_out)


def _check_step(got, X, W, b, y, lr):
    if not isinstance(got, tuple) or len(got) != 2:
        kind = f"a tuple of {len(got)} values" if isinstance(got, tuple) else type(got).__name__
        fail(f"sgd_step must return two tensors (W_new, b_new), got {kind}",
             f"sgd_step은 텐서 두 개 (W_new, b_new)를 반환해야 하는데 {kind}이(가) 나왔습니다")
    W_new, b_new = got
    _, eW, eb, _ = autograd_grads(X, W, b, y)
    n, d_out = y.shape
    expect_tensor(W_new, "W_new")
    expect_tensor(b_new, "b_new")
    if _shape(b_new) == (n, d_out) != (d_out,):
        fail(f"b_new has shape {_shape(b_new)} but b has shape ({d_out},): the bias gradient must be summed "
             "over the batch (dim=0) before the step",
             f"b_new의 shape이 {_shape(b_new)}인데 b의 shape은 ({d_out},)입니다. 스텝을 밟기 전에 바이어스 "
             "그래디언트를 배치 차원(dim=0)에 대해 합해야 합니다")
    if W_new.shape == W.shape and W_new.is_floating_point():
        if _same(W_new, W + lr * eW, rtol=1e-4, atol=1e-7):
            fail("you stepped uphill: W_new = W + lr * dL/dW makes the loss larger. Gradient descent subtracts: "
                 "W_new = W - lr * dL/dW (and the same for b)",
                 "오르막으로 한 스텝을 밟았습니다. W_new = W + lr * dL/dW는 손실을 키웁니다. 경사 하강법은 "
                 "빼야 합니다: W_new = W - lr * dL/dW (b도 마찬가지)")
        if _same(W_new, -lr * eW, rtol=1e-4, atol=1e-7):
            fail("you returned the update -lr * dL/dW, not the new weights: return W - lr * dL/dW",
                 "새 가중치가 아니라 변화량 -lr * dL/dW를 반환했습니다. W - lr * dL/dW를 반환하세요")
        if _same(W_new, W, rtol=0, atol=0):
            fail("W_new is exactly W: the step did not change the weights. Return W - lr * dL/dW",
                 "W_new가 W와 똑같습니다. 스텝이 가중치를 바꾸지 못했습니다. W - lr * dL/dW를 반환하세요")
        implied = (W - W_new) / lr
        _check_scale(implied, eW, "step_W", n, d_out)
    expect_close(W_new, W - lr * eW, rtol=RTOL, atol=ATOL, what="W_new")
    if b_new.shape == b.shape and b_new.is_floating_point():
        _check_scale((b - b_new) / lr, eb, "step_b", n, d_out)
    expect_close(b_new, b - lr * eb, rtol=RTOL, atol=ATOL, what="b_new")


@pytest.fixture
def problem():
    """problem(n, d_in, d_out, seed, dtype=, device=): a seeded random (X, W, b, y)."""
    return make_problem


@pytest.fixture
def call():
    """call(sub.fn, *args): runs it, explaining a matrix-shape error as a likely wrong transpose."""
    return _call


@pytest.fixture
def check_grads():
    """check_grads(got, X, W, b, y): the learner's (dW, db, dX) against autograd, mistakes named."""
    return _check_grads


@pytest.fixture
def check_step():
    """check_step(got, X, W, b, y, lr): the learner's (W_new, b_new) against a step with autograd's gradients."""
    return _check_step


def _check_loss(got, X, W, b, y):
    expected, _, _, _ = autograd_grads(X, W, b, y)
    n, d_out = y.shape
    squares = (X @ W + b - y) ** 2
    what = {"en": "the loss", "ko": "손실"}
    expect_tensor(got, what)
    if got.dim() != 0:
        if got.numel() == 1:
            fail(f"the loss has shape {_shape(got)}: return a 0-dim tensor (a plain .mean() over every element "
                 "gives one)",
                 f"손실의 shape이 {_shape(got)}입니다. 0차원 텐서를 반환하세요 (모든 원소에 대해 .mean()을 "
                 "하면 0차원 텐서가 나옵니다)")
        fail(f"the loss has shape {_shape(got)}: L is a single number, the mean over all N * D_out squared "
             "errors",
             f"손실의 shape이 {_shape(got)}입니다. L은 숫자 하나, 즉 N * D_out개의 제곱 오차 전체의 평균입니다")
    if got.is_floating_point() and not _same(got, expected, rtol=1e-5):
        if _same(got, squares.sum()):
            fail("you returned the sum of the squared errors: L is their mean, over all N * D_out elements",
                 "제곱 오차의 합을 반환했습니다. L은 N * D_out개 원소 전체에 대한 평균입니다")
        if d_out > 1 and _same(got, squares.sum() / n):
            fail(f"you divided by N = {n} only: the mean runs over all N * D_out = {n * d_out} squared errors",
                 f"N(= {n})으로만 나누었습니다. 평균은 N * D_out = {n * d_out}개의 제곱 오차 전체에 대해 구합니다")
        if _same(got, expected.sqrt()):
            fail("this is the root of the mean squared error (RMSE): do not take the square root",
                 "평균 제곱 오차에 제곱근을 씌운 값(RMSE)입니다. 제곱근을 취하지 마세요")
        if _same(got, (X @ W + b - y).abs().mean()):
            fail("this is the mean absolute error: square the residuals (y_hat - y) ** 2 instead of taking "
                 "their absolute value",
                 "평균 절대 오차입니다. 잔차의 절댓값이 아니라 제곱 (y_hat - y) ** 2를 쓰세요")
    expect_close(got, expected, rtol=1e-5, atol=1e-6, what=what)


@pytest.fixture
def check_loss():
    """check_loss(got, X, W, b, y): the learner's loss against the one autograd differentiates."""
    return _check_loss
