"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=1)
def test_step_decay_by_ten_every_four_epochs(check_formula):
    check_formula("step_decay", 1.0, {"step_size": 4, "gamma": 0.1}, epochs=13)


@pytest.mark.hidden(points=1)
def test_fast_exponential_decay(check_formula):
    check_formula("exponential_decay", 0.2, {"gamma": 0.6}, epochs=6)


@pytest.mark.hidden(points=1)
def test_cosine_annealing_to_eta_min(check_formula):
    check_formula("cosine_annealing", 0.05, {"t_max": 6, "eta_min": 0.001}, epochs=7)


@pytest.mark.hidden(points=1)
def test_longer_warmup(check_formula):
    check_formula("linear_warmup", 0.01, {"warmup_epochs": 5, "start_factor": 0.1}, epochs=10)


@pytest.mark.hidden(points=2)
def test_training_loop_with_cosine_annealing(check_loop):
    check_loop("cosine_annealing", 0.2, {"t_max": 5}, n_batches=2, epochs=5, seed=1)


@pytest.mark.hidden(points=2)
def test_training_loop_with_linear_warmup(check_loop):
    check_loop("linear_warmup", 0.1, {"warmup_epochs": 3, "start_factor": 0.2}, n_batches=4, epochs=6, seed=2)
