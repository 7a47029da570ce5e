"""Runs in the confined worker: calls the learner's fit_cubic and returns its results as plain data.

An exception from the learner's code is returned as {"error": "Type: message"}: the spec turns it
into a diagnosis, and a mutant that raises the same error (same type and message) is matched.
"""
import torch


def _floats(losses):
    if isinstance(losses, torch.Tensor):
        losses = losses.detach().reshape(-1).tolist()
    if not isinstance(losses, (list, tuple)):
        raise TypeError(f"the losses must be a list of floats, got {type(losses).__name__}")
    out = []
    for value in losses:
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise TypeError(f"each loss must be one number (loss.item()), got a tensor of shape {tuple(value.shape)}")
            value = value.detach().item()
        out.append(float(value))
    return out


def fit(module, x, y, lr, epochs, seed):
    """fit_cubic(x, y, lr, epochs, seed) -> {"losses": [...], "coeffs": tensor, "floats": bool, "coeffs_type": the
    type name of what was returned as coeffs} or {"error": ...}."""
    try:
        result = module.fit_cubic(x, y, lr, epochs, seed)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError("fit_cubic must return a tuple (losses, coeffs)")
        losses, coeffs = result
        floats = isinstance(losses, list) and all(type(v) is float for v in losses)
        losses = _floats(losses)
        coeffs_type = "Tensor" if isinstance(coeffs, torch.Tensor) else type(coeffs).__name__
        if not isinstance(coeffs, torch.Tensor):
            coeffs = torch.as_tensor(coeffs)
        return {"losses": losses, "coeffs": coeffs.detach().clone(), "floats": floats, "coeffs_type": coeffs_type}
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        return {"error": f"{type(exc).__name__}: {exc}"}
