"""Shared by the matmul-vs-mul specs: grade a float product against a float64 oracle.

The reference runs on float64 copies of the inputs. A float32 matrix product of k terms per
entry can be off by about k * eps * (|A| @ |B|) in each entry (more than eps * |result| when
terms cancel), so the condition passed to expect_close is that bound relative to the size of
the result: `@`, torch.matmul, torch.einsum and (a * b).sum(...) all pass.
"""
import pytest
import torch

from torchkata.spec import LearnerError, expect_close


def product_condition(a: torch.Tensor, b: torch.Tensor, expected: torch.Tensor, extra_terms: int = 0) -> float:
    """k * max(|a| @ |b|) / max|expected|: how much a k-term product may amplify rounding."""
    k = a.shape[-1] + extra_terms
    bound = float((a.detach().abs().double().cpu() @ b.detach().abs().double().cpu()).max())
    scale = float(expected.detach().abs().double().max()) if expected.numel() else 0.0
    return max(1.0, k * bound / scale) if scale > 0 else float(k)


@pytest.fixture
def check_product():
    """check_product(got, expected64, a, b, dtype, extra_terms=0): a product against the float64 oracle."""
    def check(got, expected, a, b, dtype, extra_terms=0, what=None):
        expect_close(got, expected, dtype=dtype, condition=product_condition(a, b, expected, extra_terms), what=what)
    return check


def _square_probe():
    gen = torch.Generator().manual_seed(99)
    return torch.randn(3, 3, generator=gen), torch.randn(3, 3, generator=gen), torch.randn(3, generator=gen)


def _probe_linear(sub):
    """One more call of sub.linear_forward, on square inputs, after it raised.

    `X * W`, `W @ X` and `X @ W.T` all raise a shape error on most shapes, but on square inputs each
    gives a result of its own, so the grader's mutant matching (which replays the test's calls) can
    tell them apart and name the one the learner made.
    """
    try:
        sub.linear_forward(*_square_probe())
    except LearnerError:
        pass


@pytest.fixture
def probe_linear(sub):
    """probe_linear(): call it in an `except LearnerError` block before re-raising (see _probe_linear)."""
    return lambda: _probe_linear(sub)


@pytest.fixture
def linear_forward(sub):
    """Calls sub.linear_forward; when it raises, probes it on square inputs before re-raising."""
    def call(X, W, b):
        try:
            return sub.linear_forward(X, W, b)
        except LearnerError:
            _probe_linear(sub)
            raise
    return call
