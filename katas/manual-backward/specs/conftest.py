"""Shared by the manual-backward specs: the learner's results against the reference's, on float64.

Shapes: X (N, D_in), W (D_in, D_out), b (D_out,), y (N, D_out); L = mean((X @ W + b - y) ** 2).
The reference runs on float64 copies of the inputs (its gradients are autograd's, derived by
hand). A float32 result may differ by the rounding of the sums inside: the residual sums D_in
products, dL/dW and dL/db sum over the N rows, dL/dX over the D_out outputs, hence the condition
N + D_in + D_out. Any order of the products (2 / (N * D_out) first or last) passes.
"""
import re

import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close, fail


def make_problem(n, d_in, d_out, seed, dtype=torch.float32, device="cpu"):
    """A seeded random problem (X, W, b, y)."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
    W = torch.randn(d_in, d_out, generator=gen, dtype=torch.float64) / d_in ** 0.5
    b = torch.randn(d_out, generator=gen, dtype=torch.float64)
    y = torch.randn(n, d_out, generator=gen, dtype=torch.float64) * 2
    return tuple(t.to(device=device, dtype=dtype) for t in (X, W, b, y))


def condition(X, y) -> float:
    return X.shape[0] + X.shape[1] + y.shape[1]


def float64(*tensors):
    return tuple(t.double() for t in tensors)


@pytest.fixture
def problem():
    """problem(n, d_in, d_out, seed, dtype=, device=): a seeded random (X, W, b, y)."""
    return make_problem


@pytest.fixture
def check_loss(sub, ref):
    def check(X, W, b, y):
        expect_close(sub.mse_loss(X, W, b, y), ref.mse_loss(*float64(X, W, b, y)), dtype=X.dtype,
                     condition=condition(X, y), what={"en": "the loss", "ko": "손실 값"})
    return check


@pytest.fixture
def check_grads(sub, ref):
    def check(X, W, b, y):
        got = _explained(sub.mse_grads, X, W, b, y)
        expect(isinstance(got, tuple) and len(got) == 3,
               en="mse_grads must return a tuple of three tensors (dL/dW, dL/db, dL/dX)",
               ko="mse_grads는 텐서 세 개를 담은 튜플 (dL/dW, dL/db, dL/dX)를 반환해야 합니다")
        expected = ref.mse_grads(*float64(X, W, b, y))
        explain_bias_row(got[1], X, W, b, y)
        for name, mine, right in zip(("dL/dW", "dL/db", "dL/dX"), got, expected):
            expect_close(mine, right, dtype=X.dtype, condition=condition(X, y), what=name)
    return check


def explain_bias_row(db, X, W, b, y) -> None:
    """dL/db is one row of dL/dy_hat (computed here, in float64), not their sum over the N rows: said with the row."""
    X, W, b, y = float64(X, W, b, y)
    d_y_hat = 2 * (X @ W + b - y) / y.numel()
    if not isinstance(db, torch.Tensor) or db.shape != b.shape or X.shape[0] < 2 or not db.is_floating_point():
        return
    rows = [k for k in range(X.shape[0]) if torch.allclose(db.double(), d_y_hat[k], rtol=1e-4, atol=1e-7)]
    if len(rows) == 1 and not torch.allclose(d_y_hat[rows[0]], d_y_hat.sum(dim=0), rtol=1e-4, atol=1e-7):
        fail(**BIAS_ROW, details=[{"en": f"dL/db is row {rows[0]} of dL/dy_hat",
                                   "ko": f"dL/db가 dL/dy_hat의 {rows[0]}번 행입니다"}])


# The bias_grad_one_row mutant's diagnosis (kata.toml), said where db is checked to be one row of dL/dy_hat.
BIAS_ROW = {"en": "dL/db is a single row of dL/dy_hat: b is added to every one of the N rows of y_hat, so its gradient "
                  "sums dL/dy_hat over them, dL/db = dL/dy_hat.sum(dim=0).",
            "ko": "dL/db가 dL/dy_hat의 한 행뿐입니다. b는 y_hat의 N개 행 모두에 더해지므로, 그 그래디언트는 "
                  "dL/dy_hat을 모든 행에 대해 더한 dL/db = dL/dy_hat.sum(dim=0)입니다."}


@pytest.fixture
def check_step(sub, ref):
    def check(X, W, b, y, lr):
        # Recorded, not checked: it lets the diagnosis tell a wrong gradient from a wrong step.
        grads = _explained(sub.mse_grads, X, W, b, y)
        try:
            got = sub.sgd_step(X, W, b, y, lr)
        except LearnerError as error:
            explain_matmul(error, X, W)
            explain_gradient_shape(grads, W)
            raise
        expect(isinstance(got, tuple) and len(got) == 2,
               en="sgd_step must return a tuple of two tensors (W_new, b_new)",
               ko="sgd_step은 텐서 두 개를 담은 튜플 (W_new, b_new)를 반환해야 합니다")
        expected = ref.sgd_step(*float64(X, W, b, y), lr)
        for name, mine, right in zip(("W_new", "b_new"), got, expected):
            expect_close(mine, right, dtype=X.dtype, condition=condition(X, y), what=name)
    return check


def _explained(function, X, W, *rest):
    """Call the learner's function; a matrix product whose shapes do not line up is explained."""
    try:
        return function(X, W, *rest)
    except LearnerError as error:
        explain_matmul(error, X, W)
        raise


