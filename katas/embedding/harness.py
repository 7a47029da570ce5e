"""Runs in the confined worker: a table that requires grad, and its gradient after backward,
are built and read here; the specs get plain tensors and facts."""
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
    """The result, and whether the call left the table (and the ids) as they were."""
    table, given_ids = weight.clone(), ids.clone()
    out = module.embedding(given_ids, table, padding_idx)
    return out, bool(torch.equal(table, weight)) and bool(torch.equal(given_ids, ids))
