"""Shared by the cross-entropy specs: grade one loss against a float64 oracle.

The reference runs on float64 copies of the logits, so the learner's float32 loss is held to what a
correct float32 implementation can achieve. logsumexp amplifies the rounding of its inputs by about
their size (a logit of 1000 carries an absolute rounding error of about 1000 * eps), hence the
condition below: torch.logsumexp and the max trick written by hand both pass.
"""
import re

import pytest
import torch

from torchkata.spec import LearnerError, expect_close, fail

LOSS = {"en": "the loss", "ko": "손실 값"}


def condition(logits: torch.Tensor) -> float:
    return max(1.0, 2 * float(logits.abs().max()))


@pytest.fixture
def check_ce(sub, ref):
    def check(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        got = call(sub.cross_entropy, logits, targets)
        expected = ref.cross_entropy(logits.double(), targets)
        explain_not_finite(got, expected)
        expect_close(got, expected, dtype=logits.dtype, condition=condition(logits), what=LOSS)
        return got
    return check


@pytest.fixture
def check_soft(sub, ref):
    def check(logits: torch.Tensor, target_probs: torch.Tensor) -> torch.Tensor:
        got = call(sub.soft_cross_entropy, logits, target_probs)
        expected = ref.soft_cross_entropy(logits.double(), target_probs.double())
        explain_not_finite(got, expected)
        expect_close(got, expected, dtype=logits.dtype, condition=condition(logits), what=LOSS)
        return got
    return check


@pytest.fixture(name="explain_error")
def explain_error_fixture():
    """explain_error(exc, logits), for a test that calls the learner through the harness."""
    return explain_error


BROADCAST = re.compile(r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) "
                       r"at non-singleton dimension (\d+)")
IN_PLACE_LEAF = "a leaf Variable that requires grad is being used in an in-place operation"


def call(function, logits: torch.Tensor, other: torch.Tensor):
    """function(logits, other), with an error explained when PyTorch's message shows its cause."""
    try:
        return function(logits, other)
    except LearnerError as exc:
        explain_error(exc, logits)
        raise


BROADCAST_EN = ('a tensor of size N (the batch) met one of size C (the classes) in the same dimension: either a '
                'reduction over the classes lost its dimension (shape (N,), which broadcasting lines up with the'
                ' C classes, not the rows) or a reduction went over the batch, dim=0, instead of the classes '
                '(shape (C,)). Reduce over the classes, dim=1, with keepdim=True (or unsqueeze(1) the result), '
                'so that it has shape (N, 1)')
BROADCAST_KO = ('크기가 N(배치)인 텐서와 크기가 C(클래스)인 텐서가 같은 차원에서 만났습니다. 클래스 방향의 리덕션에서 차원이 사라졌거나(shape (N,)이 되어 브로드캐스팅이 그 '
                '값을 행이 아니라 C개의 클래스에 맞춰 늘어놓습니다), 리덕션을 클래스가 아니라 배치 방향(dim=0)으로 했습니다(shape (C,)). 클래스 방향(dim=1)으로 '
                'keepdim=True를 주어 리덕션해서(또는 결과에 unsqueeze(1)을 해서) shape이 (N, 1)이 되게 하세요')


def explain_error(exc: LearnerError, logits: torch.Tensor) -> None:
    """Advice for an error whose cause its message shows; returns when it shows none.

    A broadcast between sizes N and C (N != C): an (N,) tensor met an (N, C) one (a reduction over the
    classes that lost its dimension), or a reduction went over the batch, (C,) (the message cannot tell which). Autograd's refusal to change a leaf in place: the logits were changed in place."""
    message = str(exc.info.get("message", ""))
    n, c = logits.shape
    found = BROADCAST.search(message)
    if found and n != c and {int(found.group(1)), int(found.group(2))} == {n, c}:
        fail(BROADCAST_EN, BROADCAST_KO)
    if IN_PLACE_LEAF in message:
        fail("your code changed the logits in place (logits -= ..., logits.sub_(...)): autograd cannot record "
             "that on a tensor it must send gradients to, and the caller's logits would change. Compute new "
             "tensors instead: z = logits - m",
             "코드가 로짓을 제자리(in-place)에서 바꿨습니다(logits -= ..., logits.sub_(...)). autograd는 그래디언트를 "
             "보내야 하는 텐서가 제자리에서 바뀌는 것을 기록할 수 없고, 호출한 쪽의 로짓도 바뀌게 됩니다. 대신 새 "
             "텐서를 만드세요: z = logits - m")


def explain_not_finite(got, expected) -> None:
    """NaN or inf where the right loss is finite: some step overflowed or underflowed, whatever the formula."""
    if type(got) is not torch.Tensor or not got.is_floating_point() or bool(torch.isfinite(got).all()):
        return
    if type(expected) is not torch.Tensor or not bool(torch.isfinite(expected).all()):
        return
    fail("the loss is NaN or inf for these logits, though the right loss is finite: a step of your computation "
         "overflowed or underflowed (exp of a large logit is inf in float32; the softmax of a logit far below "
         "its row's maximum is 0, and log(0) = -inf). Compute log-probabilities as z - logsumexp(z), subtracting "
         "each row's own maximum before exp (torch.logsumexp does it)",
         "정답 손실은 유한한데, 이 로짓에서 손실이 NaN이나 inf가 되었습니다. 계산 중 어느 단계에서 오버플로나 "
         "언더플로가 일어났습니다(float32에서 큰 로짓의 exp는 inf이고, 행의 최댓값보다 훨씬 작은 로짓의 softmax "
         "값은 0이며, log(0) = -inf입니다). 로그 확률을 z - logsumexp(z)로 계산하고, exp를 구하기 전에 각 행의 "
         "최댓값을 빼세요(torch.logsumexp가 그렇게 합니다)")
