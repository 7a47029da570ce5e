"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch


@pytest.mark.public(points=3)
def test_seed_example_large_values(sub, ref, check_softmax):
    x = torch.tensor([1000.0, 1001.0, 1002.0])
    check_softmax(sub.stable_softmax(x), ref.stable_softmax(x), x, -1)


@pytest.mark.public(points=2)
def test_small_values(sub, ref, check_softmax):
    x = torch.tensor([1.0, 2.0, 3.0, 0.5])
    check_softmax(sub.stable_softmax(x), ref.stable_softmax(x), x, -1)


@pytest.mark.public(points=2)
def test_each_row_of_a_matrix(sub, ref, check_softmax):
    x = torch.tensor([[1.0, 2.0, 3.0], [10.0, 0.0, -10.0], [5.0, 5.0, 5.0], [-2.0, 7.0, 1.0]])
    check_softmax(sub.stable_softmax(x, dim=-1), ref.stable_softmax(x, dim=-1), x, -1)


@pytest.mark.public(points=2)
def test_keeps_float64(sub, ref, check_softmax):
    x = torch.linspace(-3, 3, 12, dtype=torch.float64).reshape(3, 4)
    check_softmax(sub.stable_softmax(x, dim=1), ref.stable_softmax(x, dim=1), x, 1)
