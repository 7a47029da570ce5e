"""Shared checks for the no-grad-detach specs.

harness.py drives the learner's code and reports facts as plain data; each check compares them with
the reference's, run on float64 copies of the inputs (a float64 oracle) where values are compared.
Known autograd errors arrive as data ("leaf in place", "graph freed", ...) and get their own
explanation here.
"""
import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close, fail

ERRORS = {
    "leaf in place": (
        "raised RuntimeError: a parameter was changed in place outside torch.no_grad(). Autograd does not allow "
        "that on a leaf that requires grad: do the update inside `with torch.no_grad():`",
        "에서 RuntimeError가 발생했습니다. torch.no_grad() 밖에서 파라미터를 in-place로 바꿨습니다. autograd는 "
        "requires_grad=True인 리프 텐서를 그렇게 바꾸는 것을 허용하지 않으니, `with torch.no_grad():` 블록 안에서 "
        "갱신하세요"),
    "graph freed": (
        "raised RuntimeError: the graph was walked a second time after it had been freed. Ask for all the "
        "gradients in one call, torch.autograd.grad(loss, [W, b])",
        "에서 RuntimeError가 발생했습니다. 이미 해제된 계산 그래프를 한 번 더 거슬러 올라가려고 했습니다. "
        "필요한 그래디언트를 한 번의 호출로 모두 구하세요: torch.autograd.grad(loss, [W, b])"),
    "nothing requires grad": (
        "raised RuntimeError: a tensor that was differentiated has no graph (it does not require grad). To "
        "differentiate a derivative again, the first torch.autograd.grad call needs create_graph=True",
        "에서 RuntimeError가 발생했습니다. 미분하려는 텐서에 계산 그래프가 없습니다(requires_grad가 False입니다). "
        "도함수를 한 번 더 미분하려면 첫 번째 torch.autograd.grad 호출에 create_graph=True를 주어야 합니다"),
    "not a scalar": (
        "raised RuntimeError: torch.autograd.grad was given a tensor with more than one element as the output. "
        "Differentiate its sum, y.sum(): f works elementwise, so the gradient of the sum is f'(x) at every point",
        "에서 RuntimeError가 발생했습니다. torch.autograd.grad에 원소가 여러 개인 텐서를 출력으로 넘겼습니다. "
        "합 y.sum()을 미분하세요. f는 원소별로 계산되므로, 합의 그래디언트가 곧 각 점에서의 f'(x)입니다"),
}

# sgd_step raised TypeError with None as an operand: every p.grad was filled by backward() just before the call.
GRAD_NONE_IN_UPDATE = (
    "sgd_step(params, lr) raised TypeError: a gradient your update used was None, though backward() had filled every "
    "p.grad just before the call. Update first, with p.grad, and clear the gradients only after the update",
    "sgd_step(params, lr)에서 TypeError가 발생했습니다. 호출 직전에 backward()가 모든 p.grad를 채워 두었는데, "
    "갱신에 쓴 그래디언트가 None이었습니다. 먼저 p.grad로 갱신하고, 그래디언트는 갱신한 다음에 초기화하세요")
# PyTorch's words when requires_grad is switched off on a tensor computed by an operation.
NOT_A_LEAF = "you can only change requires_grad flags of leaf variables"
REQUIRES_GRAD_OF_A_RESULT = (
    "target_loss raised RuntimeError: requires_grad can only be switched off on a leaf tensor, and the target "
    "(like the prediction) was computed by the model. Use target.detach(), the same values cut out of the graph",
    "target_loss에서 RuntimeError가 발생했습니다. requires_grad는 리프 텐서에서만 끌 수 있는데, 타깃은 예측값처럼 "
    "모델이 계산한 값입니다. 값은 같고 그래프에서 잘려 나온 target.detach()를 쓰세요")


def _explain_error(report, call):
    error = report.get("error")
    if error:
        en, ko = ERRORS[error]
        fail(f"{call} {en}", f"{call}{ko}")


def _expect_tensor_result(report, call):
    expect(report["type"] == "Tensor",
           en=f"{call} returned a {report['type']}, expected a tensor",
           ko=f"{call}의 반환값이 텐서가 아니라 {report['type']}입니다")


