import pytest

from torchkata.forbidden import find_forbidden

SOFTMAX = ("torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.nn.Softmax",
           "torch.log_softmax")
AUTOGRAD = ("torch.Tensor.backward", "torch.autograd.*", "torch.autograd.grad")


@pytest.mark.parametrize("source, forbidden, expected", [
    ("import torch\ny = torch.softmax(x, 0)\n", SOFTMAX, [("torch.softmax", 2)]),
    ("import torch.nn.functional as F\ny = F.softmax(x, 0)\n", SOFTMAX, [("F.softmax", 2)]),
    ("from torch.nn import functional as F\ny = F.softmax(x, 0)\n", SOFTMAX, [("F.softmax", 2)]),
    ("def f(x):\n    return x.softmax(-1)\n", SOFTMAX, [("x.softmax", 2)]),
    ("from torch import softmax as s\ny = s(x)\n", SOFTMAX,
     [("from torch import softmax as s", 1), ("s (torch.softmax)", 2)]),
    ("import torch\nf = getattr(torch, 'softmax')\n", SOFTMAX, [("getattr(torch, 'softmax')", 2)]),
    ("import torch\nm = torch.nn.Softmax(dim=1)\n", SOFTMAX, [("torch.nn.Softmax", 2)]),
    ("loss.backward()\n", AUTOGRAD, [("loss.backward", 1)]),
    ("import torch\ng = torch.autograd.grad(l, w)\n", AUTOGRAD, [("torch.autograd.grad", 2)]),
    ("from torch.autograd.functional import vjp\n", AUTOGRAD, [("from torch.autograd.functional import vjp", 1)]),
    ("import torch.autograd.functional as AF\n", AUTOGRAD, [("import torch.autograd.functional as AF", 1)]),
])
def test_uses_are_found_through_aliases(source, forbidden, expected):
    assert find_forbidden(source, forbidden) == expected


@pytest.mark.parametrize("source, forbidden", [
    ("def stable_softmax(x):\n    softmax = 1\n    return softmax\n", SOFTMAX),   # own names are fine
    ("grad = 2 * (y_hat - y) / n\ndW = X.T @ grad\n", AUTOGRAD),
    ("d = {'grad': 1}\nx = d['grad']\n", AUTOGRAD),
    ("import torch\nw.grad.zero_()\n", AUTOGRAD),
    ("import torch\n# torch.softmax in a comment\n'''softmax in a docstring'''\n", SOFTMAX),
    ("def broken(:\n", SOFTMAX),
])
def test_innocent_code_is_not_flagged(source, forbidden):
    assert find_forbidden(source, forbidden) == []
