"""Known-wrong: m, v and the counter are created afresh in step(), so every step is a first step."""
import torch


class Adam:
    """Adam, as torch.optim.Adam defines it (no weight decay, no amsgrad)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.t = 0                                   # the number of steps taken so far
        self.m = [torch.zeros_like(p) for p in self.params]   # 1st moment: mean of the gradients
        self.v = [torch.zeros_like(p) for p in self.params]   # 2nd moment: mean of the squared gradients

    def step(self):
        """Update every parameter that has a gradient, in place."""
        beta1, beta2 = self.betas
        self.t = 1
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                g = p.grad
                self.m[i] = beta1 * self.m[i] + (1 - beta1) * g
                self.v[i] = beta2 * self.v[i] + (1 - beta2) * g * g
                m_hat = self.m[i] / (1 - beta1 ** self.t)       # bias correction
                v_hat = self.v[i] / (1 - beta2 ** self.t)
                p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