@pytest.fixture
def check_evaluate(sub, ref):
    def check(weight, bias, X, y):
        call = "evaluate(model, X, y)"
        got = sub.harness.evaluate_report(weight, bias, X, y)
        want = ref.harness.evaluate_report(weight.double(), bias.double(), X.double(), y.double())
        _expect_tensor_result(got, call)
        expect(len(got["forward_calls"]) == 1,
               en=f"{call} called the model {len(got['forward_calls'])} times: call it once, on X",
               ko=f"{call}에서 모델을 {len(got['forward_calls'])}번 호출했습니다. X에 대해 한 번만 호출하세요")
        forward = got["forward_calls"][0]
        expect(not forward["training"],
               en="the model was still in training mode during the forward pass: call model.eval() before it "
                  "(torch.no_grad() does not change the mode of layers such as Dropout and BatchNorm)",
               ko="순전파를 할 때 모델이 아직 학습 모드였습니다. 그 전에 model.eval()을 호출하세요 "
                  "(torch.no_grad()는 Dropout이나 BatchNorm 같은 레이어의 모드를 바꾸지 않습니다)")
        expect(not forward["grad_enabled"],
               en="autograd was tracking during the forward pass, so a whole graph was built for nothing: run the "
                  "forward pass and the loss inside `with torch.no_grad():` (model.eval() does not turn tracking "
                  "off, and .detach() at the end only throws the graph away after it was built)",
               ko="순전파 중에 autograd가 연산을 추적하고 있어서 쓸데없이 계산 그래프 전체가 만들어졌습니다. "
                  "순전파와 손실 계산을 `with torch.no_grad():` 블록 안에서 하세요 (model.eval()은 추적을 끄지 "
                  "않고, 마지막에 .detach()를 하는 것은 이미 만든 그래프를 버리는 것일 뿐입니다)")
        expect(got["grad_enabled_after"],
               en=f"gradient tracking was still off after {call} returned: use a `with torch.no_grad():` block, "
                  "which turns it back on when it ends, rather than torch.set_grad_enabled(False)",
               ko=f"{call}가 끝난 뒤에도 그래디언트 추적이 꺼져 있었습니다. torch.set_grad_enabled(False) 대신, "
                  "블록이 끝나면 추적을 다시 켜 주는 `with torch.no_grad():` 블록을 쓰세요")
        expect(not got["requires_grad"],
               en="the loss returned by evaluate requires grad: it must be computed without tracking",
               ko="evaluate가 반환한 손실의 requires_grad가 True입니다. 추적하지 않은 상태에서 계산해야 합니다")
        expect_close(got["loss"], want["loss"], dtype=X.dtype, condition=y.numel(),
                     what={"en": "the loss", "ko": "손실 값"})
    return check


@pytest.fixture
def check_training(sub, ref):
    def check(weight, bias, X, y, lr, steps):
        call = "sgd_step(params, lr)"
        try:
            got = sub.harness.train_report(weight, bias, X, y, lr, steps)
        except LearnerError as error:
            info = error.info
            if info.get("type") == "TypeError" and "'NoneType'" in str(info.get("message", "")):
                fail(*GRAD_NONE_IN_UPDATE)
            raise
        want = ref.harness.train_report(weight.double(), bias.double(), X.double(), y.double(), lr, steps)
        _explain_error(got, call)
        condition = steps * y.numel()
        for k, (mine, right) in enumerate(zip(got["after"], want["after"])):
            step = {"en": f"after step {k + 1}", "ko": f"{k + 1}번째 스텝 뒤"}
            expect(mine["still_leaves"],
                   en=f"{step['en']}, W or b is no longer a leaf that requires grad: update the parameters in "
                      "place (p -= lr * p.grad) inside torch.no_grad(), so they stay the same trainable tensors",
                   ko=f"{step['ko']}에 W나 b가 더 이상 requires_grad=True인 리프 텐서가 아닙니다. "
                      "torch.no_grad() 안에서 파라미터를 in-place로 갱신해야(p -= lr * p.grad) 같은 학습 가능한 "
                      "텐서로 남습니다")
            if k == 0:
                expect(not torch.equal(mine["W"], weight) or torch.equal(right["W"], weight.double()),
                       en=f"{call} left the parameters unchanged: change each p itself, in place, with "
                          "p -= lr * p.grad inside torch.no_grad(), and clear p.grad only after that update",
                       ko=f"{call}가 파라미터를 바꾸지 않았습니다. torch.no_grad() 안에서 p -= lr * p.grad로 "
                          "p 자체를 in-place로 바꾸고, p.grad는 그렇게 갱신한 다음에 초기화하세요")
            expect(mine["grads_cleared"],
                   en=f"{step['en']}, the gradients were still in p.grad: clear them at the end of sgd_step "
                      "(p.grad = None or p.grad.zero_()), or the next backward() adds the new gradient to the old one",
                   ko=f"{step['ko']}에도 p.grad에 그래디언트가 남아 있었습니다. sgd_step 마지막에 초기화하세요 "
                      "(p.grad = None 또는 p.grad.zero_()). 그러지 않으면 다음 backward()가 새 그래디언트를 이전 "
                      "값에 더합니다")
            for name in ("W", "b"):
                expect_close(mine[name], right[name], dtype=X.dtype, condition=condition,
                             what={"en": f"{name} {step['en']}", "ko": f"{step['ko']}의 {name}"})
        expect_close(got["losses"], want["losses"], dtype=X.dtype, condition=condition,
                     what={"en": "the losses during training", "ko": "학습 중의 손실 값"})
    return check


