"""Shared checks for the mixed-precision specs.

The learner's code runs in the worker on a float32 classifier built there (harness.py); the harness
reports the learner's results and what it saw: each layer's output dtype and whether autocast was on
(CPU or CUDA) while it ran, the parameters' dtypes afterwards, and torch's warning when CUDA autocast is
disabled on a machine without a GPU. Values are compared with the reference's run on the same inputs.
The logits are bfloat16, so they are held to bfloat16's tolerance (expect_close derives it from the
dtype); probabilities and the loss are float32 results computed from those logits: softmax and
cross-entropy amplify rounding by about the size of the logits, hence condition=max|logits|.
"""
import types

import pytest
import torch

from torchkata.spec import expect_close, fail


def make_batch(seed, n=8, features=5, classes=3):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=gen)
    y = torch.randint(0, classes, (n,), generator=gen)
    y[0] = classes - 1                      # every class count is known from y.max()
    return x, y


def _raised(function, message):
    fail(f"{function} raised an exception", f"{function}에서 예외가 발생했습니다",
         [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}])


def check_weights(report, function):
    """The model ran, and its weights are still float32 afterwards."""
    if report["error"]:
        _raised(function, report["error"])
    if not report["layers"]:
        fail(f"{function} never called the model: compute the logits with model(x)",
             f"{function}에서 모델을 호출하지 않았습니다. model(x)로 로짓을 계산하세요")
    if report["param_dtypes"] != ["float32"]:
        fail("the model's weights were cast to bfloat16: keep them in float32 (the master weights) and let "
             "autocast cast each operation's inputs on the fly. bfloat16 keeps only about 3 significant digits, "
             "so small updates to bfloat16 weights are rounded away",
             "모델의 가중치를 bfloat16으로 바꿨습니다. 가중치(마스터 가중치)는 float32로 두고, 각 연산의 입력 "
             "변환은 autocast에 맡기세요. bfloat16은 유효숫자가 3자리 정도뿐이라 bfloat16 가중치에 작은 "
             "업데이트를 더하면 반올림되어 사라집니다",
             [{"en": f"parameter dtypes after the call: {report['param_dtypes']}",
               "ko": f"호출 뒤 파라미터의 dtype: {report['param_dtypes']}"}])


def check_precision(report, function):
    """Where the model ran: autocast on the CPU in bfloat16, with float32 weights."""
    check_weights(report, function)
    first = report["layers"][0]
    if report["cuda_autocast_disabled"] or first["autocast_cuda"]:
        fail("autocast was opened for CUDA, but the tensors are on the CPU, so nothing ran in bfloat16: "
             "torch.autocast(device_type=x.device.type, dtype=torch.bfloat16) picks the device the tensors are on. "
             "torch.cuda.amp.autocast() and autocast(\"cuda\") only affect CUDA tensors",
             "autocast를 CUDA용으로 열었지만 텐서가 CPU에 있어서 아무 연산도 bfloat16으로 실행되지 않았습니다. "
             "torch.autocast(device_type=x.device.type, dtype=torch.bfloat16)처럼 텐서가 있는 디바이스를 지정하세요. "
             "torch.cuda.amp.autocast()나 autocast(\"cuda\")는 CUDA 텐서에만 적용됩니다")
    if first["dtype"] != "bfloat16" or not first["autocast_cpu"]:
        fail(f"the first linear layer produced {first['dtype']}: run model(x) inside "
             "`with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):`, where nn.Linear computes in "
             "bfloat16",
             f"첫 번째 선형 레이어의 출력이 {first['dtype']}입니다. model(x)를 "
             "`with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):` 안에서 실행하세요. "
             "그 안에서는 nn.Linear가 bfloat16으로 계산합니다")


