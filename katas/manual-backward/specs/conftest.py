"""Shared by the manual-backward specs: the learner's results against the reference's, on float64.

Shapes: X (N, D_in), W (D_in, D_out), b (D_out,), y (N, D_out); L = mean((X @ W + b - y) ** 2).
The reference runs on float64 copies of the inputs (its gradients are autograd's, derived by
hand). A float32 result may differ by the rounding of the sums inside: the residual sums D_in
products, dL/dW and dL/db sum over the N rows, dL/dX over the D_out outputs, hence the condition
N + D_in + D_out. Any order of the products (2 / (N * D_out) first or last) passes.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close


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
        got = sub.mse_grads(X, W, b, y)
        expect(isinstance(got, tuple) and len(got) == 3,
               en="mse_grads must return a tuple of three tensors (dL/dW, dL/db, dL/dX)",
               ko="mse_grads는 텐서 세 개를 담은 튜플 (dL/dW, dL/db, dL/dX)를 반환해야 합니다")
        expected = ref.mse_grads(*float64(X, W, b, y))
        for name, mine, right in zip(("dL/dW", "dL/db", "dL/dX"), got, expected):
            expect_close(mine, right, dtype=X.dtype, condition=condition(X, y), what=name)
    return check


@pytest.fixture
def check_step(sub, ref):
    def check(X, W, b, y, lr):
        # Recorded, not checked: it lets the diagnosis tell a wrong gradient from a wrong step.
        sub.mse_grads(X, W, b, y)
        got = sub.sgd_step(X, W, b, y, lr)
        expect(isinstance(got, tuple) and len(got) == 2,
               en="sgd_step must return a tuple of two tensors (W_new, b_new)",
               ko="sgd_step은 텐서 두 개를 담은 튜플 (W_new, b_new)를 반환해야 합니다")
        expected = ref.sgd_step(*float64(X, W, b, y), lr)
        for name, mine, right in zip(("W_new", "b_new"), got, expected):
            expect_close(mine, right, dtype=X.dtype, condition=condition(X, y), what=name)
    return check
