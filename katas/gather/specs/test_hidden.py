"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from grader.spec import expect_close, fail


@pytest.mark.hidden(points=2)
def test_more_classes_than_rows(sub, ref, call, check_scores):
    gen = torch.Generator().manual_seed(21)
    logits = torch.randn(3, 10, generator=gen)
    targets = torch.tensor([7, 0, 9])
    got = call(sub.target_scores, logits, targets)
    check_scores(got, logits, targets, ref.target_scores(logits, targets))


@pytest.mark.hidden(points=1)
def test_a_single_row(sub, ref, call, check_scores):
    logits = torch.tensor([[0.3, -2.0, 1.7, 0.0, 0.9]])
    targets = torch.tensor([2])
    got = call(sub.target_scores, logits, targets)
    check_scores(got, logits, targets, ref.target_scores(logits, targets))


@pytest.mark.hidden(points=1)
def test_keeps_float64(sub, ref, call, check_scores):
    gen = torch.Generator().manual_seed(8)
    logits = torch.randn(6, 4, generator=gen, dtype=torch.float64)
    targets = torch.randint(0, 4, (6,), generator=gen)
    got = call(sub.target_scores, logits, targets)
    check_scores(got, logits, targets, ref.target_scores(logits, targets))


@pytest.mark.hidden(points=2)
def test_mean_nll_larger_batch(sub, ref, call, check_nll):
    gen = torch.Generator().manual_seed(13)
    log_probs = torch.log_softmax(torch.randn(64, 10, generator=gen) * 2, dim=1)
    targets = torch.randint(0, 10, (64,), generator=gen)
    got = call(sub.mean_nll, log_probs, targets)
    check_nll(got, log_probs, targets, ref.mean_nll(log_probs, targets))


@pytest.mark.hidden(points=2)
def test_mean_nll_gradient(sub, ref, call, check_nll):
    gen = torch.Generator().manual_seed(17)
    log_probs = torch.log_softmax(torch.randn(5, 4, generator=gen), dim=1)
    targets = torch.tensor([1, 3, 0, 3, 2])
    loss, grad = call(sub.harness.nll_and_grad, log_probs, targets)
    check_nll(loss, log_probs, targets, ref.mean_nll(log_probs, targets))
    if grad is None:
        fail("no gradient reached log_probs: build the loss from log_probs with torch operations "
             "(no .item(), .tolist(), .detach() or Python loops over numbers)",
             "log_probs까지 그래디언트가 전달되지 않았습니다. 손실은 log_probs에서 torch 연산으로 만들어야 합니다 "
             "(.item(), .tolist(), .detach()나 숫자를 도는 Python 루프는 안 됩니다)")
    leaf = log_probs.clone().requires_grad_(True)
    ref.mean_nll(leaf, targets).backward()
    expect_close(grad, leaf.grad, what={"en": "the gradient d(loss)/d(log_probs)",
                                        "ko": "그래디언트 d(손실)/d(log_probs)"})


@pytest.mark.hidden(points=2)
def test_sequence_more_classes_than_steps(sub, ref, call, check_scores):
    gen = torch.Generator().manual_seed(23)
    logits = torch.randn(3, 5, 7, generator=gen)
    targets = torch.randint(0, 7, (3, 5), generator=gen)
    targets[0, 0] = 6
    got = call(sub.sequence_target_scores, logits, targets, class_dim=2)
    check_scores(got, logits, targets, ref.sequence_target_scores(logits, targets), class_dim=2)


@pytest.mark.hidden(points=1)
def test_sequence_of_length_one(sub, ref, call, check_scores):
    gen = torch.Generator().manual_seed(29)
    logits = torch.randn(4, 1, 6, generator=gen)
    targets = torch.tensor([[5], [0], [2], [2]])
    got = call(sub.sequence_target_scores, logits, targets, class_dim=2)
    check_scores(got, logits, targets, ref.sequence_target_scores(logits, targets), class_dim=2)


@pytest.mark.hidden(points=1)
def test_on_device(sub, ref, call, check_scores, check_nll, device):
    gen = torch.Generator().manual_seed(31)
    logits = torch.randn(6, 4, generator=gen).to(device)
    targets = torch.tensor([3, 1, 0, 2, 3, 1], device=device)
    got = call(sub.target_scores, logits, targets)
    check_scores(got, logits, targets, ref.target_scores(logits, targets))
    log_probs = torch.log_softmax(logits, dim=1)
    got = call(sub.mean_nll, log_probs, targets)
    check_nll(got, log_probs, targets, ref.mean_nll(log_probs, targets))
