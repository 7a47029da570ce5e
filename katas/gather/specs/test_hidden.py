"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs.

Here (and in the public specs) targets stay below the number of rows and below the sequence
length: gathering along the wrong dimension then gives wrong values rather than an index error,
which tells that mistake apart from an index with too few dimensions (both raise RuntimeError).
"""
import pytest
import torch

from torchkata.spec import expect, expect_close

LOSS = {"en": "the loss", "ko": "손실 값"}


@pytest.mark.hidden(points=2)
def test_more_classes_than_rows(check_scores):
    gen = torch.Generator().manual_seed(21)
    logits = torch.randn(4, 10, generator=gen)
    check_scores("target_scores", logits, torch.tensor([2, 0, 3, 1]))


@pytest.mark.hidden(points=1)
def test_a_single_row(check_scores):
    logits = torch.tensor([[0.3, -2.0, 1.7, 0.0, 0.9]])
    check_scores("target_scores", logits, torch.tensor([0]))


@pytest.mark.hidden(points=1)
def test_keeps_float64(check_scores):
    gen = torch.Generator().manual_seed(8)
    logits = torch.randn(6, 4, generator=gen, dtype=torch.float64)
    check_scores("target_scores", logits, torch.randint(0, 4, (6,), generator=gen))


@pytest.mark.hidden(points=2)
def test_mean_nll_larger_batch(check_nll):
    gen = torch.Generator().manual_seed(13)
    log_probs = torch.log_softmax(torch.randn(64, 10, generator=gen) * 2, dim=1)
    check_nll(log_probs, torch.randint(0, 10, (64,), generator=gen))


@pytest.mark.hidden(points=2)
def test_mean_nll_gradient(sub, ref):
    gen = torch.Generator().manual_seed(17)
    log_probs = torch.log_softmax(torch.randn(5, 4, generator=gen), dim=1)
    targets = torch.tensor([1, 3, 0, 3, 2])
    loss, grad = sub.harness.nll_and_grad(log_probs, targets)
    expected_loss, expected_grad = ref.harness.nll_and_grad(log_probs.double(), targets)
    expect_close(loss, expected_loss, dtype=torch.float32, condition=targets.numel(), what=LOSS)
    expect(grad is not None,
           en="no gradient reached log_probs: build the loss from log_probs with torch operations "
              "(no .item(), .tolist(), .detach() or Python arithmetic on numbers)",
           ko="log_probs까지 그래디언트가 전달되지 않았습니다. 손실은 log_probs에 torch 연산을 적용해 "
              "만들어야 합니다 (.item(), .tolist(), .detach()로 꺼낸 숫자로 계산하면 안 됩니다)")
    expect_close(grad, expected_grad, dtype=torch.float32,
                 what={"en": "the gradient d(loss)/d(log_probs)", "ko": "그래디언트 d(손실)/d(log_probs)"})


@pytest.mark.hidden(points=2)
def test_sequence_more_classes_than_steps(check_scores):
    gen = torch.Generator().manual_seed(23)
    logits = torch.randn(3, 5, 7, generator=gen)
    targets = torch.randint(0, 5, (3, 5), generator=gen)
    check_scores("sequence_target_scores", logits, targets)


@pytest.mark.hidden(points=1)
def test_sequence_of_length_one(check_scores):
    gen = torch.Generator().manual_seed(29)
    logits = torch.randn(4, 1, 6, generator=gen)
    check_scores("sequence_target_scores", logits, torch.zeros(4, 1, dtype=torch.int64))


@pytest.mark.hidden(points=1)
def test_on_device(check_scores, check_nll, device):
    gen = torch.Generator().manual_seed(31)
    logits = torch.randn(6, 4, generator=gen).to(device)
    targets = torch.tensor([3, 1, 0, 2, 3, 1], device=device)
    check_scores("target_scores", logits, targets)
    check_nll(torch.log_softmax(logits, dim=1), targets)
