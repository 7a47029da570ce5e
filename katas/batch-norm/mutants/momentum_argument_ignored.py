"""Known-wrong: the momentum given to __init__ is never used: the running statistics move by 0.1 whatever momentum is."""
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
            var = x.var(dim=0, correction=0)              # biased: what the batch is normalised with
            with torch.no_grad():
                m = 0.1
                unbiased = x.var(dim=0, correction=1)     # unbiased: what the running estimate tracks
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * unbiased)
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean) / torch.sqrt(var + self.eps)
        return self.weight * x_hat + self.bias
