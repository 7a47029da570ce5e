"""Known-wrong: the first step keeps p.grad itself as the buffer (no copy), later updated in place."""
import torch


class MomentumSGD:
    """SGD with momentum, weight decay and Nesterov momentum, as torch.optim.SGD defines them (dampening 0)."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.nesterov = nesterov
        self.buffers = [None] * len(self.params)     # one momentum buffer per parameter, kept between steps

    def step(self):
        """Update every parameter that has a gradient, in place."""
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                g = p.grad
                if self.weight_decay != 0:
                    g = g + self.weight_decay * p
                if self.momentum != 0:
                    if self.buffers[i] is None:
                        self.buffers[i] = g
                    else:
                        self.buffers[i].mul_(self.momentum).add_(g)
                    v = self.buffers[i]
                    g = g + self.momentum * v if self.nesterov else v
                p -= self.lr * g
