"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import SpecFailure, expect, expect_close, fail

OUTPUT = {"en": "the output of layer_norm", "ko": "layer_norm의 출력"}


def _params(d, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(d, generator=gen) * 0.5 + 1, torch.randn(d, generator=gen) * 0.5


@pytest.mark.hidden(points=2)
def test_small_activations_where_eps_matters(check_ln):
    gen = torch.Generator().manual_seed(11)
    check_ln(torch.randn(2, 3, 16, generator=gen) * 0.01, *_params(16, 12))


@pytest.mark.hidden(points=1)
def test_default_eps_where_it_matters(sub, ref):
    # eps left out: on activations this small (variance about 1e-4), eps = 1e-5 and 1e-6 give results 4% apart
    gen = torch.Generator().manual_seed(21)
    x, (gamma, beta) = torch.randn(3, 12, generator=gen) * 0.01, _params(12, 22)
    expect_close(sub.layer_norm(x, gamma, beta), ref.layer_norm(x.double(), gamma.double(), beta.double()),
                 dtype=x.dtype, what=OUTPUT)


@pytest.mark.hidden(points=2)
def test_as_many_vectors_as_features(check_ln):
    gen = torch.Generator().manual_seed(13)
    check_ln(torch.randn(4, 4, generator=gen) * 3, *_params(4, 14))     # (D, D): a lost keepdim still runs


@pytest.mark.hidden(points=1)
def test_vectors_on_different_scales(check_ln):
    gen = torch.Generator().manual_seed(15)
    scale = torch.tensor([0.5, 4.0, 1.0])[:, None, None]
    shift = torch.tensor([-2.0, 3.0, 0.5])[:, None, None]
    check_ln(torch.randn(3, 2, 6, generator=gen) * scale + shift, *_params(6, 16))


@pytest.mark.hidden(points=1)
def test_keeps_float64(check_ln):
    gen = torch.Generator().manual_seed(17)
    x = torch.randn(2, 3, 5, generator=gen, dtype=torch.float64)
    gamma, beta = _params(5, 18)
    check_ln(x, gamma.double(), beta.double())


@pytest.mark.hidden(points=1)
def test_a_constant_vector_gives_beta(check_ln):
    x = torch.tensor([[2.0, 2.0, 2.0, 2.0],
                      [1.0, -1.0, 0.5, 3.0]])
    check_ln(x, torch.tensor([2.0, -1.0, 0.5, 1.0]), torch.tensor([0.1, 0.2, 0.3, 0.4]))


@pytest.mark.hidden(points=1)
def test_four_dimensional_input(check_ln):
    gen = torch.Generator().manual_seed(19)
    check_ln(torch.randn(2, 2, 3, 6, generator=gen) + 1, *_params(6, 20))


@pytest.mark.hidden(points=3)
def test_gradients_flow_to_x_gamma_and_beta(sub, ref):
    gen = torch.Generator().manual_seed(21)
    x = torch.randn(2, 3, 6, generator=gen) * 2
    gamma, beta = _params(6, 22)
    grad_out = torch.randn(2, 3, 6, generator=gen)
    out, grads = sub.harness.layer_norm_and_grads(x, gamma, beta, 1e-5, grad_out)
    expect(grads is not None,
           en="no gradient reached the output: compute it from x, gamma and beta with differentiable torch "
              "operations (no .detach(), .data, .item() or torch.no_grad())",
           ko="출력에 그래디언트가 연결되어 있지 않습니다. x, gamma, beta로부터 미분 가능한 torch 연산으로 "
              "계산하세요 (.detach(), .data, .item(), torch.no_grad()는 쓰지 마세요)")
    want_out, want = ref.harness.layer_norm_and_grads(x.double(), gamma.double(), beta.double(), 1e-5,
                                                      grad_out.double())
    expect_close(out, want_out, dtype=torch.float32, what=OUTPUT)
    for got, expected, name in zip(grads, want, ("x", "gamma", "beta")):
        expect(got is not None,
               en=f"no gradient reached {name}: the output must be computed from it",
               ko=f"{name}까지 그래디언트가 전달되지 않았습니다. 출력을 계산할 때 {name}를 사용해야 합니다")
    for got, expected, name in zip(grads[1:], want[1:], ("gamma", "beta")):
        expect_close(got, expected, dtype=torch.float32, condition=6,
                     what={"en": f"the gradient with respect to {name}", "ko": f"{name}에 대한 그래디언트"})
    # The output and the parameters' gradients are right: a wrong gradient of x means a path from x was cut.
    try:
        expect_close(grads[0], want[0], dtype=torch.float32, condition=6,
                     what={"en": "the gradient with respect to x", "ko": "x에 대한 그래디언트"})
    except SpecFailure as failure:
        if not (isinstance(grads[0], torch.Tensor) and grads[0].shape == want[0].shape):
            raise
        fail("the output is right but its gradient with respect to x is not: part of the computation that "
             "depends on x was cut from the graph. The mean and the variance depend on x too: compute them with "
             "ordinary torch operations (no .detach(), .data or torch.no_grad())",
             "출력은 맞지만 x에 대한 그래디언트가 틀렸습니다. x에 의존하는 계산의 일부가 계산 그래프에서 "
             "끊겼습니다. 평균과 분산도 x에 의존하므로 평범한 torch 연산으로 계산하세요 (.detach(), .data, "
             "torch.no_grad()는 쓰지 마세요)", [failure.headline])
