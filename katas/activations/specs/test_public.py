"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

SAMPLE = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])


@pytest.mark.public(points=2)
def test_relu_on_the_sample(check):
    check("relu", SAMPLE)               # [0.0, 0.0, 0.0, 0.5, 2.0]


@pytest.mark.public(points=2)
def test_gelu_on_the_sample(check):
    check("gelu", SAMPLE)               # [-0.0455, -0.1543, 0.0000, 0.3457, 1.9545]


@pytest.mark.public(points=2)
def test_gelu_tanh_on_the_sample(check):
    check("gelu_tanh", SAMPLE)          # [-0.0454, -0.1543, 0.0000, 0.3457, 1.9546]


@pytest.mark.public(points=2)
def test_derivatives_on_the_sample(check):
    check("relu_grad", SAMPLE)          # [0.0, 0.0, 0.0, 1.0, 1.0]
    check("gelu_grad", SAMPLE)          # [-0.0852, 0.1325, 0.5000, 0.8675, 1.0852]


@pytest.mark.public(points=2)
def test_same_as_torchs_own(check_against_torch):
    check_against_torch(torch.randn(3, 4, generator=torch.Generator().manual_seed(0)) * 3)
