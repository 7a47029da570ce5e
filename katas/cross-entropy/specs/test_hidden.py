"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch
import torch.nn.functional as F

from torchkata.spec import LearnerError, expect, expect_close, expect_tensor

LOSS = {"en": "the loss", "ko": "손실 값"}


@pytest.mark.hidden(points=2)
def test_target_far_below_the_maximum(check_ce):
    logits = torch.tensor([[0.0, 200.0, -50.0],
                           [30.0, -30.0, 0.0]])
    check_ce(logits, torch.tensor([0, 1]))      # softmax of the target underflows to 0: log(0) = -inf


@pytest.mark.hidden(points=1)
def test_very_negative_logits(check_ce):
    logits = torch.tensor([[-1000.0, -1001.0, -1002.0, -1000.5]])
    check_ce(logits, torch.tensor([2]))


@pytest.mark.hidden(points=1)
def test_keeps_float64(check_ce):
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(5, 4, generator=gen, dtype=torch.float64) * 4
    check_ce(logits, torch.randint(0, 4, (5,), generator=gen))


@pytest.mark.hidden(points=1)
def test_many_examples_few_classes(check_ce):
    gen = torch.Generator().manual_seed(2)
    logits = torch.randn(64, 3, generator=gen) * 2
    check_ce(logits, torch.randint(0, 3, (64,), generator=gen))


@pytest.mark.hidden(points=1)
def test_a_single_example(check_ce):
    check_ce(torch.tensor([[0.3, -2.0, 1.7, 0.0]]), torch.tensor([3]))


@pytest.mark.hidden(points=2)
def test_gradient_is_softmax_minus_one_hot_over_n(sub, ref, explain_error):
    gen = torch.Generator().manual_seed(3)
    logits = torch.randn(6, 5, generator=gen) * 3
    targets = torch.randint(0, 5, (6,), generator=gen)
    try:
        loss, attached, grad = sub.harness.loss_and_grad(logits, targets)
    except LearnerError as exc:
        explain_error(exc, logits)
        raise
    want_loss, _, expected = ref.harness.loss_and_grad(logits.double(), targets)
    expect_tensor(loss)
    expect(attached,
           en="no gradient reached the logits: compute the loss from them with differentiable torch operations "
              "(no .item(), .detach() or torch.no_grad())",
           ko="로짓까지 그래디언트가 전달되지 않았습니다. 미분 가능한 torch 연산으로 로짓에서 손실을 계산하세요 "
              "(.item(), .detach(), torch.no_grad()는 쓰지 마세요)")
    # A loss of more than one value cannot be backpropagated alone: its comparison names what differs.
    expect_close(loss, want_loss, dtype=torch.float32, what={"en": "the loss", "ko": "손실"})
    expect_close(grad, expected, dtype=torch.float32, condition=2 * float(logits.abs().max()),
                 what={"en": "the gradient with respect to the logits", "ko": "로짓에 대한 그래디언트"})


@pytest.mark.hidden(points=2)
def test_soft_targets_match_F_cross_entropy(sub):
    gen = torch.Generator().manual_seed(4)
    logits = torch.randn(6, 7, generator=gen) * 3
    target_probs = torch.randn(6, 7, generator=gen).exp()
    target_probs = target_probs / target_probs.sum(dim=1, keepdim=True)
    expect_close(sub.soft_cross_entropy(logits, target_probs), F.cross_entropy(logits, target_probs),
                 condition=2 * float(logits.abs().max()), what=LOSS)


@pytest.mark.hidden(points=1)
def test_one_hot_soft_targets_give_the_hard_loss(sub, ref):
    gen = torch.Generator().manual_seed(5)
    logits = torch.randn(5, 4, generator=gen) * 2
    targets = torch.tensor([3, 0, 1, 1, 2])
    got = sub.soft_cross_entropy(logits, F.one_hot(targets, 4).float())
    expect_close(got, ref.cross_entropy(logits.double(), targets), dtype=torch.float32,
                 condition=2 * float(logits.abs().max()), what=LOSS)


@pytest.mark.hidden(points=1)
def test_soft_targets_with_large_logits(check_soft):
    logits = torch.tensor([[1000.0, 0.0, 1002.0],
                           [-500.0, 500.0, 499.0]])
    target_probs = torch.tensor([[0.25, 0.0, 0.75],
                                 [0.0, 0.5, 0.5]])
    check_soft(logits, target_probs)             # a class with probability 0 may have softmax 0 as well


@pytest.mark.hidden(points=1)
def test_soft_targets_gradient(sub, ref, explain_error):
    gen = torch.Generator().manual_seed(6)
    logits = torch.randn(4, 6, generator=gen) * 3
    target_probs = torch.softmax(torch.randn(4, 6, generator=gen), dim=1)
    try:
        loss, attached, grad = sub.harness.soft_loss_and_grad(logits, target_probs)
    except LearnerError as exc:
        explain_error(exc, logits)
        raise
    want_loss, _, expected = ref.harness.soft_loss_and_grad(logits.double(), target_probs.double())
    expect_tensor(loss)
    expect(attached,
           en="no gradient reached the logits from soft_cross_entropy: compute the loss from them with "
              "differentiable torch operations (no .item(), .detach() or torch.no_grad())",
           ko="soft_cross_entropy에서 로짓까지 그래디언트가 전달되지 않았습니다. 미분 가능한 torch 연산으로 로짓에서 "
              "손실을 계산하세요 (.item(), .detach(), torch.no_grad()는 쓰지 마세요)")
    expect_close(loss, want_loss, dtype=torch.float32, what={"en": "the loss", "ko": "손실"})
    expect_close(grad, expected, dtype=torch.float32, condition=2 * float(logits.abs().max()),
                 what={"en": "the gradient with respect to the logits", "ko": "로짓에 대한 그래디언트"})


@pytest.mark.hidden(points=1)
def test_as_many_classes_as_examples(check_ce, check_soft):
    gen = torch.Generator().manual_seed(7)
    logits = torch.randn(4, 4, generator=gen) * 3       # N = C: a (N,) result broadcast along the classes runs
    check_ce(logits, torch.tensor([2, 0, 3, 3]))
    check_soft(logits, torch.softmax(torch.randn(4, 4, generator=gen), dim=1))
