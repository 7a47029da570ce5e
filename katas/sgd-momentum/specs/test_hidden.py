"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


@pytest.mark.hidden(points=2)
def test_weight_decay(check_sgd):
    check_sgd(seed=10, lrs=[0.05] * 6, settings={"momentum": 0.9, "weight_decay": 0.1})


@pytest.mark.hidden(points=2)
def test_nesterov(check_sgd):
    check_sgd(seed=11, lrs=[0.05] * 6, settings={"momentum": 0.8, "nesterov": True})


@pytest.mark.hidden(points=1)
def test_parameter_without_gradient_is_left_alone(check_sgd):
    check_sgd(seed=12, lrs=[0.05] * 4, settings={"momentum": 0.9, "weight_decay": 0.1}, frozen=True)


@pytest.mark.hidden(points=1)
def test_float32_parameters(check_sgd):
    check_sgd(seed=13, lrs=[0.05] * 5, settings={"momentum": 0.9}, dtype=torch.float32)


@pytest.mark.hidden(points=1)
def test_weight_decay_without_momentum(check_sgd):
    check_sgd(seed=14, lrs=[0.1] * 4, settings={"weight_decay": 0.05})


@pytest.mark.hidden(points=2)
def test_everything_together_over_twelve_steps(check_sgd):
    lrs = [0.05] * 4 + [0.02] * 4 + [0.005] * 4
    check_sgd(seed=15, lrs=lrs, settings={"momentum": 0.9, "weight_decay": 0.01, "nesterov": True},
              n=32, d_in=6, d_out=2)


@pytest.mark.hidden(points=1)
def test_a_gradient_that_goes_back_to_none(check_sgd):
    # The third parameter takes part in the loss for the first three steps only: then its .grad is None.
    check_sgd(seed=16, lrs=[0.05] * 6, settings={"momentum": 0.9}, frozen=True, extra_steps=3)


@pytest.mark.hidden(points=1)
def test_gradients_zeroed_in_place_between_steps(check_sgd):
    # opt.zero_grad(set_to_none=False) zeroes each .grad in place: a buffer that is the .grad tensor itself
    # would be zeroed with it.
    check_sgd(seed=17, lrs=[0.05] * 5, settings={"momentum": 0.9}, zero_in_place=True)
