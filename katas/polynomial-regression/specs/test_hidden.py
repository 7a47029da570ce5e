"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


@pytest.mark.hidden(points=1)
def test_features_when_n_is_three(check_features):
    check_features(torch.tensor([0.5, -2.0, 1.5]))


@pytest.mark.hidden(points=1)
def test_features_of_random_float64_values(check_features):
    gen = torch.Generator().manual_seed(5)
    check_features(torch.randn(17, generator=gen, dtype=torch.float64) * 2)


@pytest.mark.hidden(points=2)
def test_another_cubic_seed_and_lr(data, check_fit):
    x, y = data((-0.5, 1.0, 2.0, -1.5), n=37, low=-1.2, high=0.9)
    check_fit(x, y, lr=0.2, epochs=40, seed=3)


@pytest.mark.hidden(points=2)
def test_noisy_data(data, check_fit):
    x, y = data((0.3, 0.0, -1.0, 2.0), n=64, noise=0.1, seed=11)
    check_fit(x, y, lr=0.5, epochs=60, seed=7)


@pytest.mark.hidden(points=1)
def test_one_epoch(data, check_fit):
    x, y = data((2.0, 1.0, 0.0, -1.0), n=9)
    check_fit(x, y, lr=0.1, epochs=1, seed=2)


@pytest.mark.hidden(points=1)
def test_zero_epochs_returns_the_initial_coefficients(data, check_fit):
    x, y = data((2.0, 1.0, 0.0, -1.0), n=9)
    check_fit(x, y, lr=0.1, epochs=0, seed=4)
