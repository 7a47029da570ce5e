"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.public(points=3)
def test_prompt_example(check_linear):
    x = torch.tensor([[1.0, 2.0, 3.0],
                      [4.0, 5.0, 6.0]])            # N=2 samples, in_features=3
    weight = torch.tensor([[0.1, 0.2, 0.3],
                           [-1.0, 0.0, 1.0]])      # (out_features=2, in_features=3)
    bias = torch.tensor([0.5, -0.5])
    check_linear(x, weight, bias)                  # [[1.9, 1.5], [3.7, 1.5]]


@pytest.mark.public(points=2)
def test_as_many_outputs_as_inputs(check_linear):
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(5, 4, generator=gen)
    weight = torch.randn(4, 4, generator=gen)      # square: a missing transpose still runs
    bias = torch.randn(4, generator=gen)
    check_linear(x, weight, bias)


@pytest.mark.public(points=2)
def test_batch_of_sequences(check_linear):
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(2, 3, 4, generator=gen)        # (B=2, T=3, in_features=4)
    weight = torch.randn(5, 4, generator=gen)
    bias = torch.randn(5, generator=gen)
    check_linear(x, weight, bias)                  # (2, 3, 5)


@pytest.mark.public(points=2)
def test_matches_nn_linear(sub):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        layer = torch.nn.Linear(in_features=6, out_features=3)
    x = torch.randn(4, 6, generator=torch.Generator().manual_seed(3))
    expected = layer(x).detach()
    got = sub.linear_forward(x, layer.weight.detach(), layer.bias.detach())
    expect_close(got, expected, condition=6, what={"en": "linear_forward(x, layer.weight, layer.bias)",
                                                   "ko": "linear_forward(x, layer.weight, layer.bias)"})


@pytest.mark.public(points=2)
def test_init_linear(check_init):
    check_init(in_features=4, out_features=3, seed=0)
