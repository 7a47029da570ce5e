"""Known-wrong: the batch normalised with the unbiased variance (divided by N - 1), the one running_var tracks."""
import torch
from torch import nn


class BatchNorm1d(nn.Module):
    """Batch normalisation of (N, C) inputs: each of the C features is normalised over the batch."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))    # gamma
        self.bias = nn.Parameter(torch.zeros(num_features))     # beta
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            mean = x.mean(dim=0)
            var = x.var(dim=0)                            # unbiased (x.var's default)
            with torch.no_grad():
                m = self.momentum
                unbiased = x.var(dim=0, correction=1)     # unbiased: what the running estimate tracks
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * unbiased)
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean) / torch.sqrt(var + self.eps)
        return self.weight * x_hat + self.bias
