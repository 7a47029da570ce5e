"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect, expect_close


@pytest.mark.hidden(points=1)
def test_relu_keeps_shape_and_dtype(check):
    gen = torch.Generator().manual_seed(1)
    check("relu", torch.randn(3, 4, 5, generator=gen))
    check("relu", torch.randn(2, 6, generator=gen, dtype=torch.float64))
    check("relu", torch.tensor([[-1.5, 0.25], [3.0, -0.0]], dtype=torch.float16))


@pytest.mark.hidden(points=2)
def test_relu_grad_keeps_dtype(check):
    gen = torch.Generator().manual_seed(2)
    check("relu_grad", torch.randn(4, 3, generator=gen, dtype=torch.float64))
    check("relu_grad", torch.tensor([1.0, -2.0, 0.0, 0.5], dtype=torch.float16))


@pytest.mark.hidden(points=1)
def test_relu_grad_is_zero_at_zero(check):
    check("relu_grad", torch.tensor([[0.0, -0.0, 1e-6], [-1e-6, 0.0, 7.0]]))


@pytest.mark.hidden(points=2)
def test_gelu_over_a_wide_range(check):
    check("gelu", torch.linspace(-10, 10, 41))
    check("gelu", torch.linspace(-6, 6, 24, dtype=torch.float64).reshape(2, 3, 4))


@pytest.mark.hidden(points=2)
def test_gelu_tanh_over_a_wide_range(check):
    check("gelu_tanh", torch.linspace(-10, 10, 41))
    gen = torch.Generator().manual_seed(3)
    check("gelu_tanh", torch.randn(2, 3, 4, generator=gen, dtype=torch.float64) * 3)


@pytest.mark.hidden(points=2)
def test_gelu_grad_random(check):
    gen = torch.Generator().manual_seed(4)
    check("gelu_grad", torch.randn(5, 6, generator=gen) * 3)
    check("gelu_grad", torch.linspace(-8, 8, 33, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_same_as_torchs_own_on_a_batch(check_against_torch):
    check_against_torch(torch.randn(2, 8, 16, generator=torch.Generator().manual_seed(5)) * 4)


@pytest.mark.hidden(points=1)
def test_relu_leaves_its_input_alone(sub, ref):
    x = torch.tensor([[-1.0, 2.0, -3.0], [4.0, -5.0, 0.0]])
    out, after = sub.harness.relu_and_input_after(x)
    expect_close(out, ref.harness.relu_and_input_after(x)[0], what={"en": "relu(x)", "ko": "relu(x)"})
    expect(isinstance(after, torch.Tensor) and after.shape == x.shape and torch.equal(after, x),
           en="relu changed its input: the caller's tensor lost its negative entries. Build a new tensor "
              "(torch.where, multiplication by a mask) instead of writing into x in place",
           ko="relu가 입력 텐서를 바꿔 버렸습니다. 호출한 쪽의 텐서에서 음수가 사라졌습니다. x에 제자리(in-place)로 "
              "쓰지 말고 torch.where나 마스크 곱셈으로 새 텐서를 만드세요")
