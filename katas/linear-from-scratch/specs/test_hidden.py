"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect, expect_close, expect_tensor


@pytest.mark.hidden(points=2)
def test_batch_as_large_as_the_features(check_linear):
    gen = torch.Generator().manual_seed(11)
    x = torch.randn(3, 3, generator=gen)           # N = in_features = out_features: every mistake runs
    weight = torch.randn(3, 3, generator=gen)
    bias = torch.tensor([1.0, -2.0, 3.0])
    check_linear(x, weight, bias)


@pytest.mark.hidden(points=1)
def test_without_bias(check_linear):
    gen = torch.Generator().manual_seed(12)
    check_linear(torch.randn(4, 5, generator=gen), torch.randn(2, 5, generator=gen), None)


@pytest.mark.hidden(points=1)
def test_a_batch_of_one_and_a_single_output(check_linear):
    gen = torch.Generator().manual_seed(17)
    check_linear(torch.randn(1, 4, generator=gen), torch.randn(3, 4, generator=gen), torch.randn(3, generator=gen))
    check_linear(torch.randn(5, 4, generator=gen), torch.randn(1, 4, generator=gen), torch.randn(1, generator=gen))


@pytest.mark.hidden(points=1)
def test_a_single_vector(check_linear):
    gen = torch.Generator().manual_seed(13)
    check_linear(torch.randn(5, generator=gen), torch.randn(3, 5, generator=gen), torch.randn(3, generator=gen))


@pytest.mark.hidden(points=1)
def test_four_dimensional_float64(check_linear):
    gen = torch.Generator().manual_seed(14)
    x = torch.randn(2, 3, 2, 6, generator=gen, dtype=torch.float64)
    check_linear(x, torch.randn(4, 6, generator=gen, dtype=torch.float64),
                 torch.randn(4, generator=gen, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_wide_layer(check_linear):
    gen = torch.Generator().manual_seed(15)
    check_linear(torch.randn(8, 64, generator=gen), torch.randn(16, 64, generator=gen) / 8,
                 torch.randn(16, generator=gen))


@pytest.mark.hidden(points=2)
def test_gradients_flow_to_input_weight_and_bias(sub, ref):
    gen = torch.Generator().manual_seed(16)
    x, weight, bias = torch.randn(2, 3, 4, generator=gen), torch.randn(5, 4, generator=gen), torch.randn(5, generator=gen)
    grad_out = torch.randn(2, 3, 5, generator=gen)
    out, attached, grads = sub.harness.linear_and_grads(x, weight, bias, grad_out)
    expect_tensor(out)
    want_out, _, want = ref.harness.linear_and_grads(x.double(), weight.double(), bias.double(), grad_out.double())
    expect(attached,
           en="no gradient reached the output: compute it from x, weight and bias with differentiable torch "
              "operations (no .detach(), .data, .item() or torch.no_grad())",
           ko="출력에 그래디언트가 연결되어 있지 않습니다. x, weight, bias로부터 미분 가능한 torch 연산으로 "
              "계산하세요 (.detach(), .data, .item(), torch.no_grad()는 쓰지 마세요)")
    # An output of another shape cannot take grad_out: its comparison names what differs.
    expect_close(out, want_out, dtype=torch.float32, what={"en": "the output", "ko": "출력"})
    for got, expected, name, name_ko in zip(grads, want, ("x", "weight", "bias"), ("x", "가중치", "편향")):
        expect(got is not None,
               en=f"no gradient reached {name}: the output must be computed from it",
               ko=f"{name_ko}까지 그래디언트가 전달되지 않았습니다. 출력을 계산할 때 {name_ko}를 사용해야 합니다")
        expect_close(got, expected, dtype=torch.float32, condition=6,
                     what={"en": f"the gradient with respect to {name}", "ko": f"{name_ko}에 대한 그래디언트"})


@pytest.mark.hidden(points=2)
def test_init_is_nn_linears_init(sub):
    weight, bias, _ = sub.harness.init_with_seed(7, 5, 42)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(42)
        layer = torch.nn.Linear(7, 5)
    expect_close(weight, layer.weight.detach(), what={"en": "the weight", "ko": "가중치"})
    expect_close(bias, layer.bias.detach(), what={"en": "the bias", "ko": "편향"})


@pytest.mark.hidden(points=1)
def test_init_other_sizes(check_init):
    check_init(in_features=16, out_features=2, seed=5)
    check_init(in_features=1, out_features=6, seed=6)
