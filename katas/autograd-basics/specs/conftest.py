"""Shared checks for the autograd-basics specs.

Graph facts (is_leaf, requires_grad, grad_fn) come from harness.py and are compared with the
reference's one by one, so that a failure says which fact is wrong. Gradients are compared with a
float64 oracle (the reference run on float64 inputs), with the condition of the loss's sum.
"""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail, tolerance

NAMES = ("a", "b", "x", "y", "z")


def expect_input_dtype(got, dtype, what) -> None:
    """A gradient in another floating dtype than the inputs': said before the values are compared."""
    what = what if isinstance(what, dict) else {"en": what, "ko": what}
    if isinstance(got, torch.Tensor) and got.is_floating_point() and got.dtype != dtype:
        fail(f"given {dtype} inputs, {what['en']} came back as {got.dtype}: gradients keep the dtype of the inputs, so "
             "compute in it (no .float(), no dtype=torch.float32; W.clone() keeps the dtype)",
             f"{dtype} 입력을 받았는데 {what['ko']}가 {got.dtype}로 나왔습니다. 그래디언트는 입력의 dtype을 유지하므로 "
             "그 dtype으로 계산하세요 (.float()나 dtype=torch.float32는 쓰지 마세요. W.clone()은 dtype을 "
             "유지합니다)")


def _no_grad_message(call):
    return (f"{call} raised RuntimeError: backward() found nothing that requires grad. Make the parameters "
            "leaf tensors that require grad (requires_grad_(True)) before you compute the loss from them",
            f"{call}에서 RuntimeError가 발생했습니다. backward()가 그래디언트를 구할 텐서를 하나도 찾지 "
            "못했습니다. 손실을 계산하기 전에 파라미터를 requires_grad=True인 리프 텐서로 만드세요 "
            "(requires_grad_(True))")


def _result(report, call):
    """The learner's result from a guarded harness call, or the explanation of the error it reports."""
    if report["error"] == "nothing requires grad":
        fail(*_no_grad_message(call))
    return report["result"]


@pytest.fixture
def check_parameter(sub, ref):
    def check(init, scale):
        got = sub.harness.parameter_report(init, scale)
        want = ref.harness.parameter_report(init, scale)
        expect(got["type"] == "Tensor",
               en=f"make_parameter returned a {got['type']}, expected a torch.Tensor",
               ko=f"make_parameter의 반환값이 torch.Tensor가 아니라 {got['type']}입니다")
        expect_close(got["value"], want["value"], what={"en": "the parameter", "ko": "파라미터 값"})
        expect(got["requires_grad"],
               en="the parameter does not require grad: autograd will never compute a gradient for it",
               ko="파라미터의 requires_grad가 False입니다. 이래서는 autograd가 그래디언트를 구하지 않습니다")
        expect(got["is_leaf"],
               en=f"the parameter is not a leaf tensor: it was made by an operation ({got['grad_fn']}) on a "
                  "tensor that already required grad, so backward() never fills its .grad",
               ko=f"파라미터가 리프 텐서가 아닙니다. 이미 requires_grad=True인 텐서에 연산({got['grad_fn']})을 "
                  "해서 만든 텐서라서, backward()를 호출해도 .grad가 채워지지 않습니다")
        expect_close(got["grad"], want["grad"],
                     what={"en": "the parameter's .grad after backward()", "ko": "backward() 뒤 파라미터의 .grad"})
    return check


