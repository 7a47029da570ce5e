"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

# N = 3 examples, D_in = 2 inputs, D_out = 2 outputs
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]])
W = torch.tensor([[0.5, 1.0], [-0.25, 0.0]])
b = torch.tensor([0.1, -0.2])
y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])


@pytest.mark.public(points=2)
def test_loss_small_example(check_loss):
    check_loss(X, W, b, y)


@pytest.mark.public(points=3)
def test_grads_small_example(check_grads):
    check_grads(X, W, b, y)


@pytest.mark.public(points=2)
def test_grads_random_4x3_to_2(problem, check_grads):
    check_grads(*problem(4, 3, 2, seed=1))    # N=4, D_in=3, D_out=2


@pytest.mark.public(points=2)
def test_sgd_step_small_example(check_step):
    check_step(X, W, b, y, 0.1)
