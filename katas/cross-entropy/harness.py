"""Runs in the confined worker: drives the learner's loss through autograd."""
import torch


def loss_and_grad(module, logits, targets):
    """The learner's cross_entropy and its gradient with respect to the logits (see _backward)."""
    logits = logits.detach().clone().requires_grad_(True)
    loss = module.cross_entropy(logits, targets)
    return _backward(loss, logits)


def soft_loss_and_grad(module, logits, target_probs):
    """The learner's soft_cross_entropy and its gradient with respect to the logits (see _backward)."""
    logits = logits.detach().clone().requires_grad_(True)
    loss = module.soft_cross_entropy(logits, target_probs)
    return _backward(loss, logits)


def _backward(loss, logits):
    """(loss, attached, dL/dlogits): whether the loss is attached to autograd, and the gradient, or None when
    the loss cannot be backpropagated as a single number (not attached, or more than one value). The specs
    tell these cases apart."""
    if not isinstance(loss, torch.Tensor):
        return loss, False, None
    if not loss.requires_grad or loss.numel() != 1:
        return loss.detach(), bool(loss.requires_grad), None
    loss.sum().backward()
    return loss.detach(), True, logits.grad
