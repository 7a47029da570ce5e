"""Shared checks for the training-loop specs: each failure names the likely mistake.

The learner's loops run in the worker (harness.py) and come back as plain data: the loss
of every step, the final w and b, and facts about the parameter tensors. The reference runs
here, under the same seed, inside torch.random.fork_rng so the grader's own RNG is untouched.
"""
import contextlib

import pytest
import torch

from torchkata.spec import LearnerError as SubmissionRaised
from torchkata.spec import SpecFailure, expect_close, fail

LOSS_RTOL, LOSS_ATOL = 1e-4, 1e-6


def line_data(n=16, low=-1.0, high=1.0, noise=0.0, seed=0, device="cpu"):
    """x of shape (n, 1) and y = 2x + 1 (+ noise), as float32."""
    x = torch.linspace(low, high, n).unsqueeze(1)
    y = 2 * x + 1
    if noise:
        y = y + noise * torch.randn(n, 1, generator=torch.Generator().manual_seed(seed))
    return x.to(device), y.to(device)


@contextlib.contextmanager
def isolated_rng(device):
    """Run seeded code here without changing the grader's global RNG state.

    fork_rng() forks only the CPU generator unless CUDA is in use: forking every CUDA device would
    start CUDA for a CPU-only run. torch.manual_seed() also queues a CUDA seed to apply when CUDA
    starts later; that queue is put back too.
    """
    cuda = torch.device(device).type == "cuda" or torch.cuda.is_initialized()
    tracker = getattr(torch.cuda, "_lazy_seed_tracker", None)
    queued = dict(vars(tracker)) if tracker is not None and not cuda else None
    try:
        with torch.random.fork_rng(devices=list(range(torch.cuda.device_count())) if cuda else []):
            yield
    finally:
        if queued is not None and not torch.cuda.is_initialized():
            vars(tracker).clear()
            vars(tracker).update(queued)


def reference_run(ref, kind, x, y, lr, steps, seed):
    """The reference's losses, final (w, b) and initial (w, b), with the global RNG restored after."""
    with isolated_rng(x.device):
        if kind == "manual":
            losses, w, b = ref.train_manual(x, y, lr, steps, seed)
            _, w0, b0 = ref.train_manual(x, y, lr, 0, seed)
        else:
            losses, model = ref.train_module(x, y, lr, steps, seed)
            _, start = ref.train_module(x, y, lr, 0, seed)
            w, b, w0, b0 = model.weight, model.bias, start.weight, start.bias
    flat = [t.detach().reshape(-1).clone() for t in (w, b, w0, b0)]
    return {"losses": losses, "w": flat[0], "b": flat[1], "w0": flat[2], "b0": flat[3]}


