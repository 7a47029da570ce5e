"""Rules: shown with the kata's rules; the learner sees every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_vectorised


@pytest.mark.rule(points=1)
def test_no_python_loop_over_the_entries(sub):
    def make_args(n):
        return (torch.randn(n, 3, generator=torch.Generator().manual_seed(n)),)
    for fn in (sub.relu, sub.relu_grad, sub.gelu, sub.gelu_tanh, sub.gelu_grad):
        expect_vectorised(fn, make_args)
