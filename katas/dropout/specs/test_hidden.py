"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close


def _randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.hidden(points=2)
def test_a_3d_batch_with_p_0_2(check_train):
    check_train(_randn(3, 4, 5, seed=11), 0.2, seed=5)


@pytest.mark.hidden(points=1)
def test_p_zero_keeps_everything(check_train):
    check_train(_randn(4, 6, seed=12), 0.0, seed=2)


@pytest.mark.hidden(points=1)
def test_large_p_scales_by_ten(check_train):
    check_train(_randn(8, 16, seed=13), 0.9, seed=3)


@pytest.mark.hidden(points=1)
def test_float64_stays_float64(check_train, check_eval):
    x = _randn(5, 7, seed=14, dtype=torch.float64)
    check_train(x, 0.4, seed=4)
    check_eval(x, 0.4, seed=4)


@pytest.mark.hidden(points=1)
def test_evaluation_of_a_3d_batch(check_eval):
    check_eval(_randn(2, 3, 4, seed=15), 0.7, seed=6)


@pytest.mark.hidden(points=2)
def test_gradient_flows_through_the_kept_elements(sub, ref, explain_error):
    x, grad_out = _randn(6, 5, seed=16), _randn(6, 5, seed=17)
    try:
        out, grad = sub.harness.with_gradient(x, 0.4, 7, grad_out)
    except LearnerError as exc:
        explain_error(exc, x)
        raise
    expect(grad is not None,
           en="no gradient reached x: compute the result from x with differentiable torch operations "
              "(no .detach(), .data, .item() or torch.no_grad())",
           ko="x까지 그래디언트가 전달되지 않았습니다. 결과는 미분 가능한 torch 연산으로 x에서 계산하세요 "
              "(.detach(), .data, .item(), torch.no_grad()는 쓰지 마세요)")
    want_out, want_grad = ref.harness.with_gradient(x, 0.4, 7, grad_out)
    expect_close(out, want_out)
    expect_close(grad, want_grad, what={"en": "the gradient dL/dx", "ko": "그래디언트 dL/dx"})


@pytest.mark.hidden(points=1)
def test_input_is_not_modified_in_place(sub, ref):
    x = _randn(4, 5, seed=18)
    out, after = sub.harness.input_after_call(x, 0.5, True, 8)
    expect_close(out, ref.harness.input_after_call(x, 0.5, True, 8)[0])
    expect(isinstance(after, torch.Tensor) and after.shape == x.shape and torch.equal(after, x),
           en="dropout changed its input in place: build a new tensor (x * keep / (1 - p)) instead of "
              "writing into x (x[~keep] = 0, x *= ...)",
           ko="dropout이 입력 텐서를 제자리에서 바꿨습니다. x에 직접 쓰지 말고(x[~keep] = 0, x *= ...) "
              "새 텐서를 만드세요 (x * keep / (1 - p))")


@pytest.mark.hidden(points=1)
def test_mask_comes_from_the_generator(check_generator):
    check_generator(_randn(3, 8, seed=19), 0.5, seed=9)


@pytest.mark.hidden(points=2)
def test_layer_default_p_and_repeated_modes(check_layer):
    # Dropout(generator=...) with the default p = 0.5; the generator moves on from one call to the next.
    check_layer(_randn(5, 10, seed=20), None, seed=10, modes=["eval", "train", "train", "eval"])


@pytest.mark.hidden(points=1)
def test_layer_keeps_its_own_p(check_layer):
    check_layer(_randn(6, 8, seed=21), 0.25, seed=12, modes=["train", "train"])


@pytest.mark.hidden(points=1)
def test_default_arguments(check_defaults):
    # 5 rows: a factor of 4 ((1 - p)**2 for p = 0.5, multiplied instead of divided) is no size of x here.
    check_defaults(_randn(5, 9, seed=22), seed=13)
