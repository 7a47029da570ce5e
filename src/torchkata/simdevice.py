"""A simulated second device: placement mistakes show on a machine without a GPU.

On a CPU-only grader (where GitHub Classroom runs) every tensor is on the CPU, so code that
ignores its ``device`` argument, hard-codes ``"cuda"`` or builds a new tensor on the default
device gives the right answer anyway. Inside :func:`simulate`, torch behaves as if a second
device existed: every computation still runs on the CPU, but each tensor carries the device
it would be on, and PyTorch's rules for devices are enforced:

- ``x.to(device)``, ``x.cuda()``, ``x.cpu()``, ``module.to(device)`` and every factory given
  ``device=`` (``torch.zeros(..., device=d)``, ``torch.tensor(data, device=d)``...) put their
  result on that device; ``x.device``, ``x.is_cuda`` and ``x.get_device()`` report it;
- ``.to(device)`` on a tensor returns a new tensor and leaves the original where it was;
- an operation mixing tensors of two devices (other than a 0-d CPU scalar) raises PyTorch's
  own "Expected all tensors to be on the same device" error; ``.numpy()`` of a tensor on a
  simulated device raises as it does for a GPU tensor.

The simulated device is :data:`SECOND_DEVICE`, ``cuda:1``: it differs from what a
``pick_device()`` returns on any machine (``cpu``, or ``cuda``, which means ``cuda:0``), so
hard-coding ``"cuda"`` or falling back to the machine's device mixes devices too. Only public
torch APIs are used (a :class:`torch.overrides.TorchFunctionMode`); a tensor's device is
remembered by its storage, so views, ``nn.Parameter(t)`` and ``param.data = t`` keep it.

The engine's device probes run a learner's function under it (:func:`probe_call`); a kata's
harness may use it too::

    from torchkata.simdevice import SECOND_DEVICE, simulate

    with simulate() as sim:
        out = module.predict(model, x, torch.device(SECOND_DEVICE))
        where = sim.device_of(out)          # "cpu" or "cuda:1"

This module runs inside the confined worker (it is imported before confinement).
"""
from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

SECOND_DEVICE = "cuda:1"
HOST = "cpu"
NOTE = ("simulated by the grader, which runs your code on a second device, {device}, even on a machine without "
        "a GPU")


def normalise(device: Any) -> str:
    """A device as a string with its index: "cuda" -> "cuda:0", "cpu:0" -> "cpu", 1 -> "cuda:1"."""
    if isinstance(device, int) and not isinstance(device, bool):
        return f"cuda:{device}"
    device = torch.device(device)
    if device.type == "cpu":
        return HOST
    if device.type == "cuda":
        return f"cuda:{0 if device.index is None else device.index}"
    return str(device)


def mixed_devices(first: str, second: str) -> RuntimeError:
    return RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, {first} and "
                        f"{second}! ({NOTE.format(device=SECOND_DEVICE)})")


