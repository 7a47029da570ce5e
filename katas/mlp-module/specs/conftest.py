"""Shared checks for the mlp-module specs: the structure first, then the logits and gradients.

The model is built in the worker (harness.py) and comes back as plain data. Values are compared
with a float64 oracle: the reference's model run on float64 copies of the same weights and images.
A logit is a dot product of up to 784 terms, so rounding may grow with that length: CONDITION.
"""
import re

import pytest
import torch

from torchkata.spec import LearnerError, SpecFailure, expect, expect_close, fail

STACK = ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
PARAMETERS = [
    ["linear_relu_stack.0.weight", [512, 784]],
    ["linear_relu_stack.0.bias", [512]],
    ["linear_relu_stack.2.weight", [512, 512]],
    ["linear_relu_stack.2.bias", [512]],
    ["linear_relu_stack.4.weight", [10, 512]],
    ["linear_relu_stack.4.bias", [10]],
]
COUNT = 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10     # 669,706
CONDITION = 28 * 28


def _images(seed, n):
    """n grey 28x28 images with values in [0, 1), as ToTensor() gives them."""
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def _labels(seed, n):
    """n class labels in 0..9."""
    return torch.randint(0, 10, (n,), generator=torch.Generator().manual_seed(seed + 1000))


def _raised(exc):
    """Turn the typical construction errors into a diagnosis; anything else is re-raised as it is."""
    message = str(exc.info.get("message", ""))
    if exc.info.get("type") == "TypeError" and "__init__() missing" in message and "required" in message:
        fail("NeuralNetwork() could not be built without arguments: __init__(self) takes no argument besides self. "
             "Write the sizes into the layers themselves, nn.Linear(28 * 28, 512) and so on",
             "인자 없이 NeuralNetwork()를 만들 수 없었습니다. __init__(self)는 self 말고는 인자를 받지 않습니다. "
             "nn.Linear(28 * 28, 512)처럼 크기를 레이어에 직접 쓰세요")
    if "before Module.__init__() call" in message:
        fail("NeuralNetwork() failed: nn.Module could not register the first layer because its own constructor "
             "never ran. Call super().__init__() as the first line of __init__, before assigning any layer",
             "NeuralNetwork()를 만들다가 실패했습니다. nn.Module의 생성자가 실행되지 않아서 첫 레이어를 등록할 수 "
             "없었습니다. __init__의 첫 줄에서, 레이어를 대입하기 전에 super().__init__()를 호출하세요")
    raise exc


def _stack_problem(stack):
    """A diagnosis for a linear_relu_stack whose layers are not Linear, ReLU, Linear, ReLU, Linear."""
    got = ", ".join(stack) or "(empty)"
    if stack[:len(STACK)] == STACK and stack[len(STACK):] in (["Softmax"], ["LogSoftmax"]):
        fail(f"linear_relu_stack ends with {stack[-1]}: the model must return raw logits. nn.CrossEntropyLoss "
             f"applies log-softmax itself, so remove the {stack[-1]} layer",
             f"linear_relu_stack이 {stack[-1]}로 끝납니다. 모델은 로짓을 그대로 돌려줘야 합니다. "
             f"nn.CrossEntropyLoss가 log-softmax를 직접 적용하니 {stack[-1]} 레이어를 빼세요")
    if stack[:len(STACK)] == STACK and stack[len(STACK):] == ["ReLU"]:
        fail("linear_relu_stack ends with a ReLU: the logits could never be negative. The last Linear layer "
             "gives the logits; put no activation after it",
             "linear_relu_stack이 ReLU로 끝납니다. 이러면 로짓이 음수가 될 수 없습니다. 마지막 Linear 레이어의 "
             "출력이 곧 로짓이니, 그 뒤에는 활성화 함수를 두지 마세요")
    if stack == ["Linear", "Linear", "Linear"]:
        fail("linear_relu_stack holds Linear, Linear, Linear, with no ReLU: put nn.ReLU() into the stack after the "
             "first and after the second Linear. The parameter names count the ReLU layers (the Linear layers sit "
             "at 0, 2 and 4), so a ReLU applied in forward instead, or none at all, does not give them",
             "linear_relu_stack에 Linear, Linear, Linear만 있고 ReLU가 없습니다. 첫 번째와 두 번째 Linear 뒤에 "
             "각각 nn.ReLU()를 stack 안에 넣으세요. 파라미터 이름은 ReLU 레이어까지 세어 정해지므로(Linear 레이어는 "
             "0, 2, 4번), forward에서 따로 ReLU를 적용하거나 아예 빼면 그 이름이 나오지 않습니다")
    if stack.count("Linear") == 3 and stack.count("ReLU") < 2:
        fail(f"linear_relu_stack holds {got}: a ReLU is missing. Without a non-linearity between them, two "
             "Linear layers collapse into one. Put nn.ReLU() after the first and after the second Linear",
             f"linear_relu_stack에 {got}가 들어 있습니다. ReLU가 빠졌습니다. 사이에 비선형 함수가 없으면 "
             "Linear 레이어 두 개는 하나의 Linear와 같아집니다. 첫 번째와 두 번째 Linear 뒤에 각각 "
             "nn.ReLU()를 넣으세요")
    fail(f"linear_relu_stack must hold Linear, ReLU, Linear, ReLU, Linear in this order; it holds {got}",
         f"linear_relu_stack에는 Linear, ReLU, Linear, ReLU, Linear가 이 순서로 들어 있어야 합니다. "
         f"지금은 {got}입니다")