@pytest.fixture
def check_graph(sub, ref):
    def check(a, b, x):
        got = sub.harness.graph_report(a, b, x)
        want = ref.harness.graph_report(a, b, x)
        expect(got["type"] in ("tuple", "list") and got["length"] == 5,
               en="build_graph must return the five tensors (a, b, x, y, z)",
               ko="build_graph는 텐서 다섯 개 (a, b, x, y, z)를 반환해야 합니다")
        for name in NAMES:
            node, right = got["nodes"][name], want["nodes"][name]
            expect(node["type"] == "Tensor",
                   en=f"{name} is a {node['type']}, not a tensor: build the graph with torch tensors",
                   ko=f"{name}가 텐서가 아니라 {node['type']}입니다. 계산 그래프는 torch 텐서로 만들어야 합니다")
            expect_close(node["value"], right["value"], what={"en": name, "ko": name})
        for name in ("a", "b", "x"):
            node = got["nodes"][name]
            expect(node["requires_grad"] and node["is_leaf"],
                   en=f"{name} must be a leaf tensor that requires grad: torch.tensor({name}, requires_grad=True)",
                   ko=f"{name}는 requires_grad=True인 리프 텐서여야 합니다: "
                      f"torch.tensor({name}, requires_grad=True)")
        for name, op in (("y", "AddBackward0"), ("z", "MulBackward0")):
            node = got["nodes"][name]
            expect(node["grad_fn"] == op,
                   en=f"{name}.grad_fn is {node['grad_fn']}, expected {op}: {name} must be computed from the "
                      "tensors above by a tensor operation, so that autograd records it in the graph",
                   ko=f"{name}.grad_fn이 {node['grad_fn']}인데, {op}여야 합니다. {name}는 위의 텐서들로부터 "
                      "텐서 연산으로 계산해야 autograd가 계산 그래프에 기록합니다")
        for when, en, ko in (("grads_after_one_backward", "after one z.backward()", "z.backward()를 한 번 호출한 뒤"),
                             ("grads_after_two_backward", "after a second z.backward()",
                              "z.backward()를 두 번째로 호출한 뒤")):
            for name in ("a", "b", "x"):
                grad = got[when][name]
                expect(grad is not None,
                       en=f"{name}.grad is None {en}: no gradient reached {name}",
                       ko=f"{ko}에도 {name}.grad가 None입니다. {name}까지 그래디언트가 전달되지 않았습니다")
                right = want[when][name]
                if when == "grads_after_one_backward" and isinstance(grad, torch.Tensor) and \
                        grad.shape == right.shape and bool((right != 0).all()) and torch.equal(grad, 2 * right):
                    fail(f"{name}.grad is twice too large after the grader's first z.backward(): it already held a "
                         "gradient, and backward() adds to .grad. build_graph must only build the graph, "
                         "without calling backward()",
                         f"채점기가 z.backward()를 처음 호출한 뒤 {name}.grad가 기댓값의 두 배입니다. 이미 "
                         ".grad에 그래디언트가 들어 있었고, backward()는 .grad에 값을 더하기 때문입니다. "
                         "build_graph에서는 backward()를 호출하지 말고 그래프만 만드세요")
                expect_close(grad, right, what={"en": f"{name}.grad {en}", "ko": f"{ko}의 {name}.grad"})
    return check


@pytest.fixture
def check_linear(sub, ref):
    def check(X, W, b, y):
        got = _result(sub.harness.linear_report(X, W, b, y), "linear_grads")
        want = ref.linear_grads(X.double(), W.double(), b.double(), y.double())
        expect(isinstance(got, (tuple, list)) and len(got) == 2,
               en="linear_grads must return the pair (dL/dW, dL/db)",
               ko="linear_grads는 (dL/dW, dL/db) 두 값을 반환해야 합니다")
        for name, g, e in zip(("dL/dW", "dL/db"), got, want):
            expect(g is not None,
                   en=f"{name} is None: backward() never reached that parameter. Is the loss computed from it with "
                      "tensor operations, all the way (no .item(), no torch.tensor(...) around an intermediate "
                      "result)?",
                   ko=f"{name}가 None입니다. backward()가 그 파라미터까지 도달하지 못했습니다. 손실을 처음부터 끝까지 "
                      "그 파라미터로부터 텐서 연산으로만 계산했나요? (중간 결과에 .item()이나 torch.tensor(...)를 "
                      "쓰면 그래프가 끊깁니다)")
            expect_input_dtype(g, X.dtype, name)
            expect_close(g, e, dtype=X.dtype, condition=y.numel(), what=name)
    return check


