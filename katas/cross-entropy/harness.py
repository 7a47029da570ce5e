"""Runs in the confined worker: drives the learner's loss through autograd."""
import torch


def loss_and_grad(module, logits, targets):
    """The learner's cross_entropy and its gradient with respect to the logits (None if none reached them)."""
    logits = logits.detach().clone().requires_grad_(True)
    loss = module.cross_entropy(logits, targets)
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad or loss.numel() != 1:
        return loss, None
    loss.sum().backward()
    return loss.detach(), logits.grad


def soft_loss_and_grad(module, logits, target_probs):
    """The learner's soft_cross_entropy and its gradient with respect to the logits (None if none reached them)."""
    logits = logits.detach().clone().requires_grad_(True)
    loss = module.soft_cross_entropy(logits, target_probs)
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad or loss.numel() != 1:
        return loss, None
    loss.sum().backward()
    return loss.detach(), logits.grad
