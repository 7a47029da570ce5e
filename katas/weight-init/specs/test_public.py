"""Public specs: the learner sees these inputs and every detail of a failure.

Each initialiser fills a fresh nn.Parameter, drawing from torch.Generator().manual_seed(seed), and is
compared with torch.nn.init's function of the same name drawing from a generator with the same seed.
"""
import pytest


@pytest.mark.public(points=2)
def test_fans_of_linear_weights(check_fans):
    check_fans((3, 5))          # nn.Linear(5, 3).weight: fan_in 5, fan_out 3
    check_fans((128, 64))


@pytest.mark.public(points=2)
def test_xavier_uniform(check_fill):
    check_fill("xavier_uniform_", (4, 6), seed=0)


@pytest.mark.public(points=3)
def test_kaiming_normal_for_relu(check_fill):
    check_fill("kaiming_normal_", (40, 64), seed=1, kwargs={"nonlinearity": "relu"})


@pytest.mark.public(points=2)
def test_init_linear_layers_of_an_mlp(check_model):
    # nn.Sequential(Linear(6, 8), ReLU(), Linear(8, 8), ReLU(), Linear(8, 3)); weights 0.5 and biases 0.1 before.
    check_model(nested=False, seed=2)
