"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_leftover_gradients_do_not_leak_into_the_first_step(run_and_check):
    run_and_check(seed=10, n=6, k=3, stale_grad=100.0)


@pytest.mark.hidden(points=1)
def test_k_larger_than_the_number_of_micro_batches(run_and_check):
    run_and_check(seed=11, n=3, k=5)


@pytest.mark.hidden(points=2)
def test_with_momentum_and_weight_decay(run_and_check):
    run_and_check(seed=12, n=9, k=3, opt_kwargs={"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01})


@pytest.mark.hidden(points=2)
def test_wider_model_and_many_groups(run_and_check):
    run_and_check(seed=13, n=10, k=4, batch=8, in_features=6, out_features=3)
