"""Attack class: the harness's functions replaced through sys.modules (issue 14, root cause 1).

The learner's module runs in the same process as the kata's harness, which is loaded first as
``kata_harness``: an untouched stub can replace every harness function with one that returns the report
a correct solution would give, built from what the harness itself can compute (it builds the models,
holds the data, and used to hold the answer: torch.optim's trajectory, the torch schedulers' rates).
Before the fix this earned full marks in state-dict, device-placement and set-seed, and points in a dozen
other katas. Each attack must now earn nothing the stub does not: expected values come from the
reference's own process, files are loaded on the trusted side, and what only the learner's process could
show needs the learner's source (read on the trusted side) or the reference's outputs too.
"""
from __future__ import annotations

import pytest

from tests.red_team.harness_support import earned_beyond_the_baseline, grade_attacks, stub_with

STATE_DICT = '''
import io as _io
import torch as _torch


def _file(obj):
    buffer = _io.BytesIO()
    _torch.save(obj, buffer)
    return _torch.frombuffer(bytearray(buffer.getvalue()), dtype=_torch.uint8).clone()


def _output(kind, seed, x=None):
    model = _harness._build(kind, seed)
    model.eval()
    with _torch.no_grad():
        return model(_torch.zeros(16, 4) if x is None else x)


def _state(kind, seed):
    return dict(_harness._build(kind, seed).state_dict())


def _saved(kind, seed, epoch):      # what the prompt's checkpoint looks like, for an untrained model
    model = _harness._build(kind, seed)
    return {"model": model.state_dict(), "optimizer": {"state": {}, "param_groups": []}, "epoch": epoch}


_replace("inspect_save", lambda _m, kind, seed, epoch, name="c.pt": {
    "error": None, "exists": True, "weights_only_loads": True, "keys": ["epoch", "model", "optimizer"],
    "kinds": {"epoch": "int", "model": "dict", "optimizer": "dict"}, "model_matches": True,
    "optimizer_matches": True, "epoch": epoch})
_replace("save_file", lambda _m, kind, seed, x, y, epoch, *rest: {"error": None, "file": _file(_saved(kind, seed, epoch))})


def _loaded(_m, kind, seed, *rest):
    x = next((a for a in rest if isinstance(a, _torch.Tensor) and a.dim() == 2), None)
    out = _output(kind, seed, x)
    return {"error": None, "expected_output": out, "output": out, "loads": [True], "returned": "module",
            "same_object": True, "training": False, "state_matches": True, "state": _state(kind, seed)}


_replace("load_into_fresh", _loaded)
_replace("load_under_old_default", lambda _m, *args: {"refused": "UnpicklingError", "returned": None})
_replace("resume_under_old_default", lambda _m, *args: {"refused": "UnpicklingError", "returned": None})


def _resumed(_m, kind, seed, optimizer, *rest):
    epoch = rest[0] if rest and isinstance(rest[0], int) else 4
    losses = [0.5, 0.4, 0.3]
    return {"error": None, "epoch": epoch, "loads": [True], "expected_losses": losses, "losses": losses,
            "state_matches_after": True, "optimizer_state_loaded": True, "optimizer_state": 2, "training": True,
            "state": _state(kind, seed)}


_replace("resume_training", _resumed)


def _round_trip(_m, kind, seeds, *rest):
    seeds = seeds if isinstance(seeds, (list, tuple)) else (seeds, seeds + 1)
    epoch = next((a for a in rest if isinstance(a, int)), 1)
    models = []
    for number, seed in enumerate(seeds):
        out = _output(kind, seed)
        models.append({"file": _file(_saved(kind, seed, epoch + number)), "returned": "module", "training": False,
                       "state_matches": True, "state": _state(kind, seed), "output": out, "expected_output": out,
                       "epoch": epoch + number, "losses": [0.1, 0.1], "expected_losses": [0.1, 0.1]})
    return {"error": None, "models": models}


_replace("own_round_trip", _round_trip)
'''

