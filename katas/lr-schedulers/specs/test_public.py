"""Public specs: the learner sees these inputs and every detail of a failure.

Each formula is evaluated for epochs 0, 1, 2, ... and compared with the learning rates the matching
torch.optim.lr_scheduler class (StepLR, ExponentialLR, CosineAnnealingLR, LinearLR) gives.
"""
import pytest


@pytest.mark.public(points=2)
def test_step_decay_halves_every_three_epochs(check_formula):
    check_formula("step_decay", 0.1, {"step_size": 3, "gamma": 0.5}, epochs=10)


@pytest.mark.public(points=1)
def test_exponential_decay(check_formula):
    check_formula("exponential_decay", 0.2, {"gamma": 0.9}, epochs=8)


@pytest.mark.public(points=2)
def test_cosine_annealing_down_to_zero(check_formula):
    check_formula("cosine_annealing", 0.1, {"t_max": 10}, epochs=11)


@pytest.mark.public(points=1)
def test_linear_warmup_then_flat(check_formula):
    check_formula("linear_warmup", 0.1, {"warmup_epochs": 4, "start_factor": 0.25}, epochs=8)


@pytest.mark.public(points=3)
def test_training_loop_with_step_lr(check_loop):
    # StepLR(optimizer, step_size=2, gamma=0.5) on SGD(lr=0.1); 3 batches per epoch, 6 epochs.
    check_loop("step_decay", 0.1, {"step_size": 2, "gamma": 0.5}, n_batches=3, epochs=6)


@pytest.mark.public(points=1)
def test_every_formula_returns_a_python_float(check_floats):
    check_floats([("step_decay", 0.3, {"step_size": 2, "gamma": 0.5}, 4),
                  ("exponential_decay", 0.3, {"gamma": 0.8}, 4),
                  ("cosine_annealing", 0.3, {"t_max": 3, "eta_min": 0.01}, 4),
                  ("linear_warmup", 0.3, {"warmup_epochs": 2, "start_factor": 0.5}, 4)])
