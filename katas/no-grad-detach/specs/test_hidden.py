"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _problem(n, d_in, d_out, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
    W = torch.randn(d_in, d_out, generator=gen, dtype=torch.float64) / d_in ** 0.5
    b = torch.randn(d_out, generator=gen, dtype=torch.float64)
    y = torch.randn(n, d_out, generator=gen, dtype=torch.float64)
    return tuple(t.to(dtype) for t in (X, W, b, y))


@pytest.mark.hidden(points=1)
def test_evaluate_wider_model_float64(check_evaluate):
    X, W, b, y = _problem(6, 3, 2, seed=41, dtype=torch.float64)
    check_evaluate(W.T.contiguous(), b, X, y)


@pytest.mark.hidden(points=2)
def test_five_training_steps_float64(check_training):
    X, W, b, y = _problem(8, 3, 2, seed=42, dtype=torch.float64)
    check_training(W, b, X, y, lr=0.05, steps=5)


@pytest.mark.hidden(points=1)
def test_target_random(check_target):
    gen = torch.Generator().manual_seed(43)
    check_target(torch.randn(4, generator=gen), torch.randn(6, 4, generator=gen), torch.randn(6, 4, generator=gen))
    w, X1, X2 = (torch.randn(*shape, generator=gen, dtype=torch.float64) for shape in ((3,), (5, 3), (5, 3)))
    check_target(w, X1, X2)


@pytest.mark.hidden(points=1)
def test_loss_gradients_random_float64(check_gradients):
    check_gradients(*_problem(7, 4, 3, seed=44, dtype=torch.float64), stale=-2.5)


@pytest.mark.hidden(points=1)
def test_derivatives_of_sin(check_derivatives):
    check_derivatives("sin", torch.linspace(-3.0, 3.0, 7))


@pytest.mark.hidden(points=1)
def test_derivatives_of_x_exp_float64(check_derivatives):
    check_derivatives("x_exp", torch.linspace(-1.0, 4.0, 6, dtype=torch.float64))