def _simulate(x, y, lr, steps, w0, b0, accumulate=False, sign=1.0):
    """The loop from the given start; accumulate=True never zeroes the gradients, sign=-1 climbs them."""
    w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    losses = []
    for _ in range(steps):
        loss = ((x * w + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= sign * lr * w.grad
            b -= sign * lr * b.grad
        if not accumulate:
            w.grad.zero_()
            b.grad.zero_()
    return losses


def _close(a, b):
    return abs(a - b) <= LOSS_ATOL + LOSS_RTOL * abs(b)


def _same_curve(got, expected):
    return len(got) == len(expected) and all(_close(g, e) for g, e in zip(got, expected))


def _run(sub, kind, x, y, lr, steps, seed):
    """Run the learner's loop in the worker; turn the typical autograd errors into a diagnosis."""
    driver = sub.harness.run_manual if kind == "manual" else sub.harness.run_module
    try:
        return driver(x, y, lr, steps, seed)
    except SubmissionRaised as exc:
        message = str(exc.info.get("message", ""))
        detail = [{"en": f"your code raised {exc.info.get('type', 'Exception')}: {message}",
                   "ko": f"코드에서 {exc.info.get('type', 'Exception')} 예외가 발생했습니다: {message}"}]
        if "leaf Variable that requires grad is being used in an in-place operation" in message:
            fail("update the parameters inside torch.no_grad(): autograd refuses to change a leaf tensor that "
                 "requires grad in place, so write `with torch.no_grad(): w -= lr * w.grad`",
                 "파라미터 업데이트는 torch.no_grad() 안에서 하세요. autograd는 requires_grad인 리프 텐서를 "
                 "제자리(in-place)에서 바꾸는 것을 허용하지 않습니다. `with torch.no_grad(): w -= lr * w.grad`처럼 쓰세요",
                 detail)
        if "does not require grad and does not have a grad_fn" in message:
            fail("after the first update the parameters no longer require grad: `w = w - lr * w.grad` inside "
                 "torch.no_grad() builds a new tensor and throws the parameter away. Update it in place: "
                 "w -= lr * w.grad",
                 "첫 업데이트 뒤로 파라미터가 더 이상 그래디언트를 추적하지 않습니다. torch.no_grad() 안에서 "
                 "`w = w - lr * w.grad`라고 쓰면 새 텐서가 만들어지고 원래 파라미터는 버려집니다. "
                 "w -= lr * w.grad처럼 제자리에서 업데이트하세요",
                 detail)
        if "NoneType" in message:
            fail("a gradient was None when the update used it: .grad is only filled for leaf tensors, after "
                 "backward(). `w = w - lr * w.grad` outside torch.no_grad() turns w into a non-leaf tensor, and "
                 "`w.grad = None` before the update leaves nothing to apply. Update in place inside "
                 "torch.no_grad() (w -= lr * w.grad), and zero the gradients only after the update",
                 "업데이트할 때 그래디언트가 None이었습니다. .grad는 backward() 뒤에 리프 텐서에만 채워집니다. "
                 "torch.no_grad() 밖에서 `w = w - lr * w.grad`라고 쓰면 w가 리프 텐서가 아니게 되고, 업데이트 전에 "
                 "`w.grad = None`을 하면 적용할 값이 없어집니다. torch.no_grad() 안에서 w -= lr * w.grad로 "
                 "제자리 업데이트하고, 그래디언트는 업데이트가 끝난 뒤에 0으로 만드세요",
                 detail)
        if "backward through the graph a second time" in message:
            fail("the graph was used twice: compute the prediction and the loss inside the loop, anew every step",
                 "그래프를 두 번 쓰려고 했습니다. 예측과 손실은 루프 안에서 매 스텝 새로 계산하세요",
                 detail)
        if "no torch.optim optimizer" in message:
            fail("train_manual must update w and b itself (w -= lr * w.grad inside torch.no_grad()); "
                 "torch.optim belongs to train_module",
                 "train_manual에서는 w와 b를 직접 업데이트해야 합니다 (torch.no_grad() 안에서 w -= lr * w.grad). "
                 "torch.optim은 train_module에서 쓰세요",
                 detail)
        raise


def _wrong_sign():
    fail("the loss grows instead of shrinking: the update has the wrong sign. Step against the gradient: "
         "w -= lr * w.grad",
         "손실이 줄지 않고 커집니다. 업데이트의 부호가 반대입니다. 그래디언트의 반대 방향으로 가야 합니다: "
         "w -= lr * w.grad")


def _check_run(got, exp, x, y, lr, steps, kind):
    """Compare the learner's run with the reference's, diagnosing the usual loop mistakes first."""
    manual = kind == "manual"
    fn = "train_manual" if manual else "train_module"
    losses, ref_losses = got["losses"], exp["losses"]
    if len(losses) != steps:
        fail(f"{fn} returned {len(losses)} losses for {steps} steps: append loss.item() once per step",
             f"{fn}가 {steps}스텝에 대해 손실을 {len(losses)}개 돌려주었습니다. 스텝마다 loss.item()을 한 번씩 "
             f"리스트에 추가하세요")
    n = x.shape[0]
    if steps and not _close(losses[0], ref_losses[0]):
        if _close(losses[0], ref_losses[0] * n):
            fail("the first loss is N times too large: the mean squared error averages over the batch, "
                 "so use .mean(), not .sum()",
                 "첫 손실이 N배 큽니다. 평균 제곱 오차는 배치에 대해 평균을 내므로 .sum()이 아니라 .mean()을 쓰세요")
        ahead = _simulate(x.cpu(), y.cpu(), lr, steps + 1, exp["w0"].cpu(), exp["b0"].cpu())[1:]
        if _same_curve(losses, ahead):
            fail("your losses are one step ahead of the reference: record each step's loss before its update, "
                 "so the first entry is the loss of the initial parameters",
                 "손실이 기준보다 한 스텝씩 앞서 있습니다. 각 스텝의 손실은 업데이트 전에 기록해서, 첫 번째 값이 "
                 "초기 파라미터의 손실이 되게 하세요")
        if manual:
            fail(f"the very first loss (before any update) is {losses[0]:.6g}, expected {ref_losses[0]:.6g}: "
                 "start exactly as the prompt says (torch.manual_seed(seed), then w = torch.randn(1, ...), then "
                 "b = torch.zeros(1, ...)), predict x * w + b and use the mean squared error ((pred - y) ** 2).mean()",
                 f"업데이트 전의 첫 손실이 {losses[0]:.6g}인데, 기대값은 {ref_losses[0]:.6g}입니다. 문제에 적힌 대로 "
                 "시작하세요 (torch.manual_seed(seed) 다음에 w = torch.randn(1, ...), 그다음 b = torch.zeros(1, ...)). "
                 "예측은 x * w + b, 손실은 평균 제곱 오차 ((pred - y) ** 2).mean()입니다")
        fail(f"the very first loss (before any update) is {losses[0]:.6g}, expected {ref_losses[0]:.6g}: "
             "build the model right after torch.manual_seed(seed) with nn.Linear(1, 1), and use nn.MSELoss()",
             f"업데이트 전의 첫 손실이 {losses[0]:.6g}인데, 기대값은 {ref_losses[0]:.6g}입니다. torch.manual_seed(seed) "
             "바로 다음에 nn.Linear(1, 1)로 모델을 만들고, 손실은 nn.MSELoss()를 쓰세요")
    if steps > 1 and losses[1] > losses[0] and not losses[-1] <= losses[0]:
        climbing = _simulate(x.cpu(), y.cpu(), lr, 2, exp["w0"].cpu(), exp["b0"].cpu(), sign=-1.0)
        if _close(losses[1], climbing[1]):
            _wrong_sign()
        fail("the loss grows instead of shrinking: each update must step against the gradient, by lr times the "
             "gradient: w -= lr * w.grad",
             "손실이 줄지 않고 커집니다. 업데이트는 그래디언트의 반대 방향으로 lr × 그래디언트만큼 가야 합니다: "
             "w -= lr * w.grad")
    if not all(v == v and abs(v) != float("inf") for v in losses):
        fail("the loss became NaN or inf: the parameters blew up. Step against the gradient "
             "(w -= lr * w.grad) and use the lr you are given",
             "손실이 NaN이나 inf가 되었습니다. 파라미터 값이 발산한 것입니다. 그래디언트의 반대 방향으로 "
             "업데이트하고(w -= lr * w.grad) 주어진 lr을 그대로 쓰세요")
    unchanged = torch.allclose(got["w"].cpu(), exp["w0"].cpu(), rtol=0, atol=1e-7) and \
        torch.allclose(got["b"].cpu(), exp["b0"].cpu(), rtol=0, atol=1e-7)
    if steps and unchanged:
        if manual and got["updated_in_place"] and got["grad"] in ("zero", "none"):
            fail("the parameters never changed: the gradients were zeroed before the update, so "
                 "`w -= lr * w.grad` subtracted zero. Zero them after the update (or before loss.backward())",
                 "파라미터가 전혀 바뀌지 않았습니다. 업데이트 전에 그래디언트를 0으로 만들어서 "
                 "`w -= lr * w.grad`가 0을 뺀 셈이 되었습니다. 그래디언트는 업데이트가 끝난 뒤에 "
                 "(또는 loss.backward() 전에) 0으로 만드세요")
        if manual:
            fail("the parameters never changed: update them in place inside torch.no_grad() (w -= lr * w.grad). "
                 "`w = w - lr * w.grad`, or `p = p - lr * p.grad` in a loop over the parameters, only binds a "
                 "name to a new tensor; the parameter itself stays the same",
                 "파라미터가 전혀 바뀌지 않았습니다. torch.no_grad() 안에서 제자리 연산으로 업데이트하세요 "
                 "(w -= lr * w.grad). `w = w - lr * w.grad`나 파라미터를 도는 루프 안의 `p = p - lr * p.grad`는 "
                 "이름을 새 텐서에 붙일 뿐이고, 파라미터 자체는 그대로입니다")
        if got["grad"] in ("zero", "none"):
            fail("the parameters never changed: the gradients were zeroed before the update. "
                 "optimizer.zero_grad() between loss.backward() and optimizer.step() leaves step() nothing to "
                 "apply; call it before loss.backward() (or after optimizer.step())",
                 "파라미터가 전혀 바뀌지 않았습니다. 업데이트 전에 그래디언트를 0으로 만들었습니다. "
                 "loss.backward()와 optimizer.step() 사이에 optimizer.zero_grad()를 부르면 step()이 적용할 값이 "
                 "없습니다. loss.backward() 전에 (또는 optimizer.step() 뒤에) 부르세요")
        fail("the parameters never changed: call optimizer.step() after loss.backward(), with an optimizer "
             "built from this model's parameters: torch.optim.SGD(model.parameters(), lr=lr)",
             "파라미터가 전혀 바뀌지 않았습니다. loss.backward() 다음에 optimizer.step()을 부르고, 옵티마이저는 "
             "이 모델의 파라미터로 만드세요: torch.optim.SGD(model.parameters(), lr=lr)")
    if steps == 1:
        got_w, got_b, w0, b0, w1, b1 = (t.cpu() for t in (got["w"], got["b"], exp["w0"], exp["b0"], exp["w"], exp["b"]))
        moved, expected_move = torch.cat([got_w - w0, got_b - b0]), torch.cat([w1 - w0, b1 - b0])
        if torch.allclose(moved, -expected_move, rtol=1e-4, atol=1e-6):
            _wrong_sign()
    if not _same_curve(losses, ref_losses):
        first = next(i for i, (g, e) in enumerate(zip(losses, ref_losses)) if not _close(g, e))
        accumulated = _simulate(x.cpu(), y.cpu(), lr, steps, exp["w0"].cpu(), exp["b0"].cpu(), accumulate=True)
        if _same_curve(losses, accumulated):
            how = "w.grad.zero_() and b.grad.zero_()" if manual else "optimizer.zero_grad()"
            how_ko = "w.grad.zero_()와 b.grad.zero_()" if manual else "optimizer.zero_grad()"
            fail(f"the first update matches the reference, but later ones do not: the gradients accumulate "
                 f"from step to step (backward() adds to .grad). Zero the gradients every step: {how}",
                 f"첫 업데이트는 기준과 같은데 그 뒤로 달라집니다. 그래디언트가 스텝마다 누적되고 있습니다 "
                 f"(backward()는 .grad에 값을 더합니다). 매 스텝 그래디언트를 0으로 만드세요: {how_ko}")
        if first == 1:
            fail(f"the first loss matches but the loss after the first update does not (got {losses[1]:.6g}, "
                 f"expected {ref_losses[1]:.6g}): update both parameters with the given lr, w -= lr * w.grad",
                 f"첫 손실은 맞지만 첫 업데이트 뒤의 손실이 다릅니다 (결과 {losses[1]:.6g}, 기대값 "
                 f"{ref_losses[1]:.6g}). 주어진 lr로 두 파라미터를 모두 업데이트하세요: w -= lr * w.grad")
        try:
            expect_close(torch.tensor(losses), torch.tensor(ref_losses), rtol=LOSS_RTOL, atol=LOSS_ATOL)
        except SpecFailure as exc:
            fail(f"the losses match the reference for the first {first} steps, then differ: "
                 f"do the five steps in order every step (predict, loss, backward, update, zero the gradients)",
                 f"처음 {first}스텝까지는 손실이 기준과 같다가 그 뒤로 달라집니다. 매 스텝 다섯 단계를 순서대로 "
                 f"하세요 (예측, 손실, backward, 업데이트, 그래디언트 초기화)",
                 exc.details)
    expect_close(got["w"], exp["w"], rtol=1e-4, atol=1e-5, what={"en": "the final w", "ko": "최종 w"})
    expect_close(got["b"], exp["b"], rtol=1e-4, atol=1e-5, what={"en": "the final b", "ko": "최종 b"})


@pytest.fixture
def data():
    """data(n=16, low=-1, high=1, noise=0, seed=0, device='cpu') -> (x, y) on the line y = 2x + 1."""
    return line_data


@pytest.fixture
def check_training(sub, ref):
    """check_training(kind, x, y, lr, steps, seed): runs the learner's and the reference's loop, compares."""
    def check(kind, x, y, lr, steps, seed):
        got = _run(sub, kind, x, y, lr, steps, seed)
        exp = reference_run(ref, kind, x, y, lr, steps, seed)
        _check_run(got, exp, x, y, lr, steps, kind)
        return got
    return check
