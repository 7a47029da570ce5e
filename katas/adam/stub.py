"""Kata: Adam, by hand.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import torch


class Adam:
    """Adam, as torch.optim.Adam defines it (no weight decay, no amsgrad)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        # TODO 1: keep the parameters as a list, and lr, betas, eps as attributes
        # TODO 2: the state that lives between steps: the step counter t, and for every parameter
        #         a first moment m and a second moment v, both zero before the first step
        raise NotImplementedError("Adam.__init__ is not written yet")

    def step(self):
        """Update every parameter that has a gradient, in place."""
        # TODO 3: advance the step counter (t is 1 during the first step)
        # TODO 4: outside autograd, for each parameter p whose p.grad is not None, with g = p.grad:
        #         update m (moving average of g, with beta1) and v (moving average of g * g, with beta2)
        # TODO 5: correct their bias by dividing by 1 - beta ** t, then change p itself:
        #         p minus lr * m_hat / (sqrt(v_hat) + eps)
        raise NotImplementedError("Adam.step is not written yet")
