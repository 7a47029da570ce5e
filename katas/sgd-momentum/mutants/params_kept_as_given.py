"""Known-wrong: params is kept as given, not as a list: a generator (model.parameters()) is used up by the first step, and later steps update nothing."""
import torch


class MomentumSGD:
    """SGD with momentum, weight decay and Nesterov momentum, as torch.optim.SGD defines them (dampening 0)."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.nesterov = nesterov
        self.buffers = {}

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
                    if self.buffers.get(i) is None:
                        self.buffers[i] = g.clone()                       # first step: v = g
                    else:
                        self.buffers[i] = self.momentum * self.buffers[i] + g
                    v = self.buffers[i]
                    g = g + self.momentum * v if self.nesterov else v
                p -= self.lr * g
