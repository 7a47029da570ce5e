"""Runs in the confined worker, beside the learner's module: a table that requires grad, and its gradient
after backward, are built and read here; the specs get plain tensors (observations, never verdicts) and
compare them with the reference's and with the inputs they sent."""
import torch


def lookup_and_grad(module, ids, weight, padding_idx, grad_out):
    """embedding(ids, table) with a table that requires grad, then backward of sum(out * grad_out).

    Returns (out, the table's gradient or None)."""
    table = weight.detach().clone().requires_grad_(True)
    out = module.embedding(ids, table, padding_idx)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return out, None
    (out * grad_out).sum().backward()
    return out.detach(), table.grad


def table_after_call(module, ids, weight, padding_idx):
    """The result, and the table and ids as the caller holds them after the call (an in-place change shows)."""
    table, given_ids = weight.clone(), ids.clone()
    out = module.embedding(given_ids, table, padding_idx)
    return out, table, given_ids