MATMUL = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")


def explain_matmul(error: LearnerError, X: torch.Tensor, W: torch.Tensor) -> None:
    """Name the missing transpose only where the sizes in PyTorch's message are those of exactly one
    known product: (N, D_out) @ (D_in, D_out) is dL/dy_hat @ W, (N, D_in) @ (N, D_out) is X @ dL/dy_hat."""
    found = MATMUL.search(str(error.info.get("message", "")))
    if error.info.get("type") != "RuntimeError" or not found:
        return
    sizes = tuple(int(g) for g in found.groups())
    (n, d_in), d_out = X.shape, W.shape[1]
    causes = [words for shapes, words in (((n, d_out, d_in, d_out), NO_W_T), ((n, d_in, n, d_out), NO_X_T))
              if sizes == shapes]
    if len(causes) == 1:
        fail(**causes[0])


def explain_gradient_shape(grads, W: torch.Tensor) -> None:
    """sgd_step failed, and the learner's dL/dW has W's shape transposed: say so (a fact, checked here)."""
    if isinstance(grads, tuple) and grads and isinstance(grads[0], torch.Tensor) and W.dim() == 2 \
            and grads[0].shape != W.shape and grads[0].shape == W.T.shape:
        fail(**DW_TRANSPOSED)


NO_W_T = {"en": "a product of an (N, D_out) tensor, shaped like dL/dy_hat, with a (D_in, D_out) one, shaped like W, "
                "does not line up: W needs its transpose, dL/dX = dL/dy_hat @ W.T, (N, D_out) @ (D_out, D_in).",
          "ko": "dL/dy_hat과 shape이 같은 (N, D_out) 텐서와 W와 shape이 같은 (D_in, D_out) 텐서의 곱은 shape이 맞지 "
                "않습니다. W를 전치해야 합니다: dL/dX = dL/dy_hat @ W.T, (N, D_out) @ (D_out, D_in)."}
NO_X_T = {"en": "a product of an (N, D_in) tensor, shaped like X, with an (N, D_out) one, shaped like dL/dy_hat, "
                "does not line up: X needs its transpose, dL/dW = X.T @ dL/dy_hat, (D_in, N) @ (N, D_out).",
          "ko": "X와 shape이 같은 (N, D_in) 텐서와 dL/dy_hat과 shape이 같은 (N, D_out) 텐서의 곱은 shape이 맞지 "
                "않습니다. X를 전치해야 합니다: dL/dW = X.T @ dL/dy_hat, (D_in, N) @ (N, D_out)."}
DW_TRANSPOSED = {"en": "sgd_step raised an error, and your dL/dW has shape (D_out, D_in), the transpose of W's "
                       "(D_in, D_out): a gradient has the shape of its parameter, dL/dW = X.T @ dL/dy_hat.",
                 "ko": "sgd_step에서 에러가 발생했는데, 여러분의 dL/dW는 shape이 W의 (D_in, D_out)을 전치한 "
                       "(D_out, D_in)입니다. 그래디언트는 파라미터와 shape이 같아야 합니다: dL/dW = X.T @ dL/dy_hat."}
