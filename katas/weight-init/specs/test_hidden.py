"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import math

import pytest
import torch


@pytest.mark.hidden(points=1)
def test_xavier_uniform_with_gain_in_float64(check_fill):
    check_fill("xavier_uniform_", (10, 20), seed=10, kwargs={"gain": 5 / 3}, dtype=torch.float64)


@pytest.mark.hidden(points=2)
def test_xavier_normal(check_fill):
    check_fill("xavier_normal_", (30, 50), seed=11)
    check_fill("xavier_normal_", (16, 4), seed=12, kwargs={"gain": math.sqrt(2.0)})


@pytest.mark.hidden(points=1)
def test_kaiming_normal_for_a_linear_activation(check_fill):
    check_fill("kaiming_normal_", (20, 80), seed=13, kwargs={"nonlinearity": "linear"})


@pytest.mark.hidden(points=1)
def test_kaiming_normal_of_a_tall_float64_weight(check_fill):
    check_fill("kaiming_normal_", (100, 10), seed=14, dtype=torch.float64)


@pytest.mark.hidden(points=2)
def test_init_linear_layers_of_a_nested_model(check_model):
    # Sequential(Linear(6, 8), ReLU(), Sequential(Linear(8, 8, bias=False), LayerNorm(8), ReLU()), Linear(8, 3))
    check_model(nested=True, seed=15)


@pytest.mark.hidden(points=1)
def test_default_arguments(check_defaults, check_model_defaults):
    # gain=1.0, nonlinearity="relu", generator=None: the global generator, as in torch.nn.init.
    check_defaults("xavier_uniform_", (5, 7), seed=16)
    check_defaults("xavier_normal_", (6, 3), seed=17)
    check_defaults("kaiming_normal_", (10, 7), seed=18)
    check_model_defaults(seed=19)
