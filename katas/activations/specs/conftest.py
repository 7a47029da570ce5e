"""Shared by the activations specs: grade one function against a float64 oracle.

The reference runs on float64 copies of the input, so the learner's float32 (or float16) result is
held to what its dtype allows. Every function here is elementwise, so the default condition holds.
"""
import pytest
import torch

from torchkata.spec import expect_close, fail

NAMES = {
    "relu": {"en": "relu(x)", "ko": "relu(x)"},
    "relu_grad": {"en": "relu_grad(x)", "ko": "relu_grad(x)"},
    "gelu": {"en": "gelu(x)", "ko": "gelu(x)"},
    "gelu_tanh": {"en": "gelu_tanh(x)", "ko": "gelu_tanh(x)"},
    "gelu_grad": {"en": "gelu_grad(x)", "ko": "gelu_grad(x)"},
}


@pytest.fixture
def check(sub, ref):
    def run(name: str, x: torch.Tensor) -> torch.Tensor:
        got = getattr(sub, name)(x)
        expected = getattr(ref, name)(x.double())
        if name == "relu_grad":
            explain_relu_grad_at_zero(got, x)
        expect_close(got, expected, dtype=x.dtype, what=NAMES[name])
        return got
    return run


def explain_relu_grad_at_zero(got, x: torch.Tensor) -> None:
    """relu_grad is right everywhere but at the entries where x is exactly 0, where it gave 1 (x >= 0,
    heaviside(x, 1)): a mistake of its own, said in its own words (a pattern of 0s and 1s otherwise reads
    as a shift or a rearrangement)."""
    if type(got) is not torch.Tensor or got.shape != x.shape or got.is_complex():
        return
    at_zero = x == 0
    if not bool(at_zero.any()):
        return
    values, right = got.detach().double(), (x > 0).double()
    if torch.equal(values[~at_zero], right[~at_zero]) and bool((values[at_zero] == 1).all()):
        fail("relu_grad gave 1 at x = 0: PyTorch's autograd uses 0 there, so the mask is x > 0, not x >= 0",
             "relu_grad가 x = 0에서 1을 반환했습니다. PyTorch의 autograd는 이 점에서 0을 쓰므로 마스크는 x >= 0이 "
             "아니라 x > 0이어야 합니다")


@pytest.fixture
def check_against_torch(sub):
    """check_against_torch(x): every function against torch's own activations and autograd
    (computed here, on the trusted side, from inputs that do not depend on the learner)."""
    import torch.nn.functional as F

    def run(x: torch.Tensor) -> None:
        answers = {"relu": torch.relu(x), "gelu": F.gelu(x), "gelu_tanh": F.gelu(x, approximate="tanh")}
        for name, fn in (("relu_grad", torch.relu), ("gelu_grad", F.gelu)):
            leaf = x.detach().clone().requires_grad_(True)
            fn(leaf).sum().backward()
            answers[name] = leaf.grad
        for name, expected in answers.items():
            expect_close(getattr(sub, name)(x), expected, what=NAMES[name])
    return run
