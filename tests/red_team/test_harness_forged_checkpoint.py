"""Attack class: a forged checkpoint (issue 14, root cause 1).

state-dict's checkpoint is the one artefact a learner's code writes. It comes back to the trusted side as
bytes and is loaded there, so the file itself is the attack: a pickle that runs code when it is unpickled,
a zip bomb, the legacy format (which allocates what its header claims before reading), a file too large,
or a well-formed checkpoint with made-up values. Each must earn nothing the stub does not, and nothing in
it may run in the grading process.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import earned_beyond_the_baseline, grade_attacks, stub_with

SAVES = '''
import io as _io
import os as _os
import zipfile as _zipfile

import torch as _torch


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def save_checkpoint(model, optimizer, epoch, path):
    _write(path, _forged(model, optimizer, epoch))
'''

RUNS_CODE = SAVES + '''

class _Payload:
    """Unpickled with pickle (or weights_only=False), it makes a folder in the grader's file system."""

    def __reduce__(self):
        return (_os.mkdir, ({marker!r},))


def _forged(model, optimizer, epoch):
    buffer = _io.BytesIO()
    _torch.save({{"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                 "payload": _Payload()}}, buffer)
    return buffer.getvalue()
'''

ZIP_BOMB = SAVES + '''

def _forged(model, optimizer, epoch):
    buffer = _io.BytesIO()
    with _zipfile.ZipFile(buffer, "w", compression=_zipfile.ZIP_DEFLATED) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(64):                       # 64 MiB of zeros in well under a megabyte
                member.write(zeros)
        archive.writestr("archive/version", "3\\n")
    return buffer.getvalue()
'''

LEGACY_FORMAT = SAVES + '''

def _forged(model, optimizer, epoch):
    buffer = _io.BytesIO()
    _torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, buffer,
                _use_new_zipfile_serialization=False)
    return buffer.getvalue()
'''

TOO_LARGE = SAVES + '''

def _forged(model, optimizer, epoch):
    buffer = _io.BytesIO()
    _torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                 "padding": _torch.zeros(5 << 20)}, buffer)          # 20 MiB of float32
    return buffer.getvalue()


def _save_file(module, kind, seed, x, y, epoch, *rest):   # handed back: the child may not write such a file
    model = _harness._build(kind, seed)
    data = _forged(model, _harness.OPTIMIZERS["adam"](model.parameters()), epoch)
    return {"error": None, "file": _torch.frombuffer(bytearray(data), dtype=_torch.uint8).clone()}


_replace("save_file", _save_file)
'''

MADE_UP_VALUES = SAVES + '''

def _forged(model, optimizer, epoch):
    buffer = _io.BytesIO()
    state = {name: _torch.full_like(value, 0.5) for name, value in model.state_dict().items()}
    _torch.save({"model": state, "optimizer": optimizer.state_dict(), "epoch": epoch}, buffer)
    return buffer.getvalue()
'''

# The same files, handed back by a replaced harness instead of written by save_checkpoint.
HANDED_BACK = RUNS_CODE + '''

def _save_file(module, kind, seed, x, y, epoch, *rest):
    model = _harness._build(kind, seed)
    optimizer = _harness.OPTIMIZERS["adam"](model.parameters())
    data = _forged(model, optimizer, epoch)
    return {{"error": None, "file": _torch.frombuffer(bytearray(data), dtype=_torch.uint8).clone()}}


_replace("save_file", _save_file)
'''

ATTACKS = {
    "a pickle that runs code when unpickled": RUNS_CODE,
    "a zip bomb": ZIP_BOMB,
    "the legacy format": LEGACY_FORMAT,
    "a file larger than any checkpoint here": TOO_LARGE,
    "a well-formed checkpoint with made-up values": MADE_UP_VALUES,
    "a pickle that runs code, handed back by a replaced harness": HANDED_BACK,
}


def attack_sources(course, marker="/nonexistent/torchkata-marker") -> dict:
    return {name: ("state-dict", stub_with(course, "state-dict", attack.replace("{marker!r}", repr(marker))
                                           .replace("{{", "{").replace("}}", "}")))
            for name, attack in ATTACKS.items()}


@pytest.fixture(scope="module")
def marker(tmp_path_factory):
    return tmp_path_factory.mktemp("grader") / "the payload ran here"


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory, marker):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("checkpoints"),
                         attack_sources(course, str(marker)))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_forged_checkpoint_earns_nothing(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []


def test_the_payload_never_runs_in_the_grading_process(results, marker):
    assert not marker.exists()


def test_the_file_is_refused_for_what_it_is(results):
    messages = {name: " ".join(t.message for t in results[name].tests) for name in ATTACKS}
    assert "posix.mkdir" in messages["a pickle that runs code when unpickled"]
    assert "zip archive torch.save writes" in messages["a zip bomb"]
    assert "zip archive torch.save writes" in messages["the legacy format"]
    assert "more than a checkpoint here can need" in messages["a file larger than any checkpoint here"]
    assert 'checkpoint["model"]' in messages["a well-formed checkpoint with made-up values"]
