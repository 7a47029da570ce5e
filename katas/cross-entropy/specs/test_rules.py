"""Rules: shown with the kata's rules; the learner sees every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_vectorised


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_batch(sub):
    def hard(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 5, generator=gen), torch.randint(0, 5, (n,), generator=gen)

    def soft(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randn(n, 5, generator=gen), torch.softmax(torch.randn(n, 5, generator=gen), dim=1)
    expect_vectorised(sub.cross_entropy, hard)
    expect_vectorised(sub.soft_cross_entropy, soft)
