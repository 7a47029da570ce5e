"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close, fail


@pytest.mark.hidden(points=2)
def test_very_negative_values(check_softmax):
    check_softmax(torch.tensor([[-1000.0, -1001.0, -1002.0], [-5000.0, -5000.0, -4999.0]]))


@pytest.mark.hidden(points=2)
def test_masked_entries(check_softmax):
    inf = float("inf")
    x = torch.tensor([[2.0, -inf, 0.5, -inf], [-inf, 3.0, 3.0, 1.0]])
    got = check_softmax(x)
    expect(bool((got[x == -inf] == 0).all()),
           en="masked (-inf) entries must get probability exactly 0",
           ko="마스킹된(-inf) 원소의 확률은 정확히 0이어야 합니다")


@pytest.mark.hidden(points=0.5)
@pytest.mark.parametrize("dim", [0, 1, 2, -2])
def test_any_dim_of_a_3d_tensor(check_softmax, dim):
    gen = torch.Generator().manual_seed(7)
    check_softmax(torch.randn(3, 4, 5, generator=gen) * 30, dim=dim)


@pytest.mark.hidden(points=2)
def test_gradients_flow_and_match(sub, ref):
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(4, 6, generator=gen) * 5
    grad_out = torch.randn(4, 6, generator=gen)
    for dim in (-1, 0):
        try:
            _, grad = sub.harness.softmax_and_grad(x, dim, grad_out)
        except LearnerError as error:
            if error.info.get("type") == "RuntimeError" and LEAF_IN_PLACE in str(error.info.get("message", "")):
                fail(**SHIFT_IN_PLACE)
            raise
        expect(grad is not None,
               en="no gradient reached x: the output must be computed from x with differentiable torch operations "
                  "(no .detach(), .item(), .numpy() or torch.no_grad())",
               ko="x까지 그래디언트가 전달되지 않았습니다. 출력은 미분 가능한 torch 연산으로 x에서 계산해야 "
                  "합니다 (.detach(), .item(), .numpy(), torch.no_grad()는 쓰지 마세요)")
        _, expected = ref.harness.softmax_and_grad(x.double(), dim, grad_out.double())
        expect_close(grad, expected, dtype=torch.float32, condition=10,
                     what={"en": f"the gradient dL/dx (dim={dim})", "ko": f"그래디언트 dL/dx (dim={dim})"})


@pytest.mark.hidden(points=1)
def test_keeps_dtype_and_device(check_softmax, device):
    check_softmax(torch.tensor([[0.5, -1.5, 2.0]], dtype=torch.float32, device=device))


@pytest.mark.hidden(points=1)
def test_float16_input_stays_float16(check_softmax):
    check_softmax(torch.tensor([2.0, -1.0, 0.5, 0.0], dtype=torch.float16))


@pytest.mark.hidden(points=1)
def test_square_matrix(check_softmax):
    gen = torch.Generator().manual_seed(11)
    check_softmax(torch.randn(4, 4, generator=gen) * 3, dim=-1)


# PyTorch's own words when an in-place operation meets a leaf that requires grad (here: x itself).
LEAF_IN_PLACE = "a leaf Variable that requires grad is being used in an in-place operation"
# The shift_in_place mutant's diagnosis.
SHIFT_IN_PLACE = {"en": "x was changed in place (x -= ..., x.sub_(...), x.exp_()): autograd refuses that for a tensor "
                        "that requires grad, and it changes the caller's x. Compute new tensors: x - m, torch.exp(...).",
                  "ko": "x를 in-place로 바꿨습니다(x -= ..., x.sub_(...), x.exp_()). 그래디언트가 필요한 텐서에는 "
                        "autograd가 이를 허용하지 않고, 호출한 쪽의 x도 바뀝니다. x - m, torch.exp(...)처럼 새 텐서를 "
                        "만들어 계산하세요."}
