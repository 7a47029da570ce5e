"""Rules: measured properties the prompt states (shown with the kata's rules; public)."""
import pytest
import torch
from torchkata.spec import expect_vectorised


def _randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_rows(sub):
    expect_vectorised(sub.apply_feature_weights, lambda n: (_randn(n, 4, seed=n), _randn(4, seed=n + 1)))
    expect_vectorised(sub.standardize_features, lambda n: (_randn(n, 3, seed=n),))
    expect_vectorised(sub.center_each_student, lambda n: (_randn(n, 5, seed=n),))
    expect_vectorised(sub.mse_loss, lambda n: (_randn(n, 1, seed=n), _randn(n, seed=n + 1)))
    expect_vectorised(sub.score_gaps, lambda n: (_randn(n, seed=n),))
