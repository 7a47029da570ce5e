"""Runs in the confined worker: drives the learner's device code and reports where every tensor went.

On a machine without a GPU the CPU variant would hide every placement mistake (everything is on the CPU
anyway), so the harness *simulates* a separate device: whatever `device` the spec asks for, the data the
learner receives count as "on the host", and only what `.to(device)` returns counts as "on the device".

- The inputs are _OnHost tensors. `.to(device)` / `.cuda()` on them returns a new _OnDevice tensor (the real
  call runs too, so a real GPU is used when the spec asks for "cuda"); the tensor it was called on stays
  on the host, as a real CPU tensor does when you copy it to a GPU.
- The model records .to() / .cuda() / .cpu(): it is on the device only after model.to(device).
- The model's forward refuses an input still on the host, or runs while the model is not on the device,
  with the error PyTorch gives for mixed devices; any operation that mixes a host tensor (not a 0-d
  scalar) with a device tensor does the same.
- Its output is an _OnDevice tensor: `.cpu()` (or `.to("cpu")`) brings a plain tensor back to the host;
  `.item()` and `.tolist()` give Python values, as they do from a GPU.
- torch.as_tensor / torch.asarray / torch.tensor(x, device=...) move a placed tensor as .to() does (they do
  not go through __torch_function__, so they are wrapped while the learner's code runs); from a list, with
  device=device, they make a tensor on the device. Operations given device=device (empty_like...) make
  one there too, and `.copy_()` between the host and the device is a move, as on a GPU.

The drivers return plain data: the values, where the result was, and what was moved where. The learner's
module can reach this file and make it report anything, and the simulation could compute a right answer
without the learner's function (it builds the model): so the specs take the record of moves only to name
a mistake, and a point also needs the learner's source to use what the prompt asks for (`device`,
torch.cuda.is_available()), read on the trusted side.
"""
import torch
from torch import nn
from torch.utils._pytree import tree_flatten

_SIM = None      # the simulation of the call in progress


class _Sim:
    def __init__(self, device):
        self.device = torch.device(device)
        self.moves = {}              # role of the tensor ("x", "y", "other") -> device types it was moved to
        self.model_moves = []        # device types model.to() / .cuda() / .cpu() was called with
        self.model_on_device = False
        self.forward_inputs = []     # "host", "device" or "plain": what model(...) received
        self.forward_grad = []       # whether gradients were tracked during each model(...)
        self.read_out = []           # "device" or "host": where each tensor read out with .item() / float() was


def _mixed_devices_error():
    return RuntimeError("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and "
                        "cpu! (simulated by the grader, which treats `device` as a device of its own even on a "
                        "machine without a GPU: a tensor still on the host met one on the device)")


def _target_device(args, kwargs):
    """The device of a Tensor.to(...) / Module.to(...) call (None for a dtype-only .to)."""
    device, _, _, _ = torch._C._nn._parse_to(*args, **kwargs)
    return device


