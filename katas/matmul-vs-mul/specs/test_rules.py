"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import LearnerError, expect_vectorised


def _randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_batch(sub, probe_linear):
    def batch_of_matrices(n):
        return _randn(n, 3, 4, seed=n), _randn(n, 4, 2, seed=n + 1)

    def batch_of_samples(n):
        return _randn(n, 3, seed=n), _randn(3, 2, seed=n + 1), _randn(2, seed=n + 2)
    expect_vectorised(sub.batched_products, batch_of_matrices)
    try:
        expect_vectorised(sub.linear_forward, batch_of_samples)
    except LearnerError:
        probe_linear()
        raise
