"""Public specs: the learner sees these inputs and every detail of a failure.

Each test fits y ~ x @ W.T + b (mean squared error) from the same start with your MomentumSGD and with
torch.optim.SGD, and compares W and b after every step. `lrs` holds the learning rate of each step:
the grader sets opt.lr = lrs[t] before step t, as a learning-rate scheduler would.
"""
import pytest


@pytest.mark.public(points=2)
def test_plain_sgd_without_momentum(check_sgd):
    check_sgd(seed=0, lrs=[0.1] * 3, settings={"momentum": 0.0})


@pytest.mark.public(points=3)
def test_momentum_over_five_steps(check_sgd):
    check_sgd(seed=1, lrs=[0.05] * 5, settings={"momentum": 0.9})


@pytest.mark.public(points=2)
def test_learning_rate_lowered_after_three_steps(check_sgd):
    check_sgd(seed=2, lrs=[0.1] * 3 + [0.02] * 3, settings={"momentum": 0.9})


@pytest.mark.public(points=1)
def test_settings_kept_as_attributes_of_their_names(check_attributes):
    check_attributes(seed=3, lr=0.05, settings={"momentum": 0.9, "weight_decay": 0.01, "nesterov": True})


@pytest.mark.public(points=1)
def test_params_given_as_a_generator(check_sgd):
    check_sgd(seed=4, lrs=[0.05] * 4, settings={"momentum": 0.9}, generator=True)
