"""Runs in the confined worker: drives the learner's sgd_step for several steps."""


def train(module, X, W, b, y, lr, steps):
    """`steps` calls of the learner's sgd_step, each starting from the last one's result."""
    for _ in range(steps):
        W, b = module.sgd_step(X, W, b, y, lr)
    return W, b
