"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch
import torch.nn.functional as F

from torchkata.spec import expect_close

LOSS = {"en": "the loss", "ko": "손실 값"}


@pytest.mark.public(points=3)
def test_prompt_example(check_ce):
    logits = torch.tensor([[1.0, 3.0, 0.5, 1.5, -1.0],
                           [-1.0, 2.0, 1.0, 0.0, 0.5],
                           [0.2, -0.3, 2.5, 0.1, 1.0]])     # N=3 examples, C=5 classes
    targets = torch.tensor([1, 2, 4])
    check_ce(logits, targets)                                # about 1.2802


@pytest.mark.public(points=2)
def test_large_logits(check_ce):
    logits = torch.tensor([[1000.0, 1001.0, 1002.0],
                           [1002.0, 1000.0, 1001.0]])
    check_ce(logits, torch.tensor([0, 1]))                   # about 2.4076, exp(1000.) is inf in float32


@pytest.mark.public(points=2)
def test_matches_F_cross_entropy(sub):
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(8, 10, generator=gen) * 3
    targets = torch.randint(0, 10, (8,), generator=gen)
    expect_close(sub.cross_entropy(logits, targets), F.cross_entropy(logits, targets),
                 condition=2 * float(logits.abs().max()), what=LOSS)


@pytest.mark.public(points=2)
def test_soft_targets_example(check_soft):
    logits = torch.tensor([[2.0, 1.0, 0.1],
                           [0.5, 2.5, -1.0]])
    target_probs = torch.tensor([[0.7, 0.2, 0.1],
                                 [0.0, 0.5, 0.5]])
    check_soft(logits, target_probs)                         # about 1.3551
