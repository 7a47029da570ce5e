"""Public specs: the learner sees these inputs and every detail of a failure.

Every step is compared with torch.nn.BatchNorm1d driven through the same steps (see conftest.py).
"""
import pytest
import torch

# The prompt's example: a batch of 4 examples with 3 features.
X = torch.tensor([[1.0, 2.0, 0.0],
                  [3.0, 6.0, 1.0],
                  [5.0, 4.0, 1.0],
                  [7.0, 8.0, 2.0]])
ONES, ZEROS = torch.ones(3), torch.zeros(3)


def _batch(n, c, seed, shift=0.0, scale=1.0):
    return shift + scale * torch.randn(n, c, generator=torch.Generator().manual_seed(seed))


@pytest.mark.public(points=2)
def test_a_new_layer_holds_weight_bias_and_two_buffers(check_fresh):
    check_fresh(3, {})


@pytest.mark.public(points=3)
def test_prompt_example_one_training_step(check_steps):
    check_steps(3, {}, ONES, ZEROS, [("train", X, None)])


@pytest.mark.public(points=3)
def test_evaluation_uses_the_running_statistics(check_steps):
    # Two training steps move the running statistics; evaluation then normalises with them.
    steps = [("train", X, None), ("train", _batch(6, 3, seed=1, shift=2.0, scale=3.0), None),
             ("eval", torch.tensor([[4.0, 5.0, 1.0], [0.0, 1.0, 3.0]]), None)]
    check_steps(3, {}, ONES, ZEROS, steps)


@pytest.mark.public(points=2)
def test_gamma_and_beta_scale_and_shift(check_steps):
    gamma, beta = torch.tensor([2.0, 0.5, -1.0]), torch.tensor([1.0, -3.0, 0.25])
    check_steps(3, {}, gamma, beta, [("train", X, None), ("eval", X, None)])
