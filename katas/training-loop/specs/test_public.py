"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest


@pytest.mark.public(points=2)
def test_manual_one_step(data, check_training):
    x, y = data()
    check_training("manual", x, y, lr=0.1, steps=1, seed=0)


@pytest.mark.public(points=3)
def test_manual_thirty_steps(data, check_training):
    x, y = data()
    check_training("manual", x, y, lr=0.1, steps=30, seed=0)


@pytest.mark.public(points=3)
def test_module_thirty_steps(data, check_training):
    x, y = data()
    check_training("module", x, y, lr=0.1, steps=30, seed=0)


@pytest.mark.public(points=2)
def test_manual_learns_the_line(data, check_training):
    x, y = data()
    check_training("manual", x, y, lr=0.3, steps=60, seed=1)   # the reference ends at w = 2, b = 1
