"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

TRUE = (1.0, -2.0, 0.5, 3.0)   # y = 1 - 2x + 0.5x^2 + 3x^3


@pytest.mark.public(points=3)
def test_features_of_the_example(check_features):
    check_features(torch.tensor([1.0, 2.0, 3.0, -1.0]))


@pytest.mark.public(points=3)
def test_ten_epochs_follow_the_reference(data, check_fit):
    x, y = data(TRUE)
    check_fit(x, y, lr=0.3, epochs=10, seed=0)


@pytest.mark.public(points=3)
def test_recovers_the_cubic(data, check_fit, expect_recovered):
    x, y = data(TRUE)
    got = check_fit(x, y, lr=0.8, epochs=300, seed=0)
    expect_recovered(got["coeffs"], TRUE)
