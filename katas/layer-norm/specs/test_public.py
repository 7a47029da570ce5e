"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch
import torch.nn.functional as F

from torchkata.spec import expect_close


@pytest.mark.public(points=3)
def test_prompt_example(check_ln):
    x = torch.tensor([[[1.0, 2.0, 3.0],
                       [4.0, 5.0, 6.0]]])                  # (B=1, T=2, D=3)
    check_ln(x, torch.ones(3), torch.zeros(3))           # [[[-1.2247, 0.0, 1.2247], [-1.2247, 0.0, 1.2247]]]
    check_ln(x, torch.tensor([1.0, 2.0, 0.5]), torch.tensor([0.0, 0.1, -1.0]))


@pytest.mark.public(points=2)
def test_matches_F_layer_norm(sub):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 8, generator=gen) * 2 + 1
    gamma, beta = torch.randn(8, generator=gen), torch.randn(8, generator=gen)
    expect_close(sub.layer_norm(x, gamma, beta, 1e-5), F.layer_norm(x, (8,), gamma, beta, 1e-5),
                 what={"en": "the output of layer_norm", "ko": "layer_norm의 출력"})


@pytest.mark.public(points=2)
def test_a_large_eps(check_ln):
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(3, 5, generator=gen)
    check_ln(x, torch.full((5,), 1.5), torch.linspace(-1, 1, 5), eps=0.1)