def _parameters_problem(info):
    got = info["parameters"]
    names = [name for name, _ in got]
    if names == [name for name, _ in PARAMETERS] and got[0][1] == [512, 28 * 28 * 3]:
        fail("the first Linear layer expects 2352 = 28*28*3 inputs: Fashion-MNIST images are grey, with one "
             "channel, so a flattened image has 1*28*28 = 784 values. Use nn.Linear(28 * 28, 512)",
             "첫 번째 Linear 레이어의 입력이 2352 = 28*28*3개입니다. Fashion-MNIST 이미지는 채널이 하나인 흑백 "
             "이미지라서 펼치면 1*28*28 = 784개입니다. nn.Linear(28 * 28, 512)를 쓰세요")
    listing = "; ".join(f"{name} {tuple(shape)}" for name, shape in got) or "(none)"
    expected = "; ".join(f"{name} {tuple(shape)}" for name, shape in PARAMETERS)
    fail(f"the model's parameters (name and shape) must be exactly: {expected}. They are: {listing}",
         f"모델의 파라미터(이름과 shape)는 정확히 다음과 같아야 합니다: {expected}. 지금은 {listing}입니다")


def _check_layers(sub, seed=0):
    """The model is an nn.Module whose linear_relu_stack is Linear, ReLU, Linear, ReLU, Linear."""
    try:
        info = sub.harness.describe(seed)
    except LearnerError as exc:
        _raised(exc)
    expect(info["is_module"],
           en=f"NeuralNetwork() must be an nn.Module (class NeuralNetwork(nn.Module)); it is a {info['type']}",
           ko=f"NeuralNetwork()는 nn.Module이어야 합니다 (class NeuralNetwork(nn.Module)). 지금은 {info['type']}입니다")
    if info["stack"] is None:
        fail("self.linear_relu_stack must be an nn.Sequential holding the layers in order",
             "self.linear_relu_stack은 레이어를 순서대로 담은 nn.Sequential이어야 합니다")
    if info["stack"] != STACK:
        _stack_problem(info["stack"])
    return info


def _check_structure(sub, seed=0):
    """_check_layers, then the parameter names, shapes and count."""
    info = _check_layers(sub, seed)
    if info["parameters"] != PARAMETERS:
        _parameters_problem(info)
    expect(info["count"] == COUNT,
           en=f"the model has {info['count']:,} parameters; it should have {COUNT:,}",
           ko=f"모델의 파라미터가 {info['count']:,}개입니다. {COUNT:,}개여야 합니다")
    return info


def _forward(call, *args):
    try:
        return call(*args)
    except LearnerError as exc:
        shapes = re.search(r"\((\d+)x(\d+) and 784x\d+\)", str(exc.info.get("message", "")))
        if exc.info.get("type") == "LayerShapeError" and shapes and int(shapes.group(2)) != 784:
            fail("the images reached the first Linear layer with a shape it cannot take: in forward, flatten x "
                 "from (N, 1, 28, 28) to (N, 784) before the stack, keeping the batch dimension "
                 "(self.flatten(x); x.flatten() would flatten the batch too)",
                 "이미지가 첫 번째 Linear 레이어가 받을 수 없는 shape으로 들어갔습니다. forward에서 stack에 넣기 "
                 "전에 배치 차원은 그대로 두고 x를 (N, 1, 28, 28)에서 (N, 784)로 펼치세요 "
                 "(self.flatten(x)를 쓰세요. x.flatten()은 배치 차원까지 펼쳐 버립니다)")
        raise


@pytest.fixture
def check_logits(sub, ref):
    def check(seed, x):
        _check_structure(sub)
        got = _forward(sub.harness.logits, seed, x)
        expected = ref.harness.logits(seed, x.double())
        if isinstance(got, torch.Tensor) and got.dim() == 1:
            fail(f"the logits have shape {tuple(got.shape)}: the batch dimension is gone. Flatten each image, not "
                 "the whole batch (self.flatten(x), which keeps dimension 0), so the logits are (N, 10)",
                 f"로짓의 shape이 {tuple(got.shape)}입니다. 배치 차원이 사라졌습니다. 배치 전체가 아니라 이미지를 "
                 "하나씩 펼쳐야 합니다 (차원 0은 그대로 두는 self.flatten(x)를 쓰세요). 그래야 로짓이 (N, 10)이 "
                 "됩니다")
        if isinstance(got, torch.Tensor) and got.shape == expected.shape and got.is_floating_point():
            _explain_after_the_last_layer(got, expected, x.dtype)
        expect_close(got, expected, dtype=x.dtype, condition=CONDITION,
                     what={"en": "the logits", "ko": "로짓"})
        return got
    return check


