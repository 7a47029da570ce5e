"""Public specs: the learner sees these inputs and every detail of a failure.

Each test trains an nn.Linear with SGD through harness.train and compares every optimizer step with
the reference's, which equals one big-batch step over the same group of micro-batches (MSE loss,
equal-sized micro-batches).
"""
import pytest


@pytest.mark.public(points=3)
def test_two_groups_of_four(run_and_check):
    run_and_check(seed=0, n=8, k=4)


@pytest.mark.public(points=2)
def test_six_micro_batches_in_groups_of_three(run_and_check):
    run_and_check(seed=1, n=6, k=3, out_features=1)


@pytest.mark.public(points=2)
def test_k_of_one_steps_after_every_micro_batch(run_and_check):
    run_and_check(seed=2, n=4, k=1)


@pytest.mark.public(points=3)
def test_last_group_is_incomplete(run_and_check):
    # 7 micro-batches with k=3: groups of 3, 3 and 1 -> three steps, the last one on a single micro-batch.
    run_and_check(seed=3, n=7, k=3)
