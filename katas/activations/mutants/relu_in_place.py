"""Known-wrong: relu zeroes the negative entries of x itself and returns x."""
import math

import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    """ReLU(x) = max(0, x), elementwise."""
    x[x < 0] = 0
    return x


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """dReLU/dx at every entry of x: 1 where x > 0, else 0 (0 at x = 0, as PyTorch uses)."""
    return (x > 0).to(x.dtype)


def gelu(x: torch.Tensor) -> torch.Tensor:
    """Exact GELU: x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2)))."""
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """The tanh approximation: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))."""
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def gelu_grad(x: torch.Tensor) -> torch.Tensor:
    """d/dx of the exact GELU at every entry of x, by hand: the product rule on x * Phi(x)."""
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    pdf = torch.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
    return cdf + x * pdf
