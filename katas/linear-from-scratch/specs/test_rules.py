"""Rules: shown with the kata's rules; the learner sees every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_vectorised


@pytest.mark.rule(points=1)
def test_no_python_loop_over_the_batch(sub):
    def make_args(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 4, generator=gen), torch.randn(3, 4, generator=gen), torch.randn(3, generator=gen)
    expect_vectorised(sub.linear_forward, make_args)
