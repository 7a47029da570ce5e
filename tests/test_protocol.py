import math
import socket
import threading

import pytest
import torch

from torchkata import protocol


def roundtrip(value):
    return protocol.decode(protocol.encode(value))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                   torch.int64, torch.int8, torch.bool, torch.complex64])
def test_tensors_roundtrip_exactly(dtype):
    t = (torch.arange(12).reshape(3, 4) - 5).to(dtype)
    back = roundtrip(t)
    assert type(back) is torch.Tensor
    assert back.dtype == dtype and back.shape == t.shape
    assert torch.equal(back, t)


def test_non_contiguous_empty_and_scalar_tensors():
    t = torch.arange(12.0).reshape(3, 4).T
    assert torch.equal(roundtrip(t), t)
    assert roundtrip(torch.empty(0, 3)).shape == (0, 3)
    assert roundtrip(torch.tensor(2.5)).item() == 2.5


def test_requires_grad_flag_survives_and_values_are_detached_copies():
    t = torch.ones(2, requires_grad=True)
    back = roundtrip(t)
    assert back.requires_grad and back.is_leaf


def test_nested_plain_data():
    value = {"a": [1, 2.5, None, True, "x"], 3: (torch.zeros(2), {"b": torch.int64}), "dev": torch.device("cpu")}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, None, True, "x"]
    assert isinstance(back[3], tuple) and torch.equal(back[3][0], torch.zeros(2))
    assert back[3][1]["b"] is torch.int64 and back["dev"] == torch.device("cpu")


def test_nan_and_inf_floats_survive():
    back = roundtrip([float("nan"), float("inf")])
    assert math.isnan(back[0]) and back[1] == float("inf")


def test_tensor_subclasses_are_refused():
    class Sneaky(torch.Tensor):
        pass
    with pytest.raises(protocol.NotPlainData, match="subclass"):
        protocol.encode(torch.zeros(2).as_subclass(Sneaky))


@pytest.mark.parametrize("value", [object(), lambda: 1, {1.5: "float key"}, torch.nn.Linear(1, 1), b"bytes"])
def test_arbitrary_objects_are_refused(value):
    with pytest.raises(protocol.NotPlainData):
        protocol.encode(value)


def test_subclasses_of_plain_types_are_refused():
    class Number(int):
        def __eq__(self, other):
            return True
    with pytest.raises(protocol.NotPlainData):
        protocol.encode(Number(3))


@pytest.mark.parametrize("data", [
    {"$tensor": {"dtype": "float32", "shape": [2], "device": "cpu", "requires_grad": False, "data": "AAAA"}},
    {"$tensor": {"dtype": "os.system", "shape": [1], "device": "cpu", "requires_grad": False, "data": ""}},
    {"$tensor": {"dtype": "float32", "shape": [-1], "device": "cpu", "requires_grad": False, "data": ""}},
    {"$pickle": "gASV"},
    {"$dict": [[1.5, 2]]},
    {"$tuple": 3},
])
def test_malformed_data_is_a_protocol_error(data):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(data)


def test_nesting_depth_is_bounded():
    deep = []
    for _ in range(protocol.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(protocol.NotPlainData):
        protocol.encode(deep)


def test_framing_over_a_socket_with_fds():
    a, b = socket.socketpair()
    extra_a, extra_b = socket.socketpair()
    protocol.send_message(a, {"hello": protocol.encode(torch.arange(3))}, fds=[extra_b.fileno()])
    message, fds = protocol.recv_message(b, with_fds=True)
    assert torch.equal(protocol.decode(message["hello"]), torch.arange(3))
    assert len(fds) == 1
    a.close()
    with pytest.raises(EOFError):
        protocol.recv_message(b)


def test_oversized_frame_header_is_rejected():
    a, b = socket.socketpair()
    a.sendall((protocol.MAX_FRAME_BYTES + 1).to_bytes(4, "big"))
    with pytest.raises(protocol.ProtocolError):
        protocol.recv_message(b)


def test_non_object_frames_are_rejected():
    a, b = socket.socketpair()
    a.sendall((2).to_bytes(4, "big") + b"[]")
    with pytest.raises(protocol.ProtocolError):
        protocol.recv_message(b)


def test_a_deadline_bounds_the_whole_frame_not_each_read():
    import time
    ours, theirs = socket.socketpair()
    stop = threading.Event()

    def trickle():            # a header announcing 100 bytes, then a byte every 50 ms
        theirs.sendall((100).to_bytes(4, "big"))
        while not stop.wait(0.05):
            theirs.sendall(b" ")
    sender = threading.Thread(target=trickle)
    sender.start()
    try:
        with pytest.raises(socket.timeout):
            protocol.recv_message(ours, deadline=time.monotonic() + 0.5)
    finally:
        stop.set()
        sender.join()
        ours.close()
        theirs.close()


@pytest.mark.parametrize("body", [b"[" + b",".join([b"{}"] * 100_001) + b"]",
                                  b"[" + b",".join([b"0"] * 2_000_001) + b"]"])
def test_a_frame_that_would_parse_into_too_many_objects_is_refused_before_parsing(body):
    ours, theirs = socket.socketpair()
    try:
        payload = b'{"result":' + body + b"}"
        sender = threading.Thread(target=theirs.sendall, args=(len(payload).to_bytes(4, "big") + payload,))
        sender.start()
        with pytest.raises(protocol.ProtocolError, match="more than"):
            protocol.recv_message(ours)
        sender.join()
        with pytest.raises(protocol.NotPlainData, match="return a tensor"):     # and the worker says so first
            protocol.send_message(theirs, {"result": [{}] * 100_001})
    finally:
        ours.close()
        theirs.close()


def test_a_large_tensor_still_crosses():
    ours, theirs = socket.socketpair()
    try:
        value = torch.randn(1000, 1000)             # 4 MB: sent from a thread, more than a socket buffer holds
        sender = threading.Thread(target=protocol.send_message, args=(theirs, {"result": protocol.encode(value)}))
        sender.start()
        back = protocol.decode(protocol.recv_message(ours)["result"])
        sender.join()
        assert torch.equal(back, value)
    finally:
        ours.close()
        theirs.close()
