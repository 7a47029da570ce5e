"""Kata: ReLU and GELU from their formulas.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import math

import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    """ReLU(x) = max(0, x), elementwise."""
    # TODO 1: keep each entry where it is positive and put 0 everywhere else.
    #         Compare every entry with 0 on its own: no reduction, same shape and dtype as x.
    raise NotImplementedError("relu is not written yet")


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """dReLU/dx at every entry of x: 1 where x > 0, else 0 (0 at x = 0, as PyTorch uses)."""
    # TODO 2: a tensor of 1s and 0s, in x's dtype (a comparison gives bool: convert it).
    raise NotImplementedError("relu_grad is not written yet")


def gelu(x: torch.Tensor) -> torch.Tensor:
    """Exact GELU: x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2)))."""
    # TODO 3: Phi(x), the standard normal CDF, is 0.5 * (1 + erf(x / sqrt(2))); multiply it by x.
    raise NotImplementedError("gelu is not written yet")


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """The tanh approximation: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))."""
    # TODO 4: write the formula term by term; every constant and the cubic term matter.
    raise NotImplementedError("gelu_tanh is not written yet")


def gelu_grad(x: torch.Tensor) -> torch.Tensor:
    """d/dx of the exact GELU at every entry of x, by hand: the product rule on x * Phi(x)."""
    # TODO 5: apply the product rule to x * Phi(x): the derivative of Phi is the normal density phi.
    raise NotImplementedError("gelu_grad is not written yet")