def check_forward(report, expected):
    """mixed_forward's three results against the reference's."""
    check_precision(report, "mixed_forward")
    logits, probs, loss = report["logits"], report["probs"], report["loss"]
    expect_close(logits, expected["logits"], what={"en": "the logits", "ko": "로짓"})
    condition = float(expected["logits"].float().abs().max())
    if isinstance(probs, torch.Tensor) and probs.dtype == torch.bfloat16:
        fail("probs is bfloat16: cast the logits back with .float() before the softmax. Under autocast on the CPU, "
             "only some operations (such as cross_entropy) are run in float32; softmax keeps the dtype of its input",
             "probs가 bfloat16입니다. softmax 전에 .float()로 로짓을 float32로 되돌리세요. CPU의 autocast에서는 "
             "일부 연산(cross_entropy 등)만 float32로 실행되고, softmax는 입력의 dtype을 그대로 따릅니다")
    expect_close(probs, expected["probs"], condition=condition, what={"en": "probs", "ko": "probs"})
    if isinstance(loss, torch.Tensor) and loss.dtype == torch.bfloat16:
        fail("the loss is bfloat16: compute it in float32, from logits.float() (or inside autocast, which runs "
             "cross_entropy in float32). A bfloat16 loss keeps about 3 significant digits",
             "손실이 bfloat16입니다. logits.float()로 float32에서 계산하세요 (autocast 안에서 계산해도 "
             "cross_entropy는 float32로 실행됩니다). bfloat16 손실은 유효숫자가 3자리 정도뿐입니다")
    expect_close(loss, expected["loss"], condition=condition, what={"en": "the loss", "ko": "손실"})


def check_training(report, expected, steps, logits):
    """train_step, `steps` times: the loss curve and final weights against the reference's.

    `logits` are the reference's bfloat16 logits of the untrained model (its mixed_forward on the same
    seed). The first loss comes from those weights before any update, so it is held to float32's tolerance:
    a forward run without autocast, in float32, differs by bfloat16's rounding and fails here, whatever
    the learner's process says about autocast. Later losses follow weights that bfloat16 rounding can
    move apart (a float32 rounding can flip a weight's bfloat16 value): bfloat16's tolerance."""
    check_precision(report, "train_step")
    if report["losses"]:
        expect_close(torch.tensor(report["losses"][:1], dtype=torch.float32),
                     torch.tensor(expected["losses"][:1], dtype=torch.float32),
                     condition=float(logits.float().abs().max()),
                     what={"en": "the loss of the first train_step (before any update)",
                           "ko": "첫 train_step의 손실(갱신 전)"})
    if not report["floats"]:
        fail("train_step must return the loss as a Python float: return loss.item()",
             "train_step은 손실을 파이썬 float으로 돌려줘야 합니다. loss.item()을 돌려주세요")
    if report["grad_dtypes"] != ["float32"]:
        fail(f"the gradients are {report['grad_dtypes']}: call loss.backward() on the float32 loss, with float32 "
             "weights, so every gradient is float32",
             f"그래디언트의 dtype이 {report['grad_dtypes']}입니다. float32 가중치에서, float32 손실로 "
             "loss.backward()를 호출해야 그래디언트가 모두 float32가 됩니다")
    expect_close(torch.tensor(report["losses"], dtype=torch.float64),
                 torch.tensor(expected["losses"], dtype=torch.float64), dtype=torch.bfloat16, check_dtype=False,
                 what={"en": "the losses train_step returned", "ko": "train_step이 돌려준 손실"})
    for index, (weight, want) in enumerate(zip(report["weights"], expected["weights"])):
        expect_close(weight, want, condition=steps,
                     what={"en": f"parameter {index} after training", "ko": f"학습 후 {index}번 파라미터"})
    if any(grad is None for grad in report["grads"]):
        fail("the parameters hold no gradients after train_step: zero them at the start of the step "
             "(optimizer.zero_grad() before the forward), not after optimizer.step(), so that the step's float32 "
             "gradients stay on the parameters afterwards",
             "train_step이 끝난 뒤 파라미터에 그래디언트가 없습니다. 그래디언트는 optimizer.step() 뒤가 아니라 "
             "스텝을 시작할 때(순전파 전에 optimizer.zero_grad()) 초기화하세요. 그래야 그 스텝의 float32 "
             "그래디언트가 스텝이 끝난 뒤에도 파라미터에 남습니다")
    for index, (grad, want) in enumerate(zip(report["grads"], expected["grads"])):
        expect_close(grad, want, condition=steps,
                     what={"en": f"the gradient of parameter {index} after training",
                           "ko": f"학습 후 {index}번 파라미터의 그래디언트"})


@pytest.fixture
def batch():
    """batch(seed, n=8, features=5, classes=3) -> (x, y)."""
    return make_batch


@pytest.fixture
def checks():
    return types.SimpleNamespace(precision=check_precision, weights=check_weights, forward=check_forward, training=check_training,
                                 raised=_raised)
