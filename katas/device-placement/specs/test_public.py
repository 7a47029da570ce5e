"""Public specs: the learner sees these inputs and every detail of a failure.

The device-parametrised tests run for "cpu" here; on a machine with a GPU, `kata check --device all`
also runs them for "cuda".
"""
import pytest


@pytest.mark.public(points=2)
def test_pick_device_matches_this_machine(sub, checks):
    checks.pick(sub, sub.harness.pick(), simulated=None)
    checks.pick(sub, sub.harness.pick(False), simulated=False)


@pytest.mark.public(points=3)
def test_predict_on_the_device(sub, ref, checks, data, device):
    x, _ = data(0, 5, 4, 2)
    checks.predict(sub, sub.harness.predict(0, x, device), ref.harness.predict(0, x, "cpu"), device, fan_in=8)


@pytest.mark.public(points=2)
def test_evaluate_returns_a_python_float(sub, ref, checks, data, device):
    x, y = data(1, 6, 4, 2)
    checks.evaluate(sub, sub.harness.evaluate(1, x, y, device), ref.harness.evaluate(1, x, y, "cpu"), device, terms=12)
