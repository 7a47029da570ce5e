"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect

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


@pytest.mark.public(points=1)
def test_coefficients_are_a_tensor(data, check_fit):
    x, y = data(TRUE)
    got = check_fit(x, y, lr=0.3, epochs=10, seed=0)
    expect(got["coeffs_type"] == "Tensor",
           en=f"coeffs is a {got['coeffs_type']}, not a tensor: return a tensor of shape (4,), "
              "torch.cat([model.bias, model.weight[0]]).detach()",
           ko=f"coeffs가 텐서가 아니라 {got['coeffs_type']}입니다. shape (4,)의 텐서를 돌려주세요: "
              "torch.cat([model.bias, model.weight[0]]).detach()")