class Simulation:
    """Where each tensor is, for the duration of one :func:`simulate` block."""

    def __init__(self) -> None:
        self._by_storage: dict[int, tuple[Any, str]] = {}   # data_ptr -> (the storage, kept alive; device)
        self._empty: dict[int, tuple[Any, str]] = {}        # id -> (tensor, device), for tensors with no storage
        self._mode: _Mode | None = None
        self.used: set[str] = set()     # the devices other than the CPU that computed something

    def device_of(self, tensor: torch.Tensor) -> str:
        """Where ``tensor`` is in the simulation ("cpu" unless it was put on another device)."""
        if tensor.device.type == "meta":
            return "meta"
        pointer = _pointer(tensor)
        if pointer:
            entry = self._by_storage.get(pointer)
        else:
            entry = self._empty.get(id(tensor))
            entry = entry if entry is not None and entry[0] is tensor else None
        return entry[1] if entry is not None else HOST

    def place(self, tensor: torch.Tensor, device: Any = SECOND_DEVICE) -> torch.Tensor:
        """``tensor`` itself, now counted as on ``device`` (for inputs built by the grader)."""
        self._mark(tensor, normalise(device))
        return tensor

    def export(self, value: Any) -> tuple[Any, Any]:
        """(value, placement): the same structure with, for each tensor, the device it is on."""
        if isinstance(value, torch.Tensor):
            return value, self.device_of(value)
        if isinstance(value, (list, tuple)):
            pairs = [self.export(v) for v in value]
            kind = list if isinstance(value, list) else tuple
            return kind(p[0] for p in pairs), kind(p[1] for p in pairs)
        if isinstance(value, dict):
            pairs = {k: self.export(v) for k, v in value.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        return value, None

    def _mark(self, tensor: torch.Tensor, device: str) -> None:
        pointer = _pointer(tensor)
        if pointer:
            if device == HOST:
                self._by_storage.pop(pointer, None)
            else:
                self._by_storage[pointer] = (tensor.untyped_storage(), device)
        elif device == HOST:
            self._empty.pop(id(tensor), None)
        else:
            self._empty[id(tensor)] = (tensor, device)

    def __enter__(self) -> "Simulation":
        self._mode = _Mode(self)
        self._mode.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        mode, self._mode = self._mode, None
        if mode is not None:
            mode.__exit__(*exc)


def simulate() -> Simulation:
    """A context in which torch behaves as if :data:`SECOND_DEVICE` existed (see the module's text)."""
    return Simulation()


def _pointer(tensor: torch.Tensor) -> int:
    try:
        return tensor.untyped_storage().data_ptr()
    except (RuntimeError, NotImplementedError):
        return 0


def _tensors(value: Any, out: list) -> list:
    if isinstance(value, torch.Tensor):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _tensors(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _tensors(item, out)
    return out


_MOVES = {torch.Tensor.to, torch.Tensor.cuda, torch.Tensor.cpu}
_INDEXING = {torch.Tensor.__getitem__, torch.Tensor.__setitem__, torch.Tensor.copy_}
_METADATA = {"_has_compatible_shallow_copy_type", "is_same_size", "is_set_to"}   # compare, compute nothing


def _descriptor(func) -> Any:
    """The property a getter or setter belongs to (func is e.g. Tensor.device.__get__), else None."""
    return getattr(func, "__self__", None) if getattr(func, "__name__", "") in ("__get__", "__set__") else None


class _Mode(TorchFunctionMode):
    def __init__(self, sim: Simulation):
        super().__init__()
        self.sim = sim

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        sim = self.sim
        prop = _descriptor(func)
        if prop is not None and args and isinstance(args[0], torch.Tensor):
            where = sim.device_of(args[0])
            if prop is torch.Tensor.device:
                return torch.device(where)
            if prop is torch.Tensor.is_cuda:
                return where.startswith("cuda")
            if getattr(torch.Tensor, "is_cpu", None) is not None and prop is torch.Tensor.is_cpu:
                return where == HOST
        if func is torch.Tensor.get_device and args:
            where = sim.device_of(args[0])
            return -1 if where == HOST else torch.device(where).index or 0
        if func in _MOVES and args and isinstance(args[0], torch.Tensor):
            return self._move(func, args, kwargs)
        if func is torch.Tensor.numpy and args and sim.device_of(args[0]) != HOST:
            raise TypeError(f"can't convert {sim.device_of(args[0])} device type tensor to numpy. Use Tensor.cpu() "
                            f"to copy the tensor to host memory first. ({NOTE.format(device=SECOND_DEVICE)})")
        inputs = _tensors((args, kwargs), [])
        if "device" in kwargs and kwargs["device"] is not None:
            target = normalise(kwargs["device"])
            kwargs["device"] = HOST
            result = func(*args, **kwargs)
            if target != HOST:
                sim.used.add(target)
            return self._put(result, target, inputs)
        if prop is not None and getattr(func, "__name__", "") == "__set__" or \
                getattr(func, "__name__", "") in _METADATA:
            return func(*args, **kwargs)      # param.data = t moves a parameter (module.to does it): no mixing
        target = self._common_device(inputs[:1] if func in _INDEXING else inputs)
        result = func(*args, **kwargs)
        if target != HOST:
            if prop is None:
                sim.used.add(target)
            self._put(result, target, [])
        return result

    def _common_device(self, tensors: list) -> str:
        devices = {self.sim.device_of(t) for t in tensors}
        others = sorted(devices - {HOST})
        if len(others) > 1:
            raise mixed_devices(others[0], others[1])
        if others and any(self.sim.device_of(t) == HOST and t.dim() > 0 for t in tensors):
            raise mixed_devices(others[0], HOST)
        return others[0] if others else HOST

    def _move(self, func, args, kwargs):
        tensor, rest = args[0], args[1:]
        here = self.sim.device_of(tensor)
        if func is torch.Tensor.cpu:
            target, dtype, copy = HOST, None, False
        elif func is torch.Tensor.cuda:
            index = rest[0] if rest else kwargs.get("device")
            target, dtype, copy = normalise("cuda" if index is None else index if not isinstance(index, int)
                                            else f"cuda:{index}"), None, False
        else:
            target, dtype, copy = _parse_to(self.sim, here, rest, kwargs)
        if target == here:
            result = tensor.to(dtype=dtype or tensor.dtype, copy=copy)
            return self._put(result, here, []) if here != HOST else result
        result = tensor.to(dtype=dtype or tensor.dtype, copy=True)      # another device: always a new tensor
        return self._put(result, target, [])

    def _put(self, result, target: str, inputs: list):
        """Count every tensor of ``result`` as on ``target`` (copying one that is an input's storage)."""
        shared = {_pointer(t) for t in inputs} - {0}
        if isinstance(result, torch.Tensor):
            if _pointer(result) in shared and self.sim.device_of(result) != target:
                result = result.clone()
            self.sim._mark(result, target)
            return result
        if isinstance(result, (list, tuple)):
            items = [self._put(r, target, inputs) for r in result]
            return type(result)(items) if isinstance(result, list) else tuple(items) \
                if type(result) is tuple else result
        return result


def _parse_to(sim: Simulation, here: str, rest: tuple, kwargs: dict) -> tuple[str, Any, bool]:
    """(device, dtype, copy) of a Tensor.to(...) call, from any of its signatures."""
    device, dtype = kwargs.get("device"), kwargs.get("dtype")
    copy = bool(kwargs.get("copy", False))
    positional = list(rest)
    if positional and isinstance(positional[0], torch.Tensor):
        other = positional.pop(0)
        device, dtype = sim.device_of(other), other.dtype
    elif positional and isinstance(positional[0], torch.dtype):
        dtype = positional.pop(0)
    elif positional and isinstance(positional[0], (torch.device, str, int)):
        device = positional.pop(0)
        if positional and isinstance(positional[0], torch.dtype):
            dtype = positional.pop(0)
    if len(positional) >= 2:
        copy = bool(positional[1])
    return (here if device is None else normalise(device)), dtype, copy


def probe_call(function, args: list, kwargs: dict, place_inputs: bool) -> tuple[Any, Any, list[str]]:
    """Run ``function`` under the simulation; with ``place_inputs`` its tensor arguments start on
    :data:`SECOND_DEVICE`. Returns (result, placement, the devices other than the CPU that computed):
    see :meth:`Simulation.export`."""
    with simulate() as sim:
        if place_inputs:
            for tensor in _tensors((args, kwargs), []):
                sim.place(tensor)
        result = function(*args, **kwargs)
        value, placement = sim.export(result)
        return value, placement, sorted(sim.used)
