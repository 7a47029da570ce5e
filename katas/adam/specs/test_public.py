"""Public specs: the learner sees these inputs and every detail of a failure.

Each test fits y ~ x @ W.T + b (mean squared error) from the same start with your Adam and with
torch.optim.Adam(params, **settings), and compares W and b after every step.
"""
import pytest


@pytest.mark.public(points=2)
def test_first_step_with_default_betas_and_eps(check_adam):
    check_adam(seed=0, steps=1, settings={"lr": 0.01})


@pytest.mark.public(points=3)
def test_five_steps(check_adam):
    check_adam(seed=1, steps=5, settings={"lr": 0.05})


@pytest.mark.public(points=2)
def test_a_large_eps(check_adam):
    check_adam(seed=2, steps=4, settings={"lr": 0.05, "eps": 0.1})


@pytest.mark.public(points=1)
def test_params_given_as_a_generator(check_adam):
    check_adam(seed=3, steps=4, settings={"lr": 0.05}, generator=True)
