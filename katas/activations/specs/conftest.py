"""Shared by the activations specs: grade one function against a float64 oracle.

The reference runs on float64 copies of the input, so the learner's float32 (or float16) result is
held to what its dtype allows. Every function here is elementwise, so the default condition holds.
"""
import pytest
import torch

from torchkata.spec import expect_close

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
        expect_close(got, expected, dtype=x.dtype, what=NAMES[name])
        return got
    return run


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
