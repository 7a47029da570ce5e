"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_manual_other_seed_lr_and_noisy_data(data, check_training):
    x, y = data(n=32, low=-2.0, high=2.0, noise=0.1, seed=4)
    check_training("manual", x, y, lr=0.05, steps=40, seed=3)


@pytest.mark.hidden(points=1)
def test_module_one_step(data, check_training):
    x, y = data()
    check_training("module", x, y, lr=0.1, steps=1, seed=0)


@pytest.mark.hidden(points=2)
def test_module_other_seed_lr_and_noisy_data(data, check_training):
    x, y = data(n=32, low=-2.0, high=2.0, noise=0.1, seed=5)
    check_training("module", x, y, lr=0.05, steps=40, seed=7)


@pytest.mark.hidden(points=1)
def test_module_learns_the_line(data, check_training):
    x, y = data()
    check_training("module", x, y, lr=0.3, steps=60, seed=2)   # the reference ends at w = 2, b = 1


@pytest.mark.hidden(points=1)
def test_on_device(data, check_training, device):
    x, y = data(device=device)
    check_training("manual", x, y, lr=0.1, steps=10, seed=0)
    check_training("module", x, y, lr=0.1, steps=10, seed=0)
