"""Runs in the confined worker: builds the model and optimizer, runs the learner's loop, returns plain data.

Modules and optimizers cannot cross the process boundary, so the spec sends only tensors and numbers:
the starting weight and bias, the micro-batches, k and the SGD settings. The harness records, at every
optimizer.step(), how many micro-batches had been seen, the parameters and their gradients.
"""
import torch


def train(module, weight, bias, micro_batches, k, opt_kwargs, stale_grad=None):
    """Run the learner's train_accumulated on nn.Linear + SGD; return what the spec needs to compare."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0], dtype=weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    params = (model.weight, model.bias)
    optimizer = torch.optim.SGD(model.parameters(), **opt_kwargs)
    if stale_grad is not None:   # gradients left over from earlier work, before the call
        for p in params:
            p.grad = torch.full_like(p, stale_grad)

    seen = [0]

    def loss_fn(prediction, target):
        seen[0] += 1
        return torch.nn.functional.mse_loss(prediction, target)

    steps = []
    plain_step = optimizer.step

    def recording_step(*args, **kwargs):
        steps.append({
            "after": seen[0],
            "params": [p.detach().clone() for p in params],
            "grads": [None if p.grad is None else p.grad.detach().clone() for p in params],
        })
        return plain_step(*args, **kwargs)

    optimizer.step = recording_step
    returned = module.train_accumulated(model, optimizer, loss_fn, [tuple(mb) for mb in micro_batches], k)
    return {"weight": model.weight.detach().clone(), "bias": model.bias.detach().clone(),
            "steps": steps, "loss_calls": seen[0], "returned": type(returned).__name__}
