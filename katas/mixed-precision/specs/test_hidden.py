"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest


@pytest.mark.hidden(points=2)
def test_small_updates_are_not_rounded_away(sub, ref, checks, batch):
    x, y = batch(4, n=16)
    checks.training(sub.harness.train(4, x, y, 1e-3, 10), ref.harness.train(4, x, y, 1e-3, 10), 10,
                    ref.harness.forward(4, x, y)["logits"])


@pytest.mark.hidden(points=2)
def test_another_shape(sub, ref, checks, batch):
    x, y = batch(5, n=13, features=9, classes=6)
    checks.forward(sub.harness.forward(5, x, y, 32), ref.harness.forward(5, x, y, 32))


@pytest.mark.hidden(points=1)
def test_large_inputs(sub, ref, checks, batch):
    x, y = batch(6, n=4, features=3, classes=2)
    x = x * 50
    checks.forward(sub.harness.forward(6, x, y), ref.harness.forward(6, x, y))


@pytest.mark.hidden(points=1)
def test_gradients_left_from_before_are_cleared(sub, ref, checks, batch):
    x, y = batch(7, n=10)
    checks.training(sub.harness.train(7, x, y, 0.1, 3, stale=1.0), ref.harness.train(7, x, y, 0.1, 3, stale=1.0), 3,
                    ref.harness.forward(7, x, y)["logits"])
