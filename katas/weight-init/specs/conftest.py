"""Shared checks for the weight-init specs: the learner's draws against torch.nn.init's own.

The learner's functions fill a fresh nn.Parameter in the worker (harness.py), from a
torch.Generator seeded with the test's seed. Here, in the grader, torch.nn.init fills a tensor of
the same shape from a generator with the same seed: a correct formula draws exactly the same
numbers (up to the rounding of the bound or the standard deviation).
"""
import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close, fail

# The Linear layers of harness._model(nested): (name prefix, weight shape, has a bias).
LINEARS = {
    False: [("0", (8, 6), True), ("2", (8, 8), True), ("4", (3, 8), True)],
    True: [("0", (8, 6), True), ("2.0", (8, 8), False), ("3", (3, 8), True)],
}


def _torch_init(name, shape, dtype, seed, kwargs):
    """What torch.nn.init fills a tensor of this shape with, drawing from Generator().manual_seed(seed)."""
    weight = torch.empty(shape, dtype=dtype)
    generator = torch.Generator().manual_seed(seed)
    if name == "xavier_uniform_":
        return torch.nn.init.xavier_uniform_(weight, gain=kwargs.get("gain", 1.0), generator=generator)
    if name == "xavier_normal_":
        return torch.nn.init.xavier_normal_(weight, gain=kwargs.get("gain", 1.0), generator=generator)
    return torch.nn.init.kaiming_normal_(weight, a=0, mode="fan_in", nonlinearity=kwargs.get("nonlinearity", "relu"),
                                         generator=generator)


def _call(function, *args):
    try:
        return function(*args)
    except LearnerError as exc:
        if exc.info.get("type") == "InPlaceOnLeafError":
            fail("the weight is an nn.Parameter (requires_grad=True), and autograd refuses to change it in place "
                 "while it is recording: fill it inside `with torch.no_grad():`, as torch.nn.init does",
                 "weight는 nn.Parameter(requires_grad=True)라서 autograd가 기록하는 중에는 제자리에서 바꿀 수 "
                 "없습니다. torch.nn.init처럼 `with torch.no_grad():` 안에서 채우세요")
        raise


def _check_fans(sub, shape):
    got = sub.fan_in_and_fan_out(torch.empty(shape))
    expect(isinstance(got, (tuple, list)) and len(got) == 2,
           en="fan_in_and_fan_out must return a pair (fan_in, fan_out)",
           ko="fan_in_and_fan_out은 (fan_in, fan_out) 쌍을 돌려줘야 합니다")
    if not all(type(v) is int for v in got):
        kinds = ", ".join(sorted({type(v).__name__ for v in got if type(v) is not int}))
        fail("fan_in_and_fan_out must return the pair as Python ints, as weight.shape holds them: "
             "weight.shape[1], weight.shape[0]",
             "fan_in_and_fan_out은 (fan_in, fan_out) 쌍을 weight.shape에 들어 있는 그대로 Python int로 돌려줘야 "
             "합니다: weight.shape[1], weight.shape[0]",
             [{"en": f"it returned {kinds}", "ko": f"돌려준 값의 타입: {kinds}"}])
    got = tuple(got)
    out_features, in_features = shape
    if got == (out_features, in_features) and out_features != in_features:
        fail("fan_in and fan_out are swapped: a Linear weight has shape (out_features, in_features), so "
             "fan_in = weight.shape[1] and fan_out = weight.shape[0]",
             "fan_in과 fan_out이 뒤바뀌었습니다. Linear의 weight는 shape이 (out_features, in_features)이므로 "
             "fan_in = weight.shape[1], fan_out = weight.shape[0]입니다",
             [{"en": f"weight of shape {shape}: got {got}, expected {(in_features, out_features)}",
               "ko": f"shape이 {shape}인 weight: 결과 {got}, 기댓값 {(in_features, out_features)}"}])
    expect(got == (in_features, out_features),
           en=f"fan_in_and_fan_out of a weight of shape {shape} must be {(in_features, out_features)}, got {got}",
           ko=f"shape이 {shape}인 weight의 fan_in_and_fan_out은 {(in_features, out_features)}여야 하는데 {got}입니다")


