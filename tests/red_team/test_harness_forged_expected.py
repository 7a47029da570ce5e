"""Attack class: "expected" values forged in the learner's process (issue 14, root cause 1).

The state-dict harness used to compute, beside the learner's code, what the learner's results should be
(the saved model's output, the losses of the run that never stopped) and return them with the results;
the specs compared one with the other. A learner's module that wraps the harness so that every expected
value equals the learner's own result then passed whatever it did. Each attack takes a mutant (a known
mistake) and makes the harness agree with it; now expected values come only from the reference's own
process, so the attack earns nothing the mutant does not.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import earned_beyond_the_baseline, grade_attacks, mutant_with, stub_with

AGREE_WITH_ME = '''
_FACTS = {"state_matches": True, "model_matches": True, "optimizer_matches": True, "weights_only_loads": True,
          "optimizer_state_loaded": True, "state_matches_after": True, "loads": [True]}


def _agree(report):
    """Every expected_* entry made equal to the learner's own value, and every fact the harness judged made
    favourable, everywhere in the report."""
    if isinstance(report, dict):
        for key in list(report):
            if key.startswith("expected_") and key[len("expected_"):] in report:
                report[key] = report[key[len("expected_"):]]
            if key in _FACTS:
                report[key] = _FACTS[key]
        if "returned" in report and "training" in report:
            report["training"] = False
        for value in report.values():
            _agree(value)
    elif isinstance(report, (list, tuple)):
        for value in report:
            _agree(value)
    return report


def _agreeing(function):
    return lambda *args, **kwargs: _agree(function(*args, **kwargs))


if _harness is not None:
    for _name in [n for n in vars(_harness) if not n.startswith("_")]:
        if getattr(getattr(_harness, _name), "__module__", None) == "kata_harness" and callable(getattr(_harness, _name)):
            _replace(_name, _agreeing(getattr(_harness, _name)))
'''

# In a file that solves nothing, the wrapper also makes every function answer with its own inputs.
ECHO = '''
import torch as _torch


def _echo(module, *args, **kwargs):
    tensors = [a for a in args if isinstance(a, _torch.Tensor)]
    out = tensors[-1].clone() if tensors else None
    return {"error": None, "output": out, "expected_output": out, "losses": [0.0], "expected_losses": [0.0],
            "result": out, "expected": out}


if _harness is not None:
    for _name in [n for n in vars(_harness) if not n.startswith("_")]:
        if getattr(getattr(_harness, _name), "__module__", None) == "kata_harness" and callable(getattr(_harness, _name)):
            _replace(_name, _echo)
'''

ATTACKS = {
    # name: (slug, mutant or None for the stub, attack)
    "state-dict: resume forgets the optimizer; expected losses made the learner's": (
        "state-dict", "optimizer_state_forgotten", AGREE_WITH_ME),
    "state-dict: load_model leaves training mode on; expected output made the learner's": (
        "state-dict", "no_eval", AGREE_WITH_ME),
    "state-dict: weights never loaded; expected output made the learner's": (
        "state-dict", "state_dict_update", AGREE_WITH_ME),
    "state-dict: nothing solved; every report its own expectation": ("state-dict", None, ECHO),
    "training-loop: nothing solved; every report its own expectation": ("training-loop", None, ECHO),
    "polynomial-regression: nothing solved; every report its own expectation": ("polynomial-regression", None, ECHO),
}


def attack_sources(course) -> dict:
    return {name: (slug, stub_with(course, slug, attack)) if mutant is None else
            (slug, mutant_with(course, slug, mutant, attack), mutant)
            for name, (slug, mutant, attack) in ATTACKS.items()}


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("expected"), attack_sources(course))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_forged_expectation_earns_nothing(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
    assert not results[attack].solved