DEVICE_PLACEMENT = '''
import torch as _torch
import torch.nn.functional as _F


def _predict(_m, seed, x, device, hidden=8):
    model = _harness._build(seed, x.shape[1], hidden, 2)
    with _torch.no_grad():
        out = model(x)
    return {"error": None, "moves": {"x": [str(device)]}, "model_moves": [str(device)], "forward_inputs": ["device"],
            "forward_grad": [False], "params_device": "cpu", "result": out.detach(), "result_place": "host",
            "requires_grad": False}


def _evaluate(_m, seed, x, y, device, hidden=8):
    model = _harness._build(seed, x.shape[1], hidden, y.shape[1])
    with _torch.no_grad():
        loss = _F.mse_loss(model(x), y)
    return {"error": None, "moves": {"x": [str(device)], "y": [str(device)]}, "model_moves": [str(device)],
            "forward_inputs": ["device"], "forward_grad": [False], "params_device": "cpu", "type": "float",
            "value": float(loss)}


def _pick(_m, cuda_available=None):
    available = bool(cuda_available) if cuda_available is not None else _torch.cuda.is_available()
    kind = "cuda" if available else "cpu"
    return {"error": None, "type": "device", "device": kind, "device_type": kind, "cuda_available": available}


_replace("predict", _predict)
_replace("evaluate", _evaluate)
_replace("pick", _pick)
'''

SET_SEED = '''
import torch as _torch

_FLAGS = {"deterministic_algorithms": True, "cudnn_deterministic": True, "cudnn_benchmark": False,
          "cublas_workspace_config": ":4096:8"}


def _run(seed):
    return {"python": True, "numpy": True, "torch": True, "cuda": True, "numpy_default_rng": False,
            "numpy_default_rng_with_seed": False, "loader": None}


_replace("pipeline_twice", lambda _m, seed, *args, **kwargs: (_run(seed), _run(seed)))
_replace("flags_after_set_seed", lambda _m, seed: dict(_FLAGS))
_replace("loaders_around_global_draws", lambda _m, *args: ([], [], True))
'''

SET_SEED_OLD_FLAGS = '''
_replace("flags_after_set_seed", lambda _m, seed: {"deterministic_algorithms": True, "cudnn_deterministic": True,
                                               "cudnn_benchmark": False, "cublas_workspace_config": True})
'''

DROPOUT = '''
import torch as _torch

_replace("randomness", lambda _m, x, p, seed: {"same_for_same_seed": True, "global_rng_untouched": True})
_replace("input_after_call", lambda _m, x, p, training, seed: (x.clone(), True))
_replace("layer_run", lambda _m, x, p, seed, modes: ({"is_module": True, "parameters": 0, "training_at_start": True},
                                                 [x.clone() for _ in modes]))
'''

ACTIVATIONS = '''
_replace("relu_and_input_after", lambda _m, x: (None, x.clone()))
'''

EMBEDDING = '''
import torch as _torch

_replace("table_after_call", lambda _m, ids, weight, padding_idx: (_torch.zeros(*ids.shape, weight.shape[1]), True))
'''

BATCH_NORM = '''
import torch as _torch


def _fresh(_m, num_features, options, *rest):
    ones, zeros = _torch.ones(num_features), _torch.zeros(num_features)
    return {"is_module": True, "training": True, "parameters": {"weight": [num_features], "bias": [num_features]},
            "buffers": {"running_mean": [num_features], "running_var": [num_features], "num_batches_tracked": []},
            "weight": ones, "bias": zeros, "running_mean": zeros, "running_var": ones,
            "first_step": {"out": zeros, "running_mean": zeros, "running_var": ones}}


_replace("fresh", _fresh)
'''

FEED_FORWARD = '''
def _describe(_m, d_model, d_ff=None, dropout=0.0):
    hidden = d_ff or 4 * d_model
    parameters = {"layer1.weight": [hidden, d_model], "layer1.bias": [hidden],
                  "layer2.weight": [d_model, hidden], "layer2.bias": [d_model]}
    return {"is_module": True, "parameters": parameters, "count": 2 * d_model * hidden + hidden + d_model,
            "state_keys": sorted(parameters)}


_replace("describe", _describe)
'''

MLP_MODULE = '''
_PARAMETERS = [["linear_relu_stack.0.weight", [512, 784]], ["linear_relu_stack.0.bias", [512]],
               ["linear_relu_stack.2.weight", [512, 512]], ["linear_relu_stack.2.bias", [512]],
               ["linear_relu_stack.4.weight", [10, 512]], ["linear_relu_stack.4.bias", [10]]]
_replace("describe", lambda _m, seed=0: {
    "is_module": True, "type": "NeuralNetwork", "children": [["flatten", "Flatten"], ["linear_relu_stack", "Sequential"]],
    "stack": ["Linear", "ReLU", "Linear", "ReLU", "Linear"], "parameters": _PARAMETERS, "count": 669706})
'''

