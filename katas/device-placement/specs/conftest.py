"""Shared checks for the device-placement specs.

The learner's code runs in the worker on a model and tensors built there (harness.py), which simulates
a separate device even on a machine without a GPU: the data start "on the host", only what .to(device)
returns is "on the device", and mixing the two raises PyTorch's mixed-device error. The drivers report
every move (of the model, of x, of y), what the model received, and where the result came back; the
values are compared with the reference's run on the CPU: a sum of `fan_in` products per output, hence
condition=fan_in (GPU and CPU may add them in different orders).

All of that is reported by the learner's process, which can reach the harness; and the harness builds
the model, so it could compute the right values without the learner's function. The record of moves
therefore only names a mistake, and each point also needs what only the trusted side can read: the
learner's source, where predict and evaluate use their `device` argument and pick_device asks
torch.cuda.is_available().
"""
import types

import pytest
import torch

from torchkata.spec import expect_close, fail, source_mentions

SIMULATED = "simulated by the grader"


def make_data(seed, n, features, outputs):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, features, generator=gen), torch.randn(n, outputs, generator=gen)


def _raised(function, message):
    fail(f"{function} raised an exception", f"{function}에서 예외가 발생했습니다",
         [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}])


def _moved(report, role, device):
    return device in report["moves"].get(role, [])


def check_placement(report, function, device):
    """The model and every tensor went to `device` before the forward: name what did not."""
    error = report["error"]
    if not error:
        return
    if "cuda" in report["model_moves"] + [d for moves in report["moves"].values() for d in moves] \
            and device != "cuda":
        fail(f"{function} moved something to \"cuda\", but the device you were given is \"{device}\": move the model "
             "and the data with .to(device), the argument, and never write \"cuda\" into the code. Code that "
             "hard-codes \"cuda\" fails on every machine without a GPU",
             f"{function}에서 무언가를 \"cuda\"로 옮겼지만, 받은 디바이스는 \"{device}\"입니다. 모델과 데이터는 인자로 "
             "받은 device로 .to(device)를 써서 옮기고, 코드에 \"cuda\"를 직접 쓰지 마세요. \"cuda\"를 하드코딩한 "
             "코드는 GPU가 없는 컴퓨터에서 모두 실패합니다",
             [{"en": f"your code raised {error}", "ko": f"코드에서 예외가 발생했습니다: {error}"}])
    if SIMULATED in error or "Expected all tensors to be on the same device" in error:
        detail = [{"en": f"your code raised {error}", "ko": f"코드에서 예외가 발생했습니다: {error}"}]
        if "host" in report["forward_inputs"]:
            if _moved(report, "x", device):
                fail("x.to(device) was called, but the model still received the x that lives on the CPU: .to() on a "
                     "tensor does not move it in place, it returns a new tensor on the device. Keep it: "
                     "x = x.to(device)",
                     "x.to(device)를 호출했지만 모델에는 여전히 CPU에 있는 x가 들어갔습니다. 텐서의 .to()는 텐서를 "
                     "제자리에서 옮기지 않고, 디바이스에 있는 새 텐서를 돌려줍니다. 그 결과를 받아 두세요: "
                     "x = x.to(device)",
                     detail)
            fail("the model is on the device but x is still on the CPU: move the data too, x = x.to(device). "
                 "A model and its input must be on the same device",
                 "모델은 디바이스에 있는데 x는 아직 CPU에 있습니다. 데이터도 옮기세요: x = x.to(device). 모델과 입력은 "
                 "같은 디바이스에 있어야 합니다",
                 detail)
        if device not in report["model_moves"]:
            fail("x is on the device but the model is still on the CPU: call model.to(device) (a module moves in "
                 "place, its parameters and buffers with it)",
                 "x는 디바이스에 있는데 모델은 아직 CPU에 있습니다. model.to(device)를 호출하세요 (모듈은 제자리에서 "
                 "파라미터와 버퍼를 함께 옮깁니다)",
                 detail)
        if not _moved(report, "y", device):
            fail("the targets y are still on the CPU while the output is on the device: move them too, "
                 "y = y.to(device), before computing the loss",
                 "출력은 디바이스에 있는데 정답 y는 아직 CPU에 있습니다. 손실을 계산하기 전에 y도 옮기세요: "
                 "y = y.to(device)",
                 detail)
        fail("y.to(device) was called, but the loss still received the y that lives on the CPU: .to() returns a "
             "new tensor; keep it: y = y.to(device)",
             "y.to(device)를 호출했지만 손실 계산에는 여전히 CPU에 있는 y가 들어갔습니다. .to()는 새 텐서를 "
             "돌려주니 그 결과를 받아 두세요: y = y.to(device)",
             detail)
    _raised(function, error)


