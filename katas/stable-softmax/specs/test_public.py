"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch


@pytest.mark.public(points=2)
def test_seed_example_large_values(check_softmax):
    check_softmax(torch.tensor([1000.0, 1001.0, 1002.0]))


@pytest.mark.public(points=2)
def test_small_values(check_softmax):
    check_softmax(torch.tensor([1.0, 2.0, 3.0, 0.5]))


@pytest.mark.public(points=2)
def test_each_row_of_a_matrix(check_softmax):
    check_softmax(torch.tensor([[1.0, 2.0, 3.0], [10.0, 0.0, -10.0], [5.0, 5.0, 5.0], [-2.0, 7.0, 1.0]]), dim=-1)


@pytest.mark.public(points=2)
def test_keeps_float64(check_softmax):
    x = torch.tensor([[0.5, -1.0, 2.0, 0.0], [3.0, 1.0, -2.0, 0.25], [-0.5, 1.5, 1.0, -3.0]], dtype=torch.float64)
    check_softmax(x, dim=1)
