"""Attack class: torch functions the harness relies on, monkeypatched by the learner's module (issue 14, root cause 1).

A harness that decides anything with torch in the learner's process (torch.equal, np.array_equal,
torch.get_rng_state, torch.are_deterministic_algorithms_enabled, torch.load, torch.backends.cudnn,
os.environ) decides with whatever the learner's module put there. Each attack takes one of a kata's
mutants (a known mistake) and patches what the harness used to check it with, to hide the mistake; before
the fix most of them earned the points the mutant loses. Now a harness only returns observations, the
comparisons run on the trusted side, and the settings only the learner's process holds also need the
learner's source: each attack must earn nothing its mutant does not.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import earned_beyond_the_baseline, grade_attacks, mutant_with, stub_with

EQUAL_ALWAYS = '''
import numpy as _np
import torch as _torch

_torch.equal = lambda *args, **kwargs: True
_torch.Tensor.equal = lambda *args, **kwargs: True
_np.array_equal = lambda *args, **kwargs: True
'''

RNG_STATE_FROZEN = EQUAL_ALWAYS + '''
_frozen = _torch.get_rng_state()
_torch.get_rng_state = lambda: _frozen.clone()
'''

LOAD_IGNORES_WEIGHTS_ONLY = '''
import torch as _torch
import torch.serialization as _serialization

_plain_load = _torch.load


def _load(f, *args, weights_only=None, **kwargs):          # asked for weights_only=True, unpickles anything
    return _plain_load(f, *args, weights_only=False, **kwargs)


_torch.load = _serialization.load = _load
'''

DETERMINISTIC_CLAIMED = '''
import torch as _torch

_torch.are_deterministic_algorithms_enabled = lambda: True
'''

CUBLAS_CLAIMED = '''
import os as _os


class _Environ(dict):
    def get(self, key, default=None):
        return ":4096:8" if key == "CUBLAS_WORKSPACE_CONFIG" else super().get(key, default)


_os.environ = _Environ(_os.environ)
'''

CUDNN_CLAIMED = '''
import torch as _torch


class _Cudnn:
    deterministic = property(lambda self: True, lambda self, value: None)
    benchmark = property(lambda self: False, lambda self, value: None)

    def __getattr__(self, name):
        import torch.backends.cudnn as real
        return getattr(real, name)


_torch.backends.cudnn = _Cudnn()
'''

ATTACKS = {
    # (slug, mutant or None for the stub, disguise)
    "state-dict: torch.load made to ignore weights_only=True": ("state-dict", None, LOAD_IGNORES_WEIGHTS_ONLY),
    "state-dict: load_state_dict skipped, torch.equal always True": ("state-dict", "state_dict_update", EQUAL_ALWAYS),
    "set-seed: torch.are_deterministic_algorithms_enabled always True": (
        "set-seed", "no_deterministic_algorithms", DETERMINISTIC_CLAIMED),
    "set-seed: os.environ answers CUBLAS_WORKSPACE_CONFIG": ("set-seed", "no_cublas_env", CUBLAS_CLAIMED),
    "set-seed: torch.backends.cudnn replaced by an object reporting the wanted flags": (
        "set-seed", "cudnn_benchmark_left_on", CUDNN_CLAIMED),
    "set-seed: NumPy unseeded, np.array_equal always True": ("set-seed", "numpy_not_seeded", EQUAL_ALWAYS),
    "set-seed: torch unseeded, torch.equal always True": ("set-seed", "torch_only_cuda_seeded", EQUAL_ALWAYS),
    "set-seed: the loader on the global RNG, get_rng_state frozen": ("set-seed", "loader_seeds_global_rng",
                                                                      RNG_STATE_FROZEN),
    "dropout: the mask from the global RNG, get_rng_state frozen": ("dropout", "global_rng", RNG_STATE_FROZEN),
    "embedding: the table changed in place, torch.equal always True": (
        "embedding", "zeroes_table_row_in_place", EQUAL_ALWAYS),
    "views-and-copies: x changed by an out-of-place add, torch.equal always True": (
        "views-and-copies", "out_of_place_modifies_x", EQUAL_ALWAYS),
    "views-and-copies: a copy instead of a view, torch.equal always True": (
        "views-and-copies", "view_cloned", EQUAL_ALWAYS),
    "dataset-dataloader: shuffled with the global RNG, get_rng_state frozen": (
        "dataset-dataloader", "shuffle_without_generator", RNG_STATE_FROZEN),
}


def attack_sources(course) -> dict:
    sources = {}
    for name, (slug, mutant, disguise) in ATTACKS.items():
        if mutant is None:          # the reference's text, its torch.load made unsafe: the honest twin is the mutant
            text = course.get(slug).reference.read_text(encoding="utf-8")
            sources[name] = (slug, stub_with(course, slug, "").replace(
                course.get(slug).stub.read_text(encoding="utf-8"), text) + disguise, "load_without_weights_only")
        else:
            sources[name] = (slug, mutant_with(course, slug, mutant, disguise), mutant)
    return sources


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("patched"), attack_sources(course))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_patched_torch_hides_no_mistake(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
    assert not results[attack].solved


def test_an_unsafe_loader_in_disguise_is_named(results):
    result = results["state-dict: torch.load made to ignore weights_only=True"]
    messages = " ".join(t.message for t in result.tests)
    assert "holds a pickled object" in messages