class _Placed(torch.Tensor):
    """Tensors of the simulation: _OnHost (the learner's inputs) and _OnDevice (what .to(device) made)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        with torch._C.DisableTorchFunctionSubclass():
            tensors = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
            on_host = any(type(t) is _OnHost and t.dim() > 0 for t in tensors)
            on_device = any(type(t) is _OnDevice for t in tensors)
            this = args[0] if args else None
            if func in (torch.Tensor.to, torch.Tensor.cuda, torch.Tensor.cpu) and isinstance(this, _Placed):
                return _move(func, this, args, kwargs)
            if func in (torch.Tensor.item, torch.Tensor.__float__) and isinstance(this, _Placed) and _SIM is not None:
                _SIM.read_out.append("device" if type(this) is _OnDevice else "host")
            if func is torch.Tensor.numpy and type(this) is _OnDevice:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                                "tensor to host memory first. (simulated by the grader)")
            copy = func is torch.Tensor.copy_ and isinstance(this, _Placed)   # a copy between devices is a move
            if on_host and on_device and _SIM is not None and not copy:
                raise _mixed_devices_error()
            result = func(*args, **kwargs)
            if func in torch.overrides.get_default_nowrap_functions():
                return result
            kind = _OnDevice if on_device else _OnHost if any(type(t) is _OnHost for t in tensors) else None
            if copy:
                kind = type(this)                                      # the copy lands where `this` is
            elif _on_the_device(kwargs.get("device")):
                kind = _OnDevice                                       # empty_like(x, device=device)...
            converted = torch._tensor._convert(result, kind) if kind is not None else result
            if kind is _OnHost and type(converted) is _OnHost and hasattr(this, "role") and converted is not this:
                converted.role = this.role                             # y.clone(), y.float(): still y
            return converted


class _OnHost(_Placed):
    pass


class _OnDevice(_Placed):
    pass


def _move(func, this, args, kwargs):
    if func is torch.Tensor.cpu:
        device = torch.device("cpu")
    elif func is torch.Tensor.cuda:
        device = torch.device("cuda")
    else:
        device = _target_device(args[1:], kwargs)
    if type(this) is _OnHost and device is not None and _SIM is not None:
        _SIM.moves.setdefault(getattr(this, "role", "other"), []).append(device.type)
    result = func(*args, **kwargs)                          # (torch functions of subclasses are disabled here)
    if type(this) is _OnHost:
        if device is not None and _SIM is not None and device.type == _SIM.device.type:
            return result.as_subclass(_OnDevice)           # a new tensor, on the device
        if device is None:
            return result.as_subclass(_OnHost)             # a dtype change stays on the host
        return result.as_subclass(torch.Tensor)
    # _OnDevice
    if device is not None and device.type == "cpu":
        return result.as_subclass(torch.Tensor)             # back on the host
    return result.as_subclass(_OnDevice)


def _host(t, role):
    with torch._C.DisableTorchFunctionSubclass():
        placed = t.clone().as_subclass(_OnHost)
    placed.role = role
    return placed


def _plain(t):
    with torch._C.DisableTorchFunctionSubclass():
        return t.as_subclass(torch.Tensor)


class _Net(nn.Module):
    """Linear(features, hidden) -> ReLU -> Linear(hidden, outputs), that knows where it is."""

    def __init__(self, features, hidden, outputs):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, outputs))

    def _moving(self, device):
        if _SIM is not None and device is not None:
            _SIM.model_moves.append(device.type)
            _SIM.model_on_device = False            # until the move succeeds

    def _moved(self, device):
        if _SIM is not None and device is not None:
            _SIM.model_on_device = device.type == _SIM.device.type

    def to(self, *args, **kwargs):
        device = _target_device(args, kwargs)
        self._moving(device)
        result = super().to(*args, **kwargs)        # raises if that device does not exist here
        self._moved(device)
        return result

    def cuda(self, device=None):
        self._moving(torch.device("cuda"))
        result = super().cuda(device)
        self._moved(torch.device("cuda"))
        return result

    def cpu(self):
        self._moving(torch.device("cpu"))
        result = super().cpu()
        self._moved(torch.device("cpu"))
        return result

    def forward(self, x):
        kind = "host" if type(x) is _OnHost else "device" if type(x) is _OnDevice else "plain"
        if _SIM is not None:
            _SIM.forward_inputs.append(kind)
            _SIM.forward_grad.append(torch.is_grad_enabled())
            if kind == "host" or not _SIM.model_on_device:
                raise _mixed_devices_error()
        out = self.layers(_plain(x) if isinstance(x, _Placed) else x)
        return _plain(out).as_subclass(_OnDevice)


def _build(seed, features, hidden, outputs):
    torch.manual_seed(seed)
    return _Net(features, hidden, outputs)


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:500]


def _on_the_device(device):
    """Whether a `device=` argument names the simulated device."""
    if device is None or _SIM is None:
        return False
    try:
        return torch.device(device).type == _SIM.device.type
    except (RuntimeError, TypeError):
        return False


def _constructor(original, copy):
    """torch.as_tensor / asarray / tensor bypass __torch_function__: on a placed tensor, they move it like .to();
    from other data (a list), with device=device, they make a tensor on the device."""
    def construct(data, *args, dtype=None, device=None, **kwargs):
        if isinstance(data, _Placed) and not args and not kwargs.get("requires_grad"):
            moved = data.to(device=device, dtype=dtype) if device is not None or dtype is not None else data
            return moved.clone() if copy else moved
        made = original(data, *args, dtype=dtype, device=device, **kwargs)
        if _on_the_device(device) and type(made) is torch.Tensor:
            return made.as_subclass(_OnDevice)
        return made
    return construct


_CONSTRUCTORS = (("as_tensor", False), ("asarray", False), ("tensor", True))


def _run(device, call):
    """Run `call()` under a fresh simulation for `device`; return (result, error, simulation)."""
    global _SIM
    _SIM = sim = _Sim(device)
    saved = {name: getattr(torch, name) for name, _ in _CONSTRUCTORS}
    for name, copy in _CONSTRUCTORS:
        setattr(torch, name, _constructor(saved[name], copy))
    try:
        return call(), None, sim
    except Exception as exc:  # noqa: BLE001 - the learner's error becomes data for the spec
        return None, _error(exc), sim
    finally:
        for name, original in saved.items():
            setattr(torch, name, original)
        _SIM = None


def _facts(sim, error):
    return {"error": error, "moves": sim.moves, "model_moves": sim.model_moves,
            "forward_inputs": sim.forward_inputs, "forward_grad": sim.forward_grad, "read_out": sim.read_out,
            "params_device": None}


def predict(module, seed, x, device, hidden=8):
    """predict(model, x, device) on a fresh model; the values, where they came back, and every move."""
    model = _build(seed, x.shape[1], hidden, 2)
    result, error, sim = _run(device, lambda: module.predict(model, _host(x, "x"), torch.device(device)))
    report = _facts(sim, error)
    report["params_device"] = next(model.parameters()).device.type
    report.update({"result": None, "result_place": None, "requires_grad": None})
    if isinstance(result, torch.Tensor):
        report["result_place"] = ("device" if type(result) is _OnDevice else "host") \
            if result.device.type == "cpu" else "device"
        plain = _plain(result) if isinstance(result, _Placed) else result
        report["requires_grad"] = bool(plain.requires_grad)
        report["result"] = plain.detach().cpu()
    elif result is not None:
        report["result_place"] = type(result).__name__
    return report


def evaluate(module, seed, x, y, device, hidden=8):
    """evaluate(model, x, y, device) on a fresh model; the value, its type, and every move."""
    model = _build(seed, x.shape[1], hidden, y.shape[1])
    result, error, sim = _run(device, lambda: module.evaluate(model, _host(x, "x"), _host(y, "y"),
                                                             torch.device(device)))
    report = _facts(sim, error)
    report["params_device"] = next(model.parameters()).device.type
    report["type"] = "Tensor" if isinstance(result, torch.Tensor) else type(result).__name__
    report["value"] = float(result) if isinstance(result, (float, int)) else None
    return report


def pick(module, cuda_available=None):
    """pick_device(), with torch.cuda.is_available() answering `cuda_available` (None: the real answer)."""
    real = torch.cuda.is_available()
    patched = [(torch.cuda, "is_available", lambda: cuda_available),
               (torch.cuda, "device_count", lambda: 1 if cuda_available else 0)] if cuda_available is not None else []
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    try:
        for owner, name, value in patched:
            setattr(owner, name, value)
        result = module.pick_device()
        error = None
    except Exception as exc:  # noqa: BLE001
        result, error = None, _error(exc)
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
    return {"error": error, "type": type(result).__name__, "device": str(result) if result is not None else None,
            "device_type": result.type if isinstance(result, torch.device) else None,
            "cuda_available": real if cuda_available is None else cuda_available}
