"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch


@pytest.mark.public(points=3)
def test_target_scores_example(check_scores):
    logits = torch.tensor([[0.1, 0.2, 0.7],
                           [2.0, -1.0, 0.5],
                           [0.3, 1.5, -0.2],
                           [-1.0, 4.0, 3.0]])
    targets = torch.tensor([2, 0, 1, 1])
    check_scores("target_scores", logits, targets)


@pytest.mark.public(points=2)
def test_target_scores_as_many_rows_as_classes(check_scores):
    gen = torch.Generator().manual_seed(11)
    logits = torch.randn(5, 5, generator=gen)
    targets = torch.tensor([3, 0, 4, 4, 1])
    check_scores("target_scores", logits, targets)


@pytest.mark.public(points=3)
def test_mean_nll_example(check_nll):
    logits = torch.tensor([[2.0, 1.0, 0.1],
                           [0.5, 2.5, 0.3],
                           [1.2, 0.2, 3.1],
                           [0.0, 0.0, 0.0]])
    log_probs = torch.log_softmax(logits, dim=1)
    targets = torch.tensor([0, 1, 1, 2])
    check_nll(log_probs, targets)


@pytest.mark.public(points=2)
def test_sequence_target_scores_example(check_scores):
    gen = torch.Generator().manual_seed(5)
    logits = torch.randn(2, 4, 5, generator=gen)
    targets = torch.tensor([[0, 3, 1, 2],
                            [1, 1, 0, 3]])
    check_scores("sequence_target_scores", logits, targets)