def check_uses_device(sub, function):
    """The learner's source, read on the trusted side: `function` uses its `device` argument."""
    if "device" not in source_mentions(sub, "device", within=function):
        fail(f"{function} never uses its `device` argument: move the model and the data with .to(device), the "
             "device you are given",
             f"{function}에서 인자로 받은 `device`를 쓰지 않았습니다. 모델과 데이터를 받은 device로 옮기세요: "
             ".to(device)")


def check_x_reached_the_device(report, what):
    """The record of what the model received (a claim, trusted only to take the point away: the harness rule
    keeps the file from the harness): a tensor on the device in every forward. Not which tensor was moved:
    x.clone().to(device) and torch.tensor(x.tolist(), device=device) move a copy, and are right."""
    if report["forward_inputs"] and all(kind == "device" for kind in report["forward_inputs"]):
        return
    fail(f"the model did not receive x on the device: {what['en']} is right, but it was computed from a copy of x "
         "that never went there. Move the data and give the model what .to() returns: x = x.to(device)",
         f"모델이 디바이스에 있는 x를 받지 않았습니다. {what['ko']} 맞지만, 디바이스로 가지 않은 x의 사본으로 "
         "계산한 것입니다. 데이터를 옮기고 .to()가 돌려준 텐서를 모델에 넣으세요: x = x.to(device)")


def check_predict(sub, report, expected, device, fan_in):
    check_placement(report, "predict", device)
    place = report["result_place"]
    if place == "device":
        fail("predict returned the output where it was computed, on the device: bring it back with .cpu() "
             "(output.cpu()) before returning it. Logging, NumPy and plotting need tensors in CPU memory",
             "predict가 계산한 디바이스에 있는 출력을 그대로 돌려주었습니다. 돌려주기 전에 .cpu()로 가져오세요 "
             "(output.cpu()). 로그 출력, NumPy, 그래프 그리기에는 CPU 메모리에 있는 텐서가 필요합니다")
    if place != "host":
        fail(f"predict returned a {place}: return the model's output, a tensor",
             f"predict가 돌려준 값이 텐서가 아니라 {place}입니다. 모델의 출력 텐서를 돌려주세요")
    if report["requires_grad"] or any(report.get("forward_grad", [])):
        fail("predict ran the model while tracking gradients: an inference builds no graph, so run the model under "
             "`with torch.no_grad():`",
             "predict가 그래디언트를 추적하면서 모델을 실행했습니다. 추론에는 계산 그래프가 필요 없으니 "
             "`with torch.no_grad():` 안에서 모델을 실행하세요")
    expect_close(report["result"], expected["result"], condition=fan_in,
                 what={"en": "predict's output", "ko": "predict의 출력"})
    check_x_reached_the_device(report, {"en": "the output", "ko": "출력은"})
    check_uses_device(sub, "predict")


