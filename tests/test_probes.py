"""The engine's generic probes (torchkata.probes) and the simulated second device (torchkata.simdevice).

The probe lab (tests/fixtures/probe-lab) is a kata whose requirements use every probe. For each probe a
realistic wrong solution breaks that one property: the probe catches it, with a message that names it, and
every other probe and spec still passes (a probe checks its own property, not the others'). The reference
and a correct alternative pass everything.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from torchkata import engine
from torchkata.catalogue import load_course
from torchkata.learner_files import Submission
from torchkata.probes import compare, signatures
from torchkata.simdevice import SECOND_DEVICE, mixed_devices, probe_call, simulate

LAB = Path(__file__).resolve().parent / "fixtures" / "probe-lab"
REFERENCE = (LAB / "reference" / "probe_lab.py").read_text()

STANDARDISE = '''
def standardise(x, dim=-1, eps=1e-6):
    mean = x.mean(dim=dim, keepdim=True)
    centred = x - mean
    return centred / torch.sqrt((centred * centred).mean(dim=dim, keepdim=True) + eps)
'''
RANGE = '''
def scaled_range(n, scale, device):
    return torch.arange(n, dtype=torch.float32, device=device) * scale
'''


def solution(standardise: str = STANDARDISE, scaled_range: str = RANGE) -> str:
    return "import torch\n" + standardise + scaled_range


# probe (by its requirement's words) -> a solution that breaks only that requirement, and what the message says
WRONG = {
    "defaults": ("Write `standardise(x, dim=-1, eps=1e-6)`", solution(STANDARDISE.replace("dim=-1", "dim=0")),
                 "called without `dim` does not give what it gives with `dim=-1`"),
    "defaults, none": ("Write `standardise(x, dim=-1, eps=1e-6)`",
                       solution(STANDARDISE.replace("dim=-1", "dim")),
                       "called without `dim` raised TypeError: give the parameter its default"),
    # A TypeError from the function's own code (its default is there, and breaks): not "give it a default".
    "defaults, raising": ("Write `standardise(x, dim=-1, eps=1e-6)`",
                          solution(STANDARDISE.replace("dim=-1, eps", "dim=None, eps").replace(
                              "mean = x.mean", "dim = dim + 0\n    mean = x.mean")),
                          "called without `dim` (its default is `dim=-1`) raised TypeError"),
    "dtypes": ("It keeps the input's dtype", solution(STANDARDISE.replace("return centred", "return (centred").replace(
        "+ eps)\n", "+ eps)).float()\n")), "returned the result as torch.float32 instead of torch.float64"),
    "stability": ("stays accurate far from zero", solution('''
def standardise(x, dim=-1, eps=1e-6):
    mean = x.mean(dim=dim, keepdim=True)
    var = (x * x).mean(dim=dim, keepdim=True) - mean * mean      # E[x^2] - E[x]^2
    return (x - mean) / torch.sqrt(var + eps)
'''), "is not accurate for inputs far from zero (x + 1000)"),
    "unchanged": ("leaves `x` unchanged", solution('''
def standardise(x, dim=-1, eps=1e-6):
    x -= x.mean(dim=dim, keepdim=True)
    return x / torch.sqrt((x * x).mean(dim=dim, keepdim=True) + eps)
'''), "changed its argument `x` in place"),
    "repeated": ("Calling it again gives the same answer", solution('''
_calls = {"n": 0}

def standardise(x, dim=-1, eps=1e-6):
    _calls["n"] += 1                       # state kept between calls: eps grows with every call
    mean = x.mean(dim=dim, keepdim=True)
    centred = x - mean
    return centred / torch.sqrt((centred * centred).mean(dim=dim, keepdim=True) + eps * _calls["n"] ** 8)
'''), "called again with the same inputs, after other calls, does not give the same answer"),
    "repeated, a buffer": ("Calling it again gives the same answer", solution('''
_buffers = {}

def standardise(x, dim=-1, eps=1e-6):
    mean = x.mean(dim=dim, keepdim=True)
    centred = x - mean
    out = _buffers.setdefault((x.shape, x.dtype), torch.empty_like(x))     # one output tensor for each shape
    return torch.div(centred, torch.sqrt((centred * centred).mean(dim=dim, keepdim=True) + eps), out=out)
'''), "result changed when standardise() was called again: it returns a tensor it reuses"),
    "same-device": ("It works where `x` is, on any device", solution(STANDARDISE.replace(
        "return centred", "return torch.zeros(x.shape, dtype=x.dtype) + centred")),
        "given inputs on another device (cuda:1, simulated by the grader on the CPU), standardise() raised "
        "RuntimeError"),
    "device": ("Write `scaled_range(n, scale, device)`, made on `device`", solution(scaled_range='''
def scaled_range(n, scale, device):
    return torch.arange(n, dtype=torch.float32) * scale        # the device argument ignored
'''), "returned the result on cpu instead of cuda:1"),
}

CORRECT_ALTERNATIVE = solution('''
def standardise(x, dim=-1, epsilon=1e-6):
    var, mean = torch.var_mean(x, dim=dim, correction=0, keepdim=True)
    return (x - mean) * torch.rsqrt(var + epsilon)
''', '''
def scaled_range(n, scale, device):
    return torch.linspace(0.0, (n - 1) * scale, n, device=device)
''')


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab") / "course"
    shutil.copytree(LAB, root)
    course = load_course(root)
    assert not course.broken, course.broken
    return course


@pytest.fixture(scope="module")
def results(lab, worker):
    """Every solution above, graded in one session: name -> KataResult."""
    kata = lab.get("probe-lab")
    sources = {"reference": REFERENCE, "alternative": CORRECT_ALTERNATIVE,
               **{name: source for name, (_, source, _) in WRONG.items()}}

    def grade_all(grader):
        return {name: grader.grade([(kata, Submission(lab.root / name, f"{name}.py", text.encode(), text))],
                                   engine.Options())[0] for name, text in sources.items()}
    return engine.open_grader(lab, [kata], worker, grade_all)


def _probe_results(result):
    return {t.name: t for t in result.tests if t.file.endswith("kata.toml")}


def test_the_reference_and_a_correct_alternative_pass_every_probe(results):
    for name in ("reference", "alternative"):
        result = results[name]
        failing = [(t.name, t.message) for t in result.tests if t.status != "passed"]
        assert not failing, (name, failing)
        assert len(_probe_results(result)) == 7 and result.totals.points == result.totals.max_points == 10


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_probe_catches_its_violation_and_only_that_one(results, name):
    requirement, _, message = WRONG[name]
    result = results[name]
    probes = _probe_results(result)
    assert probes[requirement].status == "failed", probes[requirement]
    assert message in probes[requirement].message, probes[requirement].message
    others = [(t.name, t.message) for t in result.tests if t.status != "passed" and t.name != requirement]
    if name == "repeated":
        # A function that keeps state cannot be checked for anything else: the other probes say so, and why
        # (the spec that calls it twice fails too).
        others = [(n, m) for n, m in others if n in probes]
        assert others and all("could not check" in m and "keeps state between calls" in m for _, m in others), others
    else:
        assert not others, others


def test_probes_are_named_by_their_requirement_in_the_learners_language(lab, worker):
    kata = lab.get("probe-lab")
    text = WRONG["stability"][1]
    korean = engine.open_grader(lab, [kata], worker, lambda g: g.grade(
        [(kata, Submission(lab.root / "s.py", "s.py", text.encode(), text))], engine.Options(lang="ko"))[0])
    probe = _probe_results(korean)["0에서 먼 입력에서도 정확하며"]
    assert probe.status == "failed" and "0에서 멀리 떨어진 입력(x + 1000)에서 standardise() 함수의" in probe.message


def test_a_probe_never_passes_what_it_could_not_check(lab, worker):
    """The stub raises everywhere: every probe errs with the learner's own error (the stub scores 0). A
    solution that is wrong on the specs' inputs earns no probe's points either: the probes say why."""
    kata = lab.get("probe-lab")
    wrong = solution("\ndef standardise(x, dim=-1, eps=1e-6):\n    return x + 0\n")
    stub, identity = engine.open_grader(lab, [kata], worker, lambda g: [g.grade([(kata, path)], engine.Options())[0]
                                                                        for path in (kata.stub, Submission(
                                                                            lab.root / "w.py", "w.py", wrong.encode(),
                                                                            wrong))])
    probes = _probe_results(stub)
    assert probes and all(t.status == "error" for t in probes.values()) and stub.totals.points == 0
    assert "NotImplementedError" in probes["stays accurate far from zero"].message
    probes = _probe_results(identity)
    standardising = [t for t in probes.values() if "scaled_range" not in t.name and "again" not in t.name]
    assert standardising and all(t.status == "failed" for t in standardising)
    assert "could not check inputs far from zero: standardise() raised or gave wrong results on the specs' own " \
           "inputs" in probes["stays accurate far from zero"].message
    assert "could not check inputs unchanged" in probes["leaves `x` unchanged"].message


def test_a_hidden_probe_draws_on_hidden_specs_and_shows_no_inputs(results):
    probe = _probe_results(results["unchanged"])["leaves `x` unchanged"]
    assert probe.visibility == "hidden" and "starting from the spec call" not in probe.message
    public = _probe_results(results["stability"])["stays accurate far from zero"]
    assert public.visibility == "public" and "starting from the spec call standardise(" in public.message


def test_hard_coded_cuda_never_passes_the_device_probe(lab, worker):
    kata = lab.get("probe-lab")
    text = solution(scaled_range='''
def scaled_range(n, scale, device):
    return (torch.arange(n, dtype=torch.float32, device="cuda") * scale).to(device)
''')
    result = engine.open_grader(lab, [kata], worker, lambda g: g.grade(
        [(kata, Submission(lab.root / "c.py", "c.py", text.encode(), text))], engine.Options())[0])
    probe = _probe_results(result)[WRONG["device"][0]]
    assert probe.status != "passed"


def test_public_probes_replay_in_a_released_template_and_hidden_ones_are_absent(lab, worker, tmp_path):
    from torchkata.release import release_course
    out = tmp_path / "template"
    release_course(lab, out)
    released = load_course(out)
    kata, full_kata = released.get("probe-lab"), lab.get("probe-lab")
    texts = {name: text for name, text in [("reference", REFERENCE), ("stability", WRONG["stability"][1]),
                                           ("device", WRONG["device"][1])]}

    def grade(course, which):
        return engine.open_grader(course, [which], worker, lambda g: {
            name: g.grade([(which, Submission(course.root / f"{name}.py", f"{name}.py", text.encode(), text))],
                          engine.Options(public_only=True))[0] for name, text in texts.items()})
    full, replayed = grade(lab, full_kata), grade(released, kata)
    for name in texts:
        assert [(t.name, t.status) for t in full[name].tests] == [(t.name, t.status) for t in replayed[name].tests]
        assert "leaves `x` unchanged" not in _probe_results(replayed[name])
    assert replayed["reference"].totals.points == replayed["reference"].totals.max_points == 9
    assert _probe_results(replayed["stability"])["stays accurate far from zero"].status == "failed"


# --- comparing results ---------------------------------------------------------------------------------

def test_compare_holds_values_to_a_float64_oracle_within_the_dtypes_tolerance():
    oracle = torch.tensor([0.1, 0.2, 0.7], dtype=torch.float64)
    half = oracle.half()
    assert compare(half, half, oracle) is None
    assert compare(half + 0.01, half, oracle).kind == "values"
    assert compare(half.float(), half, oracle).kind == "dtype"
    assert compare(torch.tensor([float("nan"), 0.2, 0.7]).half(), half, oracle).kind == "nonfinite"
    # an answer the dtype cannot hold (overflow): the reference's inf is fine, so is a finite exact value
    big = torch.tensor([70000.0], dtype=torch.float64)
    assert compare(big.half(), big.half(), big) is None
    assert compare((1.0, [half]), (1.0, [half]), (1.0, [oracle])) is None
    assert compare({"a": half}, {"b": half}).kind == "keys"


def test_signatures_are_read_from_source_without_running_it():
    found = signatures("import os\nos.system('exit 3')\ndef f(x, dim=-1, *, eps=1e-5): pass\n"
                       "def g(module, y, device=None): pass\n")
    assert found["f"].positional == ["x", "dim"] and found["f"].defaults == {"dim": "-1", "eps": "1e-05"}
    assert found["f"].keyword_only == ["eps"]
    assert signatures("def g(module, y, device=None): pass", skip_first=True)["g"].positional == ["y", "device"]
    assert signatures("def broken(:") == {}


# --- the simulated second device ------------------------------------------------------------------------

def test_the_simulated_device_follows_pytorchs_rules_for_devices():
    device = torch.device(SECOND_DEVICE)
    x = torch.randn(2, 3)
    with simulate() as sim:
        moved = x.to(device)
        assert sim.device_of(moved) == SECOND_DEVICE and sim.device_of(x) == "cpu"     # .to() returns a copy
        assert moved.device == device and moved.is_cuda and moved.get_device() == 1
        assert sim.device_of(moved[0]) == SECOND_DEVICE and sim.device_of(moved * 2) == SECOND_DEVICE
        assert sim.device_of(torch.zeros(3, device=device)) == SECOND_DEVICE
        assert sim.device_of(torch.zeros_like(moved)) == SECOND_DEVICE
        assert sim.device_of(moved * torch.tensor(2.0)) == SECOND_DEVICE       # a 0-d CPU scalar may mix
        assert sim.device_of(moved.cpu()) == "cpu" and sim.device_of(moved.cuda()) == "cuda:0"
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
            moved + x
        with pytest.raises(RuntimeError, match="cuda:0 and cuda:1"):
            moved + torch.ones(3, device="cuda")
        with pytest.raises(TypeError, match="can't convert cuda:1 device type tensor to numpy"):
            moved.numpy()


def test_a_module_moved_to_the_simulated_device_computes_there():
    device = torch.device(SECOND_DEVICE)

    def train_step(x):
        model = torch.nn.Linear(3, 2).to(device)
        parameter = torch.nn.Parameter(torch.zeros(2, device=device))
        out = model(x.to(device)) + parameter
        out.sum().backward()
        return out.detach().cpu(), model.weight.grad, parameter.grad

    (out, weight_grad, grad), placement, used = probe_call(train_step, [torch.randn(4, 3)], {}, place_inputs=False)
    assert placement == ("cpu", SECOND_DEVICE, SECOND_DEVICE) and used == [SECOND_DEVICE]
    assert out.shape == (4, 2) and weight_grad.shape == (2, 3)
    _, _, none_used = probe_call(lambda x: x * 2, [torch.randn(2)], {}, place_inputs=False)
    assert none_used == []
    with pytest.raises(RuntimeError, match="cuda:1 and cpu"):
        probe_call(lambda x: torch.nn.Linear(3, 2)(x), [torch.randn(4, 3)], {}, place_inputs=True)
    assert str(mixed_devices("cuda:1", "cpu")).startswith("Expected all tensors to be on the same device")


def test_the_simulated_device_uses_no_private_torch_api():
    import ast
    source = Path(__import__("torchkata.simdevice").simdevice.__file__).read_text()
    private = [node.attr for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
               and isinstance(node.value, ast.Attribute | ast.Name) and ast.unparse(node.value).startswith("torch")]
    assert not private, private
