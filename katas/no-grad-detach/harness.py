"""Runs in the confined worker: models, autograd graphs and functions cannot cross the boundary, so
they are built here, the learner's code is driven, and what happened is returned as plain data:
whether gradients were tracked during a forward pass, the parameters after each training step,
where gradients arrived, whether .grad was touched.

The errors this kata is about are reported as data (so that only that mistake matches its mutant);
any other error propagates to the spec as the learner's error.
"""
import torch

KNOWN_ERRORS = {
    "a leaf Variable that requires grad is being used in an in-place operation": "leaf in place",
    "Trying to backward through the graph a second time": "graph freed",
    "does not require grad and does not have a grad_fn": "nothing requires grad",
    "grad can be implicitly created only for scalar outputs": "not a scalar",
}


def _known(exc: RuntimeError) -> str:
    for text, name in KNOWN_ERRORS.items():
        if text in str(exc):
            return name
    raise exc


def _kind(value) -> str:
    return "Tensor" if isinstance(value, torch.Tensor) else type(value).__name__


def _copy(t):
    return None if t is None else t.detach().clone()


def evaluate_report(module, weight, bias, X, y):
    """An nn.Linear in training mode, whose forward pass records whether autograd was tracking and
    whether the model was in training mode; then the learner's evaluate."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0], dtype=weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    model.train()
    seen = []
    plain_forward = model.forward

    def forward(inputs):
        seen.append({"grad_enabled": torch.is_grad_enabled(), "training": model.training})
        return plain_forward(inputs)

    model.forward = forward
    try:
        loss = module.evaluate(model, X, y)
        grad_enabled_after = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)   # whatever the learner did, later tests start with tracking on
    report = {"type": _kind(loss), "forward_calls": seen, "grad_enabled_after": grad_enabled_after}
    if isinstance(loss, torch.Tensor):
        report.update(loss=_copy(loss), requires_grad=loss.requires_grad)
    return report


def train_report(module, weight, bias, X, y, lr, steps):
    """`steps` rounds of: loss of a linear model, loss.backward(), the learner's sgd_step([W, b], lr)."""
    W = weight.clone().requires_grad_(True)
    b = bias.clone().requires_grad_(True)
    params = [W, b]
    losses, after = [], []
    for _ in range(steps):
        loss = ((X @ W + b - y) ** 2).mean()
        losses.append(loss.detach().clone())
        loss.backward()
        versions = [p._version for p in params]   # bumped by every in-place change of p
        try:
            module.sgd_step(params, lr)
        except RuntimeError as exc:
            return {"error": _known(exc), "steps_done": len(after)}
        after.append({
            "W": W.detach().clone(), "b": b.detach().clone(),
            "still_leaves": all(p.is_leaf and p.requires_grad for p in (W, b)),
            "grads_cleared": all(p.grad is None or bool((p.grad == 0).all()) for p in (W, b)),
            "changed_in_place": [p._version != v for p, v in zip((W, b), versions)],
        })
        if not after[-1]["still_leaves"]:
            break      # the next backward() would fail in this harness, not in the learner's code: stop here
    return {"error": None, "losses": torch.stack(losses), "after": after}


def target_report(module, weight, X1, X2):
    """A prediction X1 @ w and a target 0.5 * (X2 @ w) + 1 computed from the same parameter w; the
    learner's target_loss, then backward(): which gradient reaches w?"""
    w = weight.clone().requires_grad_(True)
    prediction = X1 @ w
    target = 0.5 * (X2 @ w) + 1.0
    loss = module.target_loss(prediction, target)
    report = {"type": _kind(loss)}
    if isinstance(loss, torch.Tensor):
        report.update(loss=_copy(loss), requires_grad=loss.requires_grad, grad=None)
        if loss.requires_grad:
            loss.backward()
            report["grad"] = _copy(w.grad)
    return report


def gradients_report(module, X, weight, bias, y, stale):
    """The learner's loss_gradients on leaves W and b whose .grad already holds `stale` (left over from
    earlier work): the gradients it returns, and W.grad and b.grad afterwards."""
    W = weight.clone().requires_grad_(True)
    b = bias.clone().requires_grad_(True)
    W.grad = torch.full_like(W, stale)
    b.grad = torch.full_like(b, stale)
    try:
        grads = module.loss_gradients(X, W, b, y)
    except RuntimeError as exc:
        return {"error": _known(exc)}
    if isinstance(grads, (tuple, list)):
        grads = tuple(_copy(g) if isinstance(g, torch.Tensor) else g for g in grads)
    return {"error": None, "grads": grads, "W_grad_after": _copy(W.grad), "b_grad_after": _copy(b.grad)}


FUNCTIONS = {
    "polynomial": lambda x: 1 + 2 * x - x ** 2 + 0.5 * x ** 3,
    "sin": torch.sin,
    "x_exp": lambda x: x * torch.exp(-x),
}


def derivatives_report(module, name, points):
    """The learner's derivatives(f, x) for one of FUNCTIONS, with x a leaf that requires grad."""
    x = points.clone().requires_grad_(True)
    try:
        result = module.derivatives(FUNCTIONS[name], x)
    except RuntimeError as exc:
        return {"error": _known(exc)}
    if isinstance(result, (tuple, list)):
        result = tuple(_copy(r) if isinstance(r, torch.Tensor) else r for r in result)
    return {"error": None, "result": result, "x_grad_after": _copy(x.grad)}
