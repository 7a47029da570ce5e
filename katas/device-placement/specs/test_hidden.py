"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=1)
def test_pick_device_chooses_the_gpu_when_there_is_one(sub, checks):
    checks.pick(sub, sub.harness.pick(True), simulated=True)


@pytest.mark.hidden(points=2)
def test_predict_one_sample(sub, ref, checks, data, device):
    x, _ = data(2, 1, 7, 2)
    checks.predict(sub, sub.harness.predict(2, x, device, 16), ref.harness.predict(2, x, "cpu", 16), device, fan_in=16)


@pytest.mark.hidden(points=1)
def test_predict_a_larger_batch(sub, ref, checks, data, device):
    x, _ = data(3, 64, 4, 2)
    checks.predict(sub, sub.harness.predict(3, x, device), ref.harness.predict(3, x, "cpu"), device, fan_in=8)


@pytest.mark.hidden(points=2)
def test_evaluate_other_data(sub, ref, checks, data, device):
    x, y = data(4, 12, 3, 4)
    checks.evaluate(sub, sub.harness.evaluate(4, x, y, device), ref.harness.evaluate(4, x, y, "cpu"), device, terms=48)