@pytest.fixture
def check_target(sub, ref):
    def check(weight, X1, X2):
        call = "target_loss(prediction, target)"
        try:
            got = sub.harness.target_report(weight, X1, X2)
        except LearnerError as error:
            info = error.info
            if info.get("type") == "RuntimeError" and NOT_A_LEAF in str(info.get("message", "")):
                fail(*REQUIRES_GRAD_OF_A_RESULT)
            raise
        want = ref.harness.target_report(weight.double(), X1.double(), X2.double())
        _expect_tensor_result(got, call)
        expect_close(got["loss"], want["loss"], dtype=X1.dtype, condition=X1.shape[0],
                     what={"en": "the loss", "ko": "손실 값"})
        expect(got["requires_grad"],
               en="the loss does not require grad, so no gradient can reach w: detach only the target, never the "
                  "prediction",
               ko="손실의 requires_grad가 False라서 w까지 그래디언트가 전달될 수 없습니다. 타깃만 detach하고, "
                  "예측값은 detach하지 마세요")
        expect_close(got["grad"], want["grad"], dtype=X1.dtype, condition=X1.shape[0],
                     what={"en": "the gradient that reached w (through the prediction only)",
                           "ko": "w에 도달한 그래디언트 (예측값을 거쳐 온 것만)"})
    return check


@pytest.fixture
def check_gradients(sub, ref):
    def check(X, W, b, y, stale=7.0):
        call = "loss_gradients(X, W, b, y)"
        got = sub.harness.gradients_report(X, W, b, y, stale)
        want = ref.harness.gradients_report(X.double(), W.double(), b.double(), y.double(), stale)
        _explain_error(got, call)
        grads = got["grads"]
        expect(isinstance(grads, tuple) and len(grads) == 2,
               en=f"{call} must return the pair (dL/dW, dL/db)",
               ko=f"{call}는 (dL/dW, dL/db) 두 값을 반환해야 합니다")
        for name, g, e in zip(("dL/dW", "dL/db"), grads, want["grads"]):
            expect_close(g, e, dtype=X.dtype, condition=y.numel(), what=name)
        for name in ("W", "b"):
            after = got[f"{name}_grad_after"]
            expect(after is not None and torch.equal(after, torch.full_like(after, stale)),
                   en=f"{name}.grad was changed: torch.autograd.grad returns the gradients and leaves .grad alone, "
                      "but loss.backward() writes into .grad (and adds to what was there). Use "
                      "torch.autograd.grad(loss, [W, b])",
                   ko=f"{name}.grad가 바뀌었습니다. torch.autograd.grad는 그래디언트를 반환만 하고 .grad는 건드리지 "
                      "않지만, loss.backward()는 .grad에 값을 씁니다(원래 있던 값에 더합니다). "
                      "torch.autograd.grad(loss, [W, b])를 쓰세요")
    return check


def _same(got, expected) -> bool:
    """Agree to float32 precision: used only to name a mistake, never to pass a test."""
    return isinstance(got, torch.Tensor) and got.shape == expected.shape and got.is_floating_point() \
        and bool(torch.allclose(got.detach().double(), expected.double(), rtol=1e-4, atol=1e-5))


# The second_of_f_again mutant's diagnosis (kata.toml), said where f''(x) is checked to equal f'(x).
SECOND_IS_FIRST = {
    "en": "your f''(x) is f'(x), the derivative of f(x) (taken again, or returned twice). The second derivative is "
          "the derivative of the first one: torch.autograd.grad(first.sum(), x), after a first call with "
          "create_graph=True",
    "ko": "f''(x)가 f(x)의 도함수인 f'(x)와 같습니다(f(x)를 다시 미분했거나 f'(x)를 두 번 반환했습니다). "
          "2계 도함수는 1계 도함수를 미분한 것입니다: create_graph=True로 첫 번째 호출을 한 뒤 "
          "torch.autograd.grad(first.sum(), x)"}


@pytest.fixture
def check_derivatives(sub, ref):
    def check(name, points):
        call = "derivatives(f, x)"
        got = sub.harness.derivatives_report(name, points)
        want = ref.harness.derivatives_report(name, points.double())
        _explain_error(got, call)
        result = got["result"]
        expect(isinstance(result, tuple) and len(result) == 2,
               en=f"{call} must return the pair (f'(x), f''(x))",
               ko=f"{call}는 (f'(x), f''(x)) 두 값을 반환해야 합니다")
        first, second = want["result"]
        for label, g, e in zip(("f'(x)", "f''(x)"), result, want["result"]):
            if label == "f''(x)" and _same(g, first) and not _same(second, first):
                fail(**SECOND_IS_FIRST)
            expect_close(g, e, dtype=points.dtype, condition=4, what=label)
        expect(got["x_grad_after"] is None,
               en="x.grad was filled: backward() was used. torch.autograd.grad returns the derivatives without "
                  "writing into .grad",
               ko="x.grad가 채워졌습니다. backward()를 쓴 것입니다. torch.autograd.grad는 .grad에 값을 쓰지 않고 "
                  "도함수를 반환합니다")
    return check