def check_evaluate(sub, report, expected, device, terms):
    check_placement(report, "evaluate", device)
    if any(report.get("forward_grad", [])):
        fail("evaluate ran the model while tracking gradients: an evaluation builds no graph, so compute the loss "
             "under `with torch.no_grad():` (it saves the memory of every activation)",
             "evaluate가 그래디언트를 추적하면서 모델을 실행했습니다. 평가에는 계산 그래프가 필요 없으니 "
             "`with torch.no_grad():` 안에서 손실을 계산하세요 (활성값을 저장할 메모리를 아낄 수 있습니다)")
    if report["type"] != "float":
        if report["type"] == "Tensor":
            fail("evaluate returned a tensor: return the loss as a Python float with loss.item(), which also copies "
                 "it from the device to the CPU",
                 "evaluate가 텐서를 돌려주었습니다. loss.item()으로 손실을 파이썬 float으로 돌려주세요. "
                 ".item()은 값을 디바이스에서 CPU로 복사해 오기도 합니다")
        fail(f"evaluate returned a {report['type']}: return the loss as a Python float, loss.item()",
             f"evaluate가 돌려준 값이 {report['type']}입니다. 손실을 파이썬 float으로 돌려주세요: loss.item()")
    expect_close(torch.tensor([report["value"]], dtype=torch.float64),
                 torch.tensor([expected["value"]], dtype=torch.float64), dtype=torch.float32, check_dtype=False,
                 condition=terms, what={"en": "the loss", "ko": "손실"})
    check_x_reached_the_device(report, {"en": "the loss", "ko": "손실은"})
    read_out = report.get("read_out", [])      # a report forged without it still gets this message
    # a claim: it may only take the point away. y went to the device, or the loss was read out there (a copy of
    # y made on the device, torch.tensor(y.tolist(), device=device), is right too); never a loss read on the host
    if "host" in read_out or not (_moved(report, "y", device) or "device" in read_out):
        fail("evaluate computed the loss on the CPU: the targets y never went to the device, so the output came "
             "back before the loss. Move y too, y = y.to(device), compute the loss on the device, and bring back "
             "only the number, loss.item()",
             "evaluate가 손실을 CPU에서 계산했습니다. 정답 y가 디바이스로 가지 않았으니 출력을 먼저 CPU로 가져온 "
             "것입니다. y도 옮기고(y = y.to(device)) 디바이스에서 손실을 계산한 다음, 숫자만 loss.item()으로 "
             "가져오세요")
    check_uses_device(sub, "evaluate")


def check_pick(sub, report, simulated):
    """pick_device(), with torch.cuda.is_available() answering `simulated` in the learner's process (None: the
    real answer, which the grader asks itself: the learner's process reports only what it returned)."""
    if report["error"]:
        _raised("pick_device", report["error"])
    if report["type"] != "device":
        fail(f"pick_device returned a {report['type']}: return a torch.device, "
             "torch.device(\"cuda\" if torch.cuda.is_available() else \"cpu\")",
             f"pick_device가 돌려준 값이 {report['type']}입니다. torch.device를 돌려주세요: "
             "torch.device(\"cuda\" if torch.cuda.is_available() else \"cpu\")")
    available = torch.cuda.is_available() if simulated is None else simulated
    if report["device_type"] == ("cuda" if available else "cpu"):
        if not source_mentions(sub, {"is_available", "device_count"}, within="pick_device"):
            fail("pick_device does not ask torch.cuda.is_available(): ask it every time, and never assume a GPU",
                 "pick_device가 torch.cuda.is_available()을 확인하지 않습니다. 매번 확인하고, GPU가 있다고 가정하지 "
                 "마세요")
        return
    made = simulated is not None
    en_when = (f"torch.cuda.is_available() returned {available}" + (" (the grader made it so)" if made else ""))
    ko_when = (f"torch.cuda.is_available()이 {available}를 돌려주었는데" + (" (채점기가 그렇게 만든 상황)" if made else ""))
    if available:
        fail(f"{en_when}, yet pick_device returned {report['device']}: use the GPU when there is one",
             f"{ko_when} pick_device가 {report['device']}를 돌려주었습니다. GPU가 있으면 GPU를 쓰세요")
    fail(f"{en_when}, yet pick_device returned {report['device']}: ask torch.cuda.is_available() and fall back "
         "to torch.device(\"cpu\") when there is no GPU",
         f"{ko_when} pick_device가 {report['device']}를 돌려주었습니다. torch.cuda.is_available()로 확인하고, "
         "GPU가 없으면 torch.device(\"cpu\")를 돌려주세요")


@pytest.fixture
def data():
    """data(seed, n, features, outputs) -> (x, y) on the CPU."""
    return make_data


@pytest.fixture
def checks():
    return types.SimpleNamespace(predict=check_predict, evaluate=check_evaluate, pick=check_pick)
