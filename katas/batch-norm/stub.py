"""Kata: BatchNorm1d by hand, with training and evaluation mode.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch
from torch import nn


class BatchNorm1d(nn.Module):
    """Batch normalisation of (N, C) inputs: each of the C features is normalised over the batch."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        # TODO 1: call super().__init__() and keep eps and momentum
        # TODO 2: the learnable gamma and beta as nn.Parameter, named weight (ones) and bias (zeros)
        # TODO 3: running_mean (zeros) and running_var (ones) as buffers: self.register_buffer(name, tensor)
        raise NotImplementedError("BatchNorm1d.__init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO 4: in training (self.training), the mean and the biased variance of x over the batch (dim 0)
        # TODO 5: ...and, without recording it for autograd, move the running statistics towards the batch's:
        #         running = (1 - momentum) * running + momentum * batch   (running_var: the UNBIASED variance)
        # TODO 6: in evaluation, use running_mean and running_var instead
        # TODO 7: normalise, (x - mean) / sqrt(var + eps), then scale by weight and shift by bias
        raise NotImplementedError("BatchNorm1d.forward is not written yet")
