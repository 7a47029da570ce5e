"""The protocol that crosses the trust boundary.

Messages are length-prefixed JSON frames on a Unix socket. Only plain data may
cross: exact ``torch.Tensor`` objects (never subclasses), ``None``, ``bool``,
``int``, ``float``, ``str``, and lists, tuples and dicts of these, plus
``torch.dtype`` and ``torch.device`` values for arguments. Decoding builds new
objects from bytes; nothing is ever unpickled, so a hostile worker can at worst
send wrong numbers, never code.

This module is imported on both sides of the boundary, so it stays light: torch
is imported lazily, only when a tensor is actually encoded or decoded.
"""
from __future__ import annotations

import base64
import json
import socket
import struct
import time
from typing import Any

MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
# JSON grows ~25x when parsed into many small objects (64 MB of {"a":1} is 1.6 GB of dicts): a frame's
# numbers of lists/objects and of entries are capped too, counted on the bytes before parsing.
MAX_CONTAINERS = 100_000
MAX_ENTRIES = 2_000_000
_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """The other side sent something that is not a valid message."""


class NotPlainData(TypeError):
    """A value that may not cross the boundary (the message names it)."""


# --- framing ---------------------------------------------------------------

def send_message(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    payload = json.dumps(message, separators=(",", ":")).encode("utf-8")
    if len(payload) > MAX_FRAME_BYTES:
        raise NotPlainData(f"message of {len(payload)} bytes exceeds the {MAX_FRAME_BYTES}-byte limit")
    problem = _too_many_values(payload)
    if problem:
        raise NotPlainData(f"{problem}: return a tensor instead of long lists")
    frame = _HEADER.pack(len(payload)) + payload
    if fds:
        socket.send_fds(sock, [frame[:_HEADER.size]], fds)
        sock.sendall(frame[_HEADER.size:])
    else:
        sock.sendall(frame)


def recv_message(sock: socket.socket, with_fds: bool = False, deadline: float | None = None) -> Any:
    """Read one frame. Returns the decoded JSON object (and fds when asked).

    ``deadline`` (time.monotonic()) bounds the whole frame, not each read: a peer sending a byte
    at a time cannot keep the reader waiting past it (socket.timeout is raised).
    Raises EOFError when the peer closed the socket before a whole frame arrived.
    """
    fds: list[int] = []
    if with_fds:
        _wait_until(sock, deadline)
        head, fds, _flags, _addr = socket.recv_fds(sock, _HEADER.size, 4)
        if not head:
            raise EOFError("peer closed the connection")
        head += _recv_exact(sock, _HEADER.size - len(head), deadline)
    else:
        head = _recv_exact(sock, _HEADER.size, deadline)
    (length,) = _HEADER.unpack(head)
    if length > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {length} bytes exceeds the limit")
    payload = _recv_exact(sock, length, deadline)
    problem = _too_many_values(payload)
    if problem:
        raise ProtocolError(problem)
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"frame is not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("frame is nested too deeply") from None
    if not isinstance(message, dict):
        raise ProtocolError("frame is not a JSON object")
    return (message, fds) if with_fds else message


def _recv_exact(sock: socket.socket, n: int, deadline: float | None = None) -> bytes:
    chunks = []
    while n:
        _wait_until(sock, deadline)
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("peer closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _too_many_values(payload: bytes) -> str:
    """Why a frame would parse into too many objects ("" when it would not). Brackets, commas and colons
    inside strings count too: an over-estimate, never an under-estimate."""
    containers = payload.count(b"[") + payload.count(b"{")
    if containers > MAX_CONTAINERS:
        return f"a message holding more than {MAX_CONTAINERS:,} lists and dicts"
    if containers + payload.count(b",") + payload.count(b":") > MAX_ENTRIES:
        return f"a message holding more than {MAX_ENTRIES:,} values"
    return ""


def _wait_until(sock: socket.socket, deadline: float | None) -> None:
    """The next read may wait only for what is left until ``deadline`` (no change without one)."""
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("deadline reached while reading a frame")
        sock.settimeout(remaining)


# --- values ----------------------------------------------------------------

def encode(value: Any, _depth: int = 0) -> Any:
    """Turn a plain value into JSON-ready data; reject anything else."""
    if _depth > MAX_DEPTH:
        raise NotPlainData("value is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(v, _depth + 1) for v in value]
    if kind is tuple or _is_torch_size(value):
        return {"$tuple": [encode(v, _depth + 1) for v in value]}
    if kind is dict:
        items = []
        for key, v in value.items():
            if type(key) not in (str, int):
                raise NotPlainData(f"dict key {key!r} is a {type(key).__name__}; only str and int keys can be returned")
            items.append([key, encode(v, _depth + 1)])
        return {"$dict": items}
    torch = _torch_if_loaded()
    if torch is not None:
        if kind is torch.Tensor:
            return {"$tensor": _encode_tensor(value)}
        if kind is torch.dtype:
            return {"$dtype": str(value).removeprefix("torch.")}
        if kind is torch.device:
            return {"$device": str(value)}
        if isinstance(value, torch.Tensor):
            raise NotPlainData(
                f"a {kind.__module__}.{kind.__qualname__} (a torch.Tensor subclass) cannot be returned; return a plain torch.Tensor")
    raise NotPlainData(f"a value of type {kind.__module__}.{kind.__qualname__} cannot be returned; "
                       "return tensors, numbers, strings, or lists/tuples/dicts of them")


def decode(data: Any, _depth: int = 0) -> Any:
    """Rebuild a value from data made by :func:`encode`, checking every field."""
    if _depth > MAX_DEPTH:
        raise ProtocolError("value is nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v, _depth + 1) for v in data]
    if type(data) is dict and len(data) == 1:
        (tag, body), = data.items()
        if tag == "$tuple" and type(body) is list:
            return tuple(decode(v, _depth + 1) for v in body)
        if tag == "$dict" and type(body) is list:
            out = {}
            for item in body:
                if type(item) is not list or len(item) != 2 or type(item[0]) not in (str, int):
                    raise ProtocolError("malformed dict item")
                out[item[0]] = decode(item[1], _depth + 1)
            return out
        if tag == "$tensor" and type(body) is dict:
            return _decode_tensor(body)
        if tag == "$dtype" and type(body) is str:
            return _dtype(body)
        if tag == "$device" and type(body) is str:
            import torch
            return torch.device(body)
    raise ProtocolError(f"unexpected value in message: {str(data)[:80]}")


def _torch_if_loaded():
    import sys
    return sys.modules.get("torch")


def _is_torch_size(value: Any) -> bool:
    torch = _torch_if_loaded()
    return torch is not None and type(value) is torch.Size


def _encode_tensor(t) -> dict:
    flat = t.detach().to("cpu").contiguous().reshape(-1)
    raw = flat.view(__import__("torch").uint8).numpy().tobytes() if flat.numel() else b""
    return {
        "dtype": str(t.dtype).removeprefix("torch."),
        "shape": list(t.shape),
        "device": str(t.device),
        "requires_grad": bool(t.requires_grad),
        "data": base64.b64encode(raw).decode("ascii"),
    }


def _dtype(name: str):
    import torch
    dtype = getattr(torch, name, None)
    if type(dtype) is not torch.dtype:
        raise ProtocolError(f"unknown dtype {name!r}")
    return dtype


def _decode_tensor(body: dict):
    import torch
    try:
        dtype = _dtype(body["dtype"])
        shape = [int(s) for s in body["shape"]]
        raw = base64.b64decode(body["data"], validate=True)
        device, requires_grad = str(body["device"]), bool(body["requires_grad"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"malformed tensor: {exc}") from None
    numel = 1
    for s in shape:
        if s < 0:
            raise ProtocolError("negative dimension in tensor shape")
        numel *= s
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(raw) != numel * itemsize:
        raise ProtocolError(f"tensor data has {len(raw)} bytes, expected {numel * itemsize}")
    if numel == 0:
        tensor = torch.empty(shape, dtype=dtype)
    else:
        tensor = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype).reshape(shape).clone()
    if device != "cpu":
        tensor = _to_device(tensor, device)
    if requires_grad and (tensor.is_floating_point() or tensor.is_complex()):
        tensor.requires_grad_(True)
    return tensor


def _to_device(tensor, device: str):
    """Put the tensor back where the worker had it, when this process can."""
    import torch
    try:
        target = torch.device(device)
    except RuntimeError:
        raise ProtocolError(f"unknown device {device!r}") from None
    if target.type == "cuda" and torch.cuda.is_available():
        return tensor.to(target)
    if target.type == "meta":
        return tensor.to("meta")
    return tensor
