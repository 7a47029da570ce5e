"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

# N = 4 samples, D_in = 2 inputs, D_out = 1 output
X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0], [-2.0, 1.0]])
Y = torch.tensor([[1.0], [0.0], [2.0], [-1.0]])
W = torch.tensor([[0.5], [-0.25]])     # X @ W + b: W is (D_in, D_out)
B = torch.tensor([0.1])


@pytest.mark.public(points=2)
def test_evaluate_without_tracking(check_evaluate):
    # nn.Linear stores its weight as (D_out, D_in): W.T
    check_evaluate(W.T.contiguous(), B, X, Y)


@pytest.mark.public(points=3)
def test_three_training_steps(check_training):
    check_training(W, B, X, Y, lr=0.1, steps=3)


@pytest.mark.public(points=2)
def test_target_is_a_constant(check_target):
    w = torch.tensor([1.0, -0.5])
    X1 = torch.tensor([[1.0, 0.0], [0.5, 2.0], [-1.0, 1.0]])
    X2 = torch.tensor([[0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    check_target(w, X1, X2)


@pytest.mark.public(points=3)
def test_loss_gradients_leave_grad_alone(check_gradients):
    check_gradients(X, W, B, Y)


@pytest.mark.public(points=2)
def test_derivatives_of_a_polynomial(check_derivatives):
    # f(x) = 1 + 2x - x^2 + 0.5x^3: f'(x) = 2 - 2x + 1.5x^2, f''(x) = -2 + 3x
    check_derivatives("polynomial", torch.tensor([-1.0, 0.0, 1.0, 2.0]))