def _expect_filled(name, weight):
    """The harness hands the learner a NaN-filled weight: all NaN afterwards means it was never filled."""
    if bool(torch.isnan(weight).all()):
        fail(f"{name} did not fill the weight it was given: change that tensor in place (weight.normal_(...), "
             "weight.uniform_(...)) and return it. Building a new tensor leaves the parameter as it was",
             f"{name} 함수가 받은 weight를 채우지 않았습니다. 그 텐서를 제자리에서 바꾸고(weight.normal_(...), "
             "weight.uniform_(...)) 돌려주세요. 새 텐서를 만들면 파라미터는 그대로 남습니다")


def _check_fill(sub, name, shape, seed, kwargs, dtype):
    got = _call(sub.harness.fill, name, list(shape), dtype, seed, kwargs)
    weight = got["weight"]
    _expect_filled(name, weight)
    expected = _torch_init(name, shape, dtype, seed, kwargs)
    expect_close(weight, expected, what={"en": f"the weight {name} filled (compared with torch.nn.init.{name} "
                                               "drawing from a generator with the same seed)",
                                         "ko": f"{name} 함수가 채운 weight (같은 시드의 generator로 뽑은 "
                                               f"torch.nn.init.{name}의 결과와 비교)"})
    expect(got["returned_weight"],
           en=f"{name} must return the weight it filled (the same tensor object), as torch.nn.init.{name} does",
           ko=f"{name} 함수는 torch.nn.init.{name}처럼 자기가 채운 weight(같은 텐서 객체)를 돌려줘야 합니다")


def _expected_model(nested, seed):
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for prefix, shape, bias in LINEARS[nested]:
        state[f"{prefix}.weight"] = torch.nn.init.kaiming_normal_(torch.empty(shape), nonlinearity="relu",
                                                                  generator=generator)
        if bias:
            state[f"{prefix}.bias"] = torch.zeros(shape[0])
    if nested:
        state["2.1.weight"], state["2.1.bias"] = torch.full((8,), 1.5), torch.full((8,), -0.2)
    return state


def _check_model(sub, nested, seed):
    try:
        got = _call(sub.harness.init_model, nested, seed)
    except LearnerError as exc:
        if nested and "'NoneType' object has no attribute" in str(exc.info.get("message", "")):
            fail("init_linear_layers failed on a model with a Linear layer built with bias=False, whose bias is "
                 "None: set the bias to 0 only when the layer has one (`if m.bias is not None:`)",
                 "bias=False로 만든 Linear 레이어(편향이 None)가 있는 모델에서 init_linear_layers가 실패했습니다. "
                 "편향은 레이어에 있을 때만 0으로 만드세요(`if m.bias is not None:`)")
        raise
    expected = _expected_model(nested, seed)
    expected = _expected_model(nested, seed)
    kept = [prefix for prefix, _, _ in LINEARS[nested] if bool((got[f"{prefix}.weight"] == 0.5).all())]
    if len(kept) == len(LINEARS[nested]):
        fail("no Linear weight changed: kaiming_normal_ must fill the weight it is given in place, and "
             "init_linear_layers must call it on the weight of every nn.Linear",
             "Linear weight가 하나도 바뀌지 않았습니다. kaiming_normal_은 받은 weight를 제자리에서 채워야 하고, "
             "init_linear_layers는 모든 nn.Linear의 weight에 대해 그 함수를 호출해야 합니다")
    if kept:
        fail("a Linear layer kept its old weight: visit every sub-module with model.modules() (or model.apply), "
             "nested blocks included, and initialise each nn.Linear",
             "Linear 레이어 하나가 원래 weight를 그대로 갖고 있습니다. model.modules()(또는 model.apply)로 "
             "중첩된 블록까지 모든 하위 모듈을 돌면서 nn.Linear마다 초기화하세요")
    for prefix, _, bias in LINEARS[nested]:
        if bias:
            expect(bool((got[f"{prefix}.bias"] == 0).all()),
                   en="every Linear bias must be exactly 0 after init_linear_layers: set it with bias.zero_() "
                      "inside torch.no_grad()",
                   ko="init_linear_layers가 끝나면 모든 Linear의 편향은 정확히 0이어야 합니다. "
                      "torch.no_grad() 안에서 bias.zero_()로 설정하세요")
    if nested:
        expect(bool((got["2.1.weight"] == 1.5).all() and (got["2.1.bias"] == -0.2).all()),
               en="only nn.Linear layers are to be initialised: the LayerNorm's parameters must stay as they were",
               ko="초기화할 것은 nn.Linear 레이어뿐입니다. LayerNorm의 파라미터는 그대로 두어야 합니다")
    for prefix, _, _ in LINEARS[nested]:
        name = f"{prefix}.weight"
        expect_close(got[name], expected[name],
                     what={"en": f"{name} (Linear layers He-initialised in order, from one generator)",
                           "ko": f"{name} (Linear 레이어를 순서대로 하나의 generator로 He 초기화한 값)"})


