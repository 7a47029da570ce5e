"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


@pytest.mark.hidden(points=2)
def test_other_betas(check_adam):
    check_adam(seed=10, steps=8, settings={"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6})


@pytest.mark.hidden(points=2)
def test_thirty_steps(check_adam):
    check_adam(seed=11, steps=30, settings={"lr": 0.01}, n=32, d_in=6, d_out=2)


@pytest.mark.hidden(points=1)
def test_tiny_gradients(check_adam):
    # The loss is scaled by 1e-8: the gradients are about 1e-8, as small as the default eps.
    check_adam(seed=12, steps=5, settings={"lr": 0.01}, scale=1e-8)


@pytest.mark.hidden(points=1)
def test_parameter_without_gradient_is_left_alone(check_adam):
    check_adam(seed=13, steps=4, settings={"lr": 0.05}, frozen=True)


@pytest.mark.hidden(points=1)
def test_float32_parameters(check_adam):
    check_adam(seed=14, steps=6, settings={"lr": 0.05}, dtype=torch.float32)


@pytest.mark.hidden(points=1)
def test_a_gradient_that_goes_back_to_none(check_adam):
    # The third parameter takes part in the loss for the first three steps only: then its .grad is None.
    check_adam(seed=15, steps=6, settings={"lr": 0.05}, frozen=True, extra_steps=3)


@pytest.mark.hidden(points=1)
def test_every_default(check_adam):
    check_adam(seed=16, steps=5, settings={})
