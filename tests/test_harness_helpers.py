"""The spec helpers that decide on the trusted side: files loaded there, the learner's source read there."""
from __future__ import annotations

import argparse
import io
import os
import types
import zipfile

import pytest
import torch
from torch import nn

from torchkata.spec import (MAX_SAVED_BYTES, SpecFailure, first_difference, load_saved, pickled_names, refused_names,
                            saved_bytes, source_mentions)


def _saved(obj, **kwargs) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kwargs)
    return buffer.getvalue()


def _as_harness_returns(data: bytes) -> torch.Tensor:
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).clone()


def _refusal(data) -> str:
    with pytest.raises(SpecFailure) as caught:
        load_saved(data)
    return caught.value.render("en")


# --- files ------------------------------------------------------------------------------------

def test_a_state_dict_comes_back_exactly():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}
    loaded = load_saved(_as_harness_returns(_saved(checkpoint)))
    assert first_difference(loaded, checkpoint) is None
    assert saved_bytes(_as_harness_returns(b"abc")) == b"abc"


def test_a_whole_model_is_refused_and_named():
    data = _saved({"model": nn.Sequential(nn.Linear(2, 2))})
    assert "torch.nn.modules.container.Sequential" in refused_names(data)
    assert "collections.OrderedDict" not in refused_names(data)
    assert "torch.nn.modules.linear.Linear" in _refusal(data)


def test_pickled_names_reads_every_protocol_without_unpickling():
    data = _saved({"args": argparse.Namespace(lr=1)}, pickle_protocol=4)       # STACK_GLOBAL, memoised strings
    assert "argparse.Namespace" in pickled_names(data)
    assert refused_names(data) == ["argparse.Namespace"]


class _Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def test_a_payload_never_runs(tmp_path):
    marker = tmp_path / "ran"
    message = _refusal(_saved({"x": _Payload(str(marker))}))
    assert "posix.mkdir" in message and not marker.exists()


def test_what_torch_save_does_not_write_is_refused_unopened():
    compressed = io.BytesIO()
    with zipfile.ZipFile(compressed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", bytes(1 << 20))
    legacy = _saved({"a": torch.ones(2)}, _use_new_zipfile_serialization=False)
    for data in (compressed.getvalue(), legacy, b"", b"not a checkpoint"):
        assert "zip archive torch.save writes" in _refusal(data)
    assert "more than a checkpoint here can need" in _refusal(b"\0" * (MAX_SAVED_BYTES + 1))


def test_only_file_bytes_are_taken():
    for value in ("path.pt", torch.zeros(3), torch.zeros(2, 2, dtype=torch.uint8)):
        with pytest.raises(SpecFailure):
            saved_bytes(value)


# --- comparing exactly --------------------------------------------------------------------------

def test_first_difference_names_the_path():
    a = {"model": {"w": torch.ones(2), "b": torch.zeros(1)}, "epoch": 3, "groups": [{"lr": 0.1}]}
    assert first_difference(a, a) is None
    assert first_difference({**a, "epoch": 4}, a) == "['epoch']"
    changed = {**a, "model": {"w": torch.ones(2), "b": torch.ones(1)}}
    assert first_difference(changed, a) == "['model']['b']"
    assert first_difference({**a, "groups": [{"lr": 0.2}]}, a) == "['groups'][0]['lr']"
    assert first_difference(torch.ones(2, dtype=torch.float64), torch.ones(2)) is not None
    assert first_difference(torch.tensor([float("nan"), 1.0]), torch.tensor([float("nan"), 1.0])) is None
    assert first_difference([1, 2], [1, 2, 3]) is not None
    assert first_difference("1", 1) is not None


# --- the learner's source -----------------------------------------------------------------------

def _sub(source: str):
    return types.SimpleNamespace(_run=types.SimpleNamespace(submission=types.SimpleNamespace(text=source)))


SOURCE = '''
import os
import torch

FLAGS = {"weights_only": True}
UNRELATED = "CUBLAS_WORKSPACE_CONFIG"


def _read(path):
    return torch.load(path, **FLAGS)


def load_model(path, model: "torch.device"):
    """Uses torch.cuda.is_available() in a docstring only."""
    # a comment with benchmark in it
    model.load_state_dict(_read(path))
    return model


predict = lambda model, x, device: model.to(device)(x)


def set_seed(seed):
    helper = Seeder()
    helper.apply(seed)


class Seeder:
    def apply(self, seed):
        torch.manual_seed(seed)
'''


def test_source_mentions_follows_what_a_function_uses():
    sub = _sub(SOURCE)
    assert source_mentions(sub, {"weights_only"}, within="load_model") == {"weights_only"}
    assert source_mentions(sub, {"CUBLAS_WORKSPACE_CONFIG"}, within="load_model") == set()
    assert source_mentions(sub, {"CUBLAS_WORKSPACE_CONFIG"}) == {"CUBLAS_WORKSPACE_CONFIG"}
    assert source_mentions(sub, {"device"}, within="predict") == {"device"}
    assert source_mentions(sub, {"manual_seed"}, within="set_seed") == {"manual_seed"}


def test_source_mentions_never_counts_comments_docstrings_or_annotations():
    sub = _sub(SOURCE)
    assert source_mentions(sub, {"is_available", "benchmark"}) == set()
    assert source_mentions(sub, {"device"}, within="load_model") == set()


def test_source_mentions_of_a_missing_function_or_a_broken_file_is_nothing():
    assert source_mentions(_sub(SOURCE), {"torch"}, within="no_such_function") == set()
    assert source_mentions(_sub("def broken(:\n"), {"broken"}) == set()
    with pytest.raises(TypeError):
        source_mentions(object(), {"x"})