def _global_init(name, shape, seed):
    """torch.nn.init's function with every default, drawing from the global generator seeded with `seed`."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return getattr(torch.nn.init, name)(torch.empty(shape))


def _check_defaults(sub, name, shape, seed):
    got = _call(sub.harness.fill_with_defaults, name, list(shape), seed)
    _expect_filled(name, got["weight"])
    expect_close(got["weight"], _global_init(name, shape, seed),
                 what={"en": f"the weight {name}(weight) filled with its default arguments (compared with "
                             f"torch.nn.init.{name}(weight) drawing from the global generator with the same seed)",
                       "ko": f"기본 인자로 {name}(weight)가 채운 weight (같은 시드의 전역 난수 생성기로 뽑은 "
                             f"torch.nn.init.{name}(weight)의 결과와 비교)"})


def _check_model_defaults(sub, seed):
    got = _call(sub.harness.init_model_with_defaults, seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        expected = [torch.nn.init.kaiming_normal_(torch.empty(shape)) for _, shape, _ in LINEARS[False]]
    for (prefix, _, _), want in zip(LINEARS[False], expected):
        expect_close(got[f"{prefix}.weight"], want,
                     what={"en": f"{prefix}.weight after init_linear_layers(model) without a generator (the global "
                                 "one, as torch.nn.init draws from)",
                           "ko": f"generator 없이 init_linear_layers(model)를 호출한 뒤의 {prefix}.weight "
                                 "(torch.nn.init처럼 전역 난수 생성기에서 뽑은 값)"})


@pytest.fixture
def check_defaults(sub):
    """check_defaults(name, shape, seed): name(weight) alone, against torch.nn.init's with the global generator."""
    return lambda name, shape, seed: _check_defaults(sub, name, shape, seed)


@pytest.fixture
def check_model_defaults(sub):
    """check_model_defaults(seed): init_linear_layers(model) alone, against kaiming_normal_ from the global RNG."""
    return lambda seed: _check_model_defaults(sub, seed)


@pytest.fixture
def check_fans(sub):
    """check_fans(shape): fan_in_and_fan_out of an empty tensor of that (out, in) shape."""
    return lambda shape: _check_fans(sub, shape)


@pytest.fixture
def check_fill(sub):
    """check_fill(name, shape, seed, kwargs={}, dtype=float32): one initialiser against torch.nn.init's."""
    return lambda name, shape, seed, kwargs=None, dtype=torch.float32: _check_fill(
        sub, name, shape, seed, kwargs or {}, dtype)


@pytest.fixture
def check_model(sub):
    """check_model(nested, seed): init_linear_layers on harness._model(nested)."""
    return lambda nested, seed: _check_model(sub, nested, seed)
