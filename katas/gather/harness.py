"""Runs in the confined worker: drives the learner's functions where a spec needs autograd."""
import torch


def nll_and_grad(module, log_probs, targets):
    """The learner's loss and its gradient with respect to log_probs (None if none reached it)."""
    log_probs = log_probs.detach().clone().requires_grad_(True)
    loss = module.mean_nll(log_probs, targets)
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad or loss.numel() != 1:
        return loss, None
    loss.sum().backward()
    return loss.detach(), log_probs.grad