def _agrees(got, expected, dtype) -> bool:
    try:
        expect_close(got, expected, dtype=dtype, condition=CONDITION)
    except SpecFailure:
        return False
    return True


def _explain_after_the_last_layer(got, expected, dtype) -> None:
    """The logits with something applied after the last Linear layer, recognised from the reference's own
    logits: a softmax (rows of probabilities), a log-softmax, a ReLU (the negative logits set to 0)."""
    sums = got.double().sum(dim=1)
    if bool(((got >= 0) & (got <= 1)).all()) and torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
        fail("the model returns probabilities (each row sums to 1): forward must return the raw logits of "
             "the last Linear layer. nn.CrossEntropyLoss applies log-softmax itself",
             "모델이 확률을 돌려줍니다 (각 행의 합이 1). forward는 마지막 Linear 레이어의 로짓을 그대로 "
             "돌려줘야 합니다. nn.CrossEntropyLoss가 log-softmax를 직접 적용합니다")
    if _agrees(got, expected - torch.logsumexp(expected, dim=1, keepdim=True), dtype):
        fail("the model returns log-probabilities (the logits minus each row's logsumexp: a log-softmax): forward "
             "must return the raw logits of the last Linear layer. nn.CrossEntropyLoss applies log-softmax itself",
             "모델이 로그 확률을 돌려줍니다 (로짓에서 행마다 logsumexp를 뺀 값, 즉 log-softmax). forward는 마지막 "
             "Linear 레이어의 로짓을 그대로 돌려줘야 합니다. nn.CrossEntropyLoss가 log-softmax를 직접 적용합니다")
    if bool((expected < 0).any()) and _agrees(got, expected.clamp(min=0), dtype):
        fail("the logits are right where they are positive and 0 where they should be negative: a ReLU is "
             "applied after the last Linear layer. The logits are its raw output; put no activation after it",
             "로짓이 양수인 곳은 맞고, 음수여야 할 곳은 0입니다. 마지막 Linear 레이어 뒤에 ReLU가 적용되었습니다. "
             "로짓은 그 레이어의 출력 그대로이니, 그 뒤에는 활성화 함수를 두지 마세요")


@pytest.fixture
def check_gradients(sub, ref):
    def check(seed, x, target):
        _check_structure(sub)
        got = _forward(sub.harness.gradients, seed, x, target)
        expected = ref.harness.gradients(seed, x.double(), target)
        for name, _ in PARAMETERS:
            expect(got.get(name) is not None,
                   en=f"no gradient reached {name}: forward must compute the logits from x through the layers "
                      "(no .detach(), no torch.no_grad() inside forward)",
                   ko=f"{name}까지 그래디언트가 전달되지 않았습니다. forward는 레이어를 거쳐 x에서 로짓을 계산해야 "
                      "합니다 (forward 안에서 .detach()나 torch.no_grad()를 쓰지 마세요)")
            expect_close(got[name], expected[name], dtype=x.dtype, condition=CONDITION,
                         what={"en": f"the gradient of {name}", "ko": f"{name}의 그래디언트"})
    return check


@pytest.fixture
def images():
    """images(seed, n): n grey 28x28 images, shape (n, 1, 28, 28), values in [0, 1)."""
    return _images


@pytest.fixture
def labels():
    """labels(seed, n): n class labels in 0..9."""
    return _labels


def _computes_like_the_reference(sub, ref, seed):
    """What the model holds is the learner's process's report: a point for it also needs that model, with
    given weights, to compute the reference's logits."""
    x = _images(seed + 50, 2)
    expect_close(_forward(sub.harness.logits, seed, x), ref.harness.logits(seed, x.double()), dtype=x.dtype,
                 condition=CONDITION, what={"en": "the logits", "ko": "로짓"})


@pytest.fixture
def check_layers(sub, ref):
    """check_layers(seed=0): the model is an nn.Module whose linear_relu_stack holds the right layers (and
    computes the reference's logits)."""
    def check(seed=0):
        info = _check_layers(sub, seed)
        expect(["flatten", "Flatten"] in info["children"],
               en="self.flatten must be an nn.Flatten(), the layer that turns (N, 1, 28, 28) into (N, 784)",
               ko="self.flatten은 (N, 1, 28, 28)을 (N, 784)로 펼치는 nn.Flatten()이어야 합니다")
        _computes_like_the_reference(sub, ref, seed)
        return info
    return check


@pytest.fixture
def check_structure(sub, ref):
    """check_structure(seed=0): check_layers, then the parameter names, shapes and count (and the reference's
    logits); returns the report."""
    def check(seed=0):
        info = _check_structure(sub, seed)
        _computes_like_the_reference(sub, ref, seed)
        return info
    return check