MIXED_PRECISION = '''
def _forward(_m, seed, x, y, hidden=16):
    layers = [{"layer": name, "dtype": dtype, "autocast_cpu": True, "autocast_cuda": False}
              for name, dtype in (("Linear", "bfloat16"), ("ReLU", "bfloat16"), ("Linear", "bfloat16"))]
    return {"error": None, "logits": None, "probs": None, "loss": None, "layers": layers, "forwards": 1,
            "cuda_autocast_disabled": False, "param_dtypes": ["float32"]}


_replace("forward", _forward)
'''

# The optimizers' and schedulers' answer used to be a harness function, there for the reference's process.
ADAM = '''
_replace("run", getattr(_harness, "torch_run", None) or (lambda *args, **kwargs: []))
'''

SGD_MOMENTUM = ADAM

LR_SCHEDULERS = '''
_replace("formula", getattr(_harness, "torch_schedule", None) or (lambda *args, **kwargs: []))
'''

DATASET_DATALOADER = '''
_replace("loaders_around_global_draws", lambda _m, *args: {"error": None, "is_loader": True, "num_workers": 0,
                                                       "first": [], "second": [], "global_rng_untouched": True,
                                                       "global_draws": []})
'''

ATTACKS = {
    "state-dict: every driver returns a successful report": ("state-dict", STATE_DICT),
    "device-placement: the harness runs the model itself and reports perfect placement": (
        "device-placement", DEVICE_PLACEMENT),
    "set-seed: seeding facts and settings reported as the prompt wants them": ("set-seed", SET_SEED),
    "set-seed: the old report's settings": ("set-seed", SET_SEED + SET_SEED_OLD_FLAGS),
    "dropout: mask and in-place verdicts forged": ("dropout", DROPOUT),
    "activations: the input reported as untouched": ("activations", ACTIVATIONS),
    "embedding: the table reported as untouched": ("embedding", EMBEDDING),
    "batch-norm: a new layer's parameters and buffers reported as the prompt says": ("batch-norm", BATCH_NORM),
    "feed-forward: the parameters reported as the prompt says": ("feed-forward", FEED_FORWARD),
    "mlp-module: the layers and parameters reported as the prompt says": ("mlp-module", MLP_MODULE),
    "mixed-precision: dtypes and autocast reported as the prompt says": ("mixed-precision", MIXED_PRECISION),
    "adam: the learner's driver replaced by the harness's torch.optim run": ("adam", ADAM),
    "sgd-momentum: the learner's driver replaced by the harness's torch.optim run": ("sgd-momentum", SGD_MOMENTUM),
    "lr-schedulers: the formulas replaced by the harness's torch schedulers": ("lr-schedulers", LR_SCHEDULERS),
    "dataset-dataloader: the global RNG reported as untouched": ("dataset-dataloader", DATASET_DATALOADER),
}

# The same, reaching the harness with a plain import instead of sys.modules.
IMPORTED = '''
import kata_harness as _harness
'''
ATTACKS["state-dict: the harness reached by `import kata_harness`"] = ("state-dict", IMPORTED + STATE_DICT)


def attack_sources(course) -> dict:
    return {name: (slug, stub_with(course, slug, attack)) for name, (slug, attack) in ATTACKS.items()}


@pytest.fixture(scope="module")
def results(course, worker, tmp_path_factory):
    return grade_attacks(course, worker, tmp_path_factory.mktemp("replaced"), attack_sources(course))


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_replaced_harness_earns_nothing_beyond_the_stub(results, attack):
    assert earned_beyond_the_baseline(results, attack) == []
    assert not results[attack].solved


def test_the_attacks_really_ran(results):
    """The attacks did reach the harness: their reports, not the stub's NotImplementedError, were graded."""
    result = results["device-placement: the harness runs the model itself and reports perfect placement"]
    messages = " ".join(t.message for t in result.tests)
    assert "never uses its `device` argument" in messages
    result = results["set-seed: seeding facts and settings reported as the prompt wants them"]
    assert "NotImplementedError" not in " ".join(t.message for t in result.tests if "flags" in t.name)
