"""Attack class: records the harness keeps in the learner's process, forged (issue 14, root cause 1).

Harnesses used to record what happened during a call (where each tensor was moved, which seeds the
generators were given, when optimizer.step() and scheduler.step() ran, how often a transform ran, which
dtype each layer produced) and the specs scored those records. The learner's module can replace the
recording machinery or rewrite what it recorded. Now a record only names a mistake once the values
(compared with the reference's) have shown one, the settings and placements only the learner's process
holds need the learner's source too, and each attack must earn nothing beyond its starting point: the
untouched stub, or the mutant (known mistake) it tries to hide.

Where a record is the only sign of a mistake whose values are right (evaluate computed under autograd,
a model left on the CPU by a simulated device that was switched off), a mistake with a forged record can
keep that test's points: docs/authoring.md ("What decides a point") says so; the source rule that
refuses routes to the harness closes it.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import earned_beyond_the_baseline, grade_attacks, mutant_with, stub_with

DEVICE_SIMULATION_OFF = '''
import torch as _torch


def _quiet(module, seed, x, device, *rest):            # no simulated device, and the record of a perfect run
    report = {"error": None, "moves": {"x": [str(device)], "y": [str(device)]}, "model_moves": [str(device)],
              "forward_inputs": ["device"], "forward_grad": [False], "params_device": "cpu", "result_place": "host",
              "requires_grad": False, "result": None, "type": "float", "value": 0.0}
    return report


_replace("predict", _quiet)
_replace("evaluate", _quiet)
'''

SEEDS_RECORDED = '''
import contextlib as _contextlib


@_contextlib.contextmanager
def _claimed(owner, name):
    yield [0, 1, 2, 3, 7, 2024, 42]                       # "set_seed passed every seed the grader uses"


_replace("_seeds_passed_to", _claimed)


def _default_rng_never(np):
    plain = np.random.default_rng
    return plain, [], plain


_replace("_default_rng_calls", _default_rng_never)
'''

EVENTS_REORDERED = '''
_plain_loop = getattr(_harness, "loop", None)


def _loop(module, name, lr0, kwargs, weight, bias, batches, epochs):
    report = _plain_loop(module, name, lr0, kwargs, weight, bias, batches, epochs)
    steps = [e for e in report["events"] if e[0] == "optimizer.step"]
    per_epoch = len(steps) // max(epochs, 1)
    events = []
    for epoch in range(epochs):                       # the order the prompt asks for, whatever really ran
        events += steps[epoch * per_epoch:(epoch + 1) * per_epoch] + [["scheduler.step"]]
    report["events"] = events
    return report


_replace("loop", _loop)
'''

STEPS_REWRITTEN = '''
_plain_train = getattr(_harness, "train", None)


def _train(module, weight, bias, micro_batches, k, opt_kwargs, stale_grad=None):
    report = _plain_train(module, weight, bias, micro_batches, k, opt_kwargs, stale_grad)
    n = len(micro_batches)
    wanted = [min(n, k * (i + 1)) for i in range(-(-n // k))]
    report["steps"] = [dict(step, after=after) for step, after in zip(report["steps"], wanted)]
    report["loss_calls"] = n
    return report


_replace("train", _train)
'''

AUTOCAST_CLAIMED = '''
class _Watch:
    def __init__(self, model):
        self.model = model

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def facts(self):
        return {"layers": [{"layer": "Linear", "dtype": "bfloat16", "autocast_cpu": True, "autocast_cuda": False}] * 3,
                "forwards": 1, "cuda_autocast_disabled": False, "param_dtypes": ["float32"]}


_replace("_Watch", _Watch)
'''

TRANSFORM_COUNT_HIDDEN = '''
class _NeverCounted:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, x):
        return self.function(x)


_replace("_Counted", _NeverCounted)
'''

ATTACKS = {
    # name: (slug, mutant or None for the stub, attack)
    "device-placement: nothing solved, a perfect record of moves": ("device-placement", None, DEVICE_SIMULATION_OFF),
    "set-seed: nothing solved, every seed recorded": ("set-seed", None, SEEDS_RECORDED),
    "set-seed: np.random.default_rng instead of np.random.seed, the call unrecorded": (
        "set-seed", "numpy_default_rng", SEEDS_RECORDED),
    "lr-schedulers: the scheduler stepped first, the record put in order": (
        "lr-schedulers", "scheduler_before_optimizer", EVENTS_REORDERED),
    "grad-accumulation: a step after every micro-batch, the record rewritten": (
        "grad-accumulation", "step_every_micro_batch", STEPS_REWRITTEN),
    "mixed-precision: nothing solved, the layer record claims bfloat16 under autocast": (
        "mixed-precision", None, AUTOCAST_CLAIMED),
    # no autocast shows in the values too: train_step's first loss, from the untrained weights, is held to
    # float32's tolerance of the reference's (a float32 forward differs by bfloat16's rounding)
    "mixed-precision: no autocast, the layer record claims bfloat16 under autocast": (
        "mixed-precision", "no_autocast", AUTOCAST_CLAIMED),
    "dataset-dataloader: the transform run in __init__, its call count hidden": (
        "dataset-dataloader", "transform_at_construction", TRANSFORM_COUNT_HIDDEN),
}


SIMULATED_DEVICE_SWITCHED_OFF = '''
if _harness is not None and hasattr(_harness, "_Net"):
    def _forward(self, x):                            # the model takes what it is given, wherever it is
        out = self.layers(_harness._plain(x) if isinstance(x, _harness._Placed) else x)
        return _harness._plain(out).as_subclass(_harness._OnDevice)

    _harness._Net.forward = _forward
'''

# Known gaps, each an expected failure: a mistake whose values are right is seen only by what the learner's
# process records, so a mistake together with a forged record keeps that test's points. Refusing, in the
# source, every route to the harness and every change of a library's attributes (the forbidden-API rule's
# route analysis, run for every kata with a harness) closes them: these then pass, and strict xfail says so.
RESIDUAL = {
    "device-placement: x left on the CPU, the simulated device switched off": (
        "device-placement", "only_model_moved", SIMULATED_DEVICE_SWITCHED_OFF),
}


def attack_sources(course) -> dict:
    return {name: (slug, stub_with(course, slug, attack)) if mutant is None else
            (slug, mutant_with(course, slug, mutant, attack), mutant)
            for name, (slug, mutant, attack) in {**ATTACKS, **RESIDUAL}.items()}


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("records"), attack_sources(course))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_forged_record_earns_nothing(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
    assert not results[attack].solved


@pytest.mark.xfail(strict=True, reason="a record is the only sign of this mistake: closed by refusing routes to the "
                                       "harness in the source (see the module docstring)")
@pytest.mark.parametrize("attack", list(RESIDUAL))
def test_a_mistake_with_a_forged_record_keeps_only_what_its_values_earn(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
