"""Rules: shown with the kata's rules; the learner sees every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_vectorised


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_vectors(sub):
    def make_args(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 3, 8, generator=gen), torch.ones(8), torch.zeros(8), 1e-5
    expect_vectorised(sub.layer_norm, make_args)
