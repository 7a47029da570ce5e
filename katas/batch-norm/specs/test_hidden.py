"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _batch(n, c, seed, shift=0.0, scale=1.0, dtype=torch.float32):
    return shift + scale * torch.randn(n, c, generator=_gen(seed), dtype=dtype)


def _affine(c, seed):
    gen = _gen(seed)
    return 1.0 + 0.5 * torch.randn(c, generator=gen), torch.randn(c, generator=gen)


@pytest.mark.hidden(points=3)
def test_many_steps_with_other_momentum_and_eps(check_steps):
    gamma, beta = _affine(5, seed=10)
    steps = [("train", _batch(8, 5, seed=11, shift=1.0, scale=2.0), None),
             ("train", _batch(8, 5, seed=12, shift=-1.0), None),
             ("eval", _batch(3, 5, seed=13), None),
             ("train", _batch(5, 5, seed=14, scale=0.5), None),
             ("eval", _batch(4, 5, seed=15, shift=0.5), None),
             ("train", _batch(8, 5, seed=16, shift=3.0, scale=1.5), None)]
    check_steps(5, {"eps": 1e-3, "momentum": 0.3}, gamma, beta, steps)


@pytest.mark.hidden(points=2)
def test_gradients_flow_through_the_batch_statistics(check_steps):
    gamma, beta = _affine(4, seed=20)
    steps = [("train", _batch(6, 4, seed=21, shift=1.0, scale=2.0), torch.randn(6, 4, generator=_gen(22))),
             ("train", _batch(6, 4, seed=23), torch.randn(6, 4, generator=_gen(24)))]
    check_steps(4, {}, gamma, beta, steps)


@pytest.mark.hidden(points=1)
def test_gradients_in_evaluation_mode(check_steps):
    gamma, beta = _affine(4, seed=25)
    steps = [("train", _batch(6, 4, seed=26, scale=2.0), None),
             ("eval", _batch(5, 4, seed=27), torch.randn(5, 4, generator=_gen(28)))]
    check_steps(4, {}, gamma, beta, steps)


@pytest.mark.hidden(points=1)
def test_evaluation_of_a_single_example(check_steps):
    # One example has no batch statistics of its own: evaluation must use the running ones.
    gamma, beta = _affine(6, seed=30)
    steps = [("train", _batch(10, 6, seed=31, shift=2.0), None), ("eval", _batch(1, 6, seed=32), None)]
    check_steps(6, {}, gamma, beta, steps)


@pytest.mark.hidden(points=1)
def test_evaluation_before_any_training(check_steps):
    steps = [("eval", _batch(4, 3, seed=33, shift=1.0), None), ("train", _batch(4, 3, seed=34), None)]
    check_steps(3, {"momentum": 0.5}, torch.ones(3), torch.zeros(3), steps)


@pytest.mark.hidden(points=1)
def test_a_float64_layer(check_steps):
    gamma, beta = _affine(3, seed=35)
    steps = [("train", _batch(7, 3, seed=36, dtype=torch.float64), None),
             ("eval", _batch(2, 3, seed=37, dtype=torch.float64), None)]
    check_steps(3, {"momentum": 0.2}, gamma, beta, steps, dtype=torch.float64)


@pytest.mark.hidden(points=1)
def test_a_new_layer_with_many_features(check_fresh):
    check_fresh(16, {"eps": 1e-3, "momentum": 0.01})


@pytest.mark.hidden(points=1)
def test_eps_where_it_matters(check_steps):
    # Features with a standard deviation of about 0.01: eps (the default 1e-5, then 1e-2) changes the output.
    steps = [("train", _batch(6, 4, seed=40, scale=0.01), None), ("eval", _batch(3, 4, seed=41, scale=0.01), None)]
    check_steps(4, {}, torch.ones(4), torch.zeros(4), steps)
    check_steps(4, {"eps": 1e-2}, torch.ones(4), torch.zeros(4), steps)