@pytest.fixture
def check_per_batch(sub, ref):
    def check(w, batches):
        got = _result(sub.harness.per_batch_report(w, batches), "per_batch_gradients")
        double = [(x.double(), t.double()) for x, t in batches]
        want = ref.per_batch_gradients(w.double(), double)
        expect(isinstance(got, (list, tuple)) and len(got) == len(batches),
               en=f"per_batch_gradients must return a list with one gradient per batch ({len(batches)})",
               ko=f"per_batch_gradients는 배치마다 그래디언트를 하나씩 담은 리스트(길이 {len(batches)})를 "
                  "반환해야 합니다")
        tensors = [g for g in got if isinstance(g, torch.Tensor)]
        if len(got) > 1 and len(tensors) == len(got) and all(g.shape == w.shape for g in tensors) \
                and all(bool((g == 0).all()) for g in tensors) and any(bool((e != 0).any()) for e in want):
            fail(**ALL_ZEROS)
        if len(got) > 1 and len(tensors) == len(got) and all(g.shape == tensors[0].shape for g in tensors) \
                and all(torch.equal(g, tensors[0]) for g in tensors) \
                and not all(torch.equal(e, want[0]) for e in want):
            fail("every entry of the list holds the same values: one tensor was stored again and again, such as "
                 "w.grad itself, which backward() and zero_() keep changing in place. Store a copy of each "
                 "batch's gradient, w.grad.clone()",
                 "리스트의 원소가 모두 같은 값입니다. 텐서 하나를 여러 번 저장했습니다. 예를 들어 w.grad 자체를 "
                 "넣으면 backward()와 zero_()가 그 텐서를 in-place로 계속 바꿉니다. 배치마다 그래디언트의 "
                 "복사본, w.grad.clone()을 저장하세요")
        running = torch.zeros_like(want[0])
        for k, (g, e) in enumerate(zip(got, want)):
            running = running + e
            what = {"en": f"the gradient of batch {k}", "ko": f"{k}번 배치의 그래디언트"}
            expect(isinstance(g, torch.Tensor),
                   en=f"entry {k} of the list is a {type(g).__name__}, expected a tensor (a copy of w.grad)",
                   ko=f"리스트의 {k}번 원소가 텐서(w.grad의 복사본)가 아니라 {type(g).__name__}입니다")
            if k > 0 and g.shape == e.shape and g.is_floating_point() and _close(g, running, w.dtype, (k + 1) * batches[k][1].numel()):
                fail(f"the gradient of batch {k} is the sum of the gradients of batches 0 to {k}: backward() adds "
                     "to w.grad, so reset it (w.grad.zero_() or w.grad = None) before the next batch",
                     f"{k}번 배치의 그래디언트가 0번부터 {k}번 배치까지의 그래디언트를 모두 더한 값입니다. "
                     "backward()는 w.grad에 값을 더하니, 다음 배치 전에 초기화하세요 (w.grad.zero_() 또는 "
                     "w.grad = None)")
            if g.shape == e.shape and bool((g == 0).all()) and bool((e != 0).any()):
                fail(ALL_ZEROS["en"], ALL_ZEROS["ko"], [{"en": f"the gradient of batch {k} is all zeros",
                                                         "ko": f"{k}번 배치의 그래디언트가 모두 0입니다"}])
            expect_input_dtype(g, w.dtype, what)
            expect_close(g, e, dtype=w.dtype, condition=batches[k][1].numel(), what=what)
    return check


# Zeroed before it was kept: the stores_grad_itself mutant's diagnosis (kata.toml), and the same results come from
# zeroing w.grad before storing its clone, so it names both.
ALL_ZEROS = {"en": "the stored gradients are all zeros: w.grad was zeroed before its values were kept. Either the "
                   "list holds w.grad itself, which w.grad.zero_() then clears in place, or the zeroing came before "
                   "the storing. Store a copy, w.grad.clone(), right after backward(), then zero w.grad",
             "ko": "저장한 그래디언트가 모두 0입니다. 값을 보관하기 전에 w.grad가 0이 되었습니다. 리스트에 w.grad "
                   "자체를 넣어서 w.grad.zero_()가 그것을 in-place로 0으로 만들었거나, 저장하기 전에 0으로 "
                   "만들었습니다. backward() 직후에 복사본 w.grad.clone()을 저장하고, 그다음에 w.grad를 0으로 "
                   "만드세요"}


def _close(a, b, dtype, condition):
    """Within the tolerance expect_close would allow: used only to name a mistake, never to pass a test."""
    rtol, atol = tolerance(dtype, condition, float(b.abs().max()))
    return bool(torch.allclose(a.detach().double(), b.detach().double(), rtol=rtol, atol=atol))
