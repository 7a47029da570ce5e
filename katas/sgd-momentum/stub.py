"""Kata: SGD with momentum, by hand.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


class MomentumSGD:
    """SGD with momentum, weight decay and Nesterov momentum, as torch.optim.SGD defines them (dampening 0)."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        # TODO 1: keep the parameters as a list, and lr, momentum, weight_decay, nesterov as attributes
        #         of the same names (the grader may change self.lr between steps)
        # TODO 2: make room for one momentum buffer per parameter; there is none before the first step
        raise NotImplementedError("MomentumSGD.__init__ is not written yet")

    def step(self):
        """Update every parameter that has a gradient, in place."""
        # TODO 3: outside autograd, for each parameter p whose p.grad is not None:
        #         g = p.grad, plus weight_decay * p when weight_decay is not 0
        # TODO 4: with momentum: the buffer is g at the first step, then momentum * buffer + g;
        #         the update direction is the buffer (or g + momentum * buffer with nesterov=True)
        # TODO 5: change p itself: p minus lr times that direction
        raise NotImplementedError("MomentumSGD.step is not written yet")
