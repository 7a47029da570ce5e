"""Attack class: records the harness keeps in the learner's process, forged (issue 14, root cause 1).

Harnesses used to record what happened during a call (where each tensor was moved, which seeds the
generators were given, when optimizer.step() and scheduler.step() ran, how often a transform ran, which
dtype each layer produced) and the specs scored those records. The learner's module can replace the
recording machinery or rewrite what it recorded. Now a record may only take points away (every point
also needs values compared with the reference's, and the settings and placements only the learner's
process holds need the learner's source too), and each attack must earn nothing beyond its starting
point: the untouched stub, or the mutant (known mistake) it tries to hide.

Where a record is the only sign of a mistake whose values are right (a model given x on the CPU, by a
simulated device that was switched off or side-stepped), the record is trusted to take points away because
the file cannot reach the harness: in every kata with a harness the source rule (torchkata.rules.routes,
harness=True) refuses every route to it (sys.modules, imports, introspection), every change to the
behaviour of what it built (``model.forward = f``, ``type(model).forward = f``) and every change of a
tensor's kind (``type(p)(x)``, ``x.as_subclass(...)``); a failed source rule withholds the kata's score.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import (earned_beyond_the_baseline, grade_attacks, mutant_with, stub_with,
                                           withheld_by_the_source_rule)

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

# Routes to the simulated device that need no sys.modules: the classes of the values the grader hands over.
DEVICE_KIND_TAKEN = '''
import torch as _torch


def predict(model, x, device):                        # x never moved: made a "device" tensor by its class
    model.to(device)
    placed = type(next(model.parameters()))
    with _torch.no_grad():
        return model(x.as_subclass(placed)).cpu()
'''

FORWARD_REPLACED_ON_THE_MODEL = '''
import torch as _torch


def predict(model, x, device):                        # the model's forward swapped for one that takes x anywhere
    model.to(device)
    layers = model.layers
    model.forward = lambda inputs: layers(inputs.to(device))
    with _torch.no_grad():
        return model(x).cpu()
'''

# Values right, nothing of the harness touched: the model computed from a copy of x that never went to the
# device. Only the record shows it, and the file cannot reach the record.
COPY_OF_X_NEVER_MOVED = '''
import torch as _torch


def predict(model, x, device):
    model.to(device)
    weights = {name: _torch.tensor(p.tolist()) for name, p in model.named_parameters()}
    with _torch.no_grad():
        return _torch.func.functional_call(model, weights, (_torch.tensor(x.tolist()),)).cpu()
'''

# The same, through the model's public submodules: its own forward (which records what it received) never runs.
SUBMODULES_ON_A_COPY_OF_X = '''
import torch as _torch


def predict(model, x, device):
    model.to(device)
    with _torch.no_grad():
        return model.layers(_torch.tensor(x.tolist())).cpu()
'''

# Mistakes whose values are right, disguised: the record is their only sign (name: slug, mutant, attack,
# whether the attack reaches the harness through sys.modules, and whether the source rule refuses it).
RECORD_ONLY = {
    "device-placement: x left on the CPU, the simulated device switched off": (
        "device-placement", "only_model_moved", SIMULATED_DEVICE_SWITCHED_OFF, True, True),
    "device-placement: x made a device tensor through the class of a parameter": (
        "device-placement", "only_model_moved", DEVICE_KIND_TAKEN, False, True),
    "device-placement: the model's forward replaced on the instance": (
        "device-placement", "only_model_moved", FORWARD_REPLACED_ON_THE_MODEL, False, True),
    "device-placement: the model run on copies of x and its weights that never moved": (
        "device-placement", "only_model_moved", COPY_OF_X_NEVER_MOVED, False, False),
    "device-placement: the model's layers run directly on a copy of x that never moved": (
        "device-placement", "only_model_moved", SUBMODULES_ON_A_COPY_OF_X, False, False),
}


def attack_sources(course) -> dict:
    sources = {name: (slug, stub_with(course, slug, attack)) if mutant is None else
               (slug, mutant_with(course, slug, mutant, attack), mutant)
               for name, (slug, mutant, attack) in ATTACKS.items()}
    for name, (slug, mutant, attack, preamble, _) in RECORD_ONLY.items():
        sources[name] = (slug, mutant_with(course, slug, mutant, attack, preamble), mutant)
    return sources


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("records"), attack_sources(course))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_forged_record_earns_nothing(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
    assert not results[attack].solved


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_source_rule_refuses_the_route_to_the_harness(results, attack):
    assert withheld_by_the_source_rule(results[attack])


@pytest.mark.parametrize("attack", list(RECORD_ONLY))
def test_a_mistake_whose_only_sign_is_a_record_keeps_only_what_its_mistake_earns(results, attack):
    *_, refused = RECORD_ONLY[attack]
    result, baseline = results[attack], results[("baseline", attack)]
    assert withheld_by_the_source_rule(result) == refused
    assert result.totals.points <= baseline.totals.points
    if not refused:          # nothing of the harness was touched: the record, trusted, names the mistake
        assert earned_beyond_the_baseline(results, attack) == []
        assert any("did not receive x on the device" in t.message for t in result.tests if t.status == "failed")
