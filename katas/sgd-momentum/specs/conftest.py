"""Shared checks for the sgd-momentum specs: the learner's trajectory against the reference's.

The problem is a small least-squares fit, y ~ x @ W.T + b, built here from a seeded generator.
harness.run trains it with the learner's MomentumSGD, and, in the reference's own process, with the
reference's (torch.optim.SGD's algorithm; torch.optim itself would import torch._dynamo in the
grader, and a harness function running it would hand the answer to the learner's process, which can
reach the harness). Both return the parameters after every step, compared here one step at a time.
"""
import pytest
import torch

from torchkata.spec import LearnerError, expect_close, fail, values_match

NAMES = ("W", "b", "frozen")


def _nth_ko(step):
    return "첫 번째" if step == 1 else f"{step}번째"


def _problem(seed, dtype=torch.float64, n=16, d_in=4, d_out=3, frozen=False):
    """Starting parameters [W, b] (plus a parameter the loss never uses, with frozen=True), and data x, y."""
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(d_out, d_in, generator=gen, dtype=dtype) * 0.5
    bias = torch.randn(d_out, generator=gen, dtype=dtype) * 0.1
    true_weight = torch.randn(d_out, d_in, generator=gen, dtype=dtype)
    x = torch.randn(n, d_in, generator=gen, dtype=dtype)
    y = x @ true_weight.T + 0.5 + 0.1 * torch.randn(n, d_out, generator=gen, dtype=dtype)
    params = [weight, bias] + ([torch.randn(2, 2, generator=gen, dtype=dtype)] if frozen else [])
    return params, x, y


def _run(sub, *args):
    try:
        return sub.harness.run(*args)
    except LearnerError as exc:
        if exc.info.get("type") == "InPlaceOnLeafError":
            fail("step() changed a parameter in place while autograd was recording, which autograd refuses for a "
                 "leaf tensor that requires grad. Do the whole update inside `with torch.no_grad():`",
                 "step()이 autograd가 기록하는 중에 파라미터를 제자리에서 바꿨습니다. requires_grad인 리프 텐서는 "
                 "이렇게 바꿀 수 없습니다. 업데이트 전체를 `with torch.no_grad():` 안에서 하세요")
        if exc.info.get("type") == "TypeError" and "NoneType" in str(exc.info.get("message", "")):
            fail("step() used a gradient that is None: a parameter that took no part in the loss has p.grad None. "
                 "Skip such a parameter (if p.grad is None: continue), as torch.optim does",
                 "step()이 None인 그래디언트를 썼습니다. 손실 계산에 쓰이지 않은 파라미터는 p.grad가 None입니다. "
                 "torch.optim처럼 그런 파라미터는 건너뛰세요 (if p.grad is None: continue)")
        if "no torch.optim optimizer" in str(exc.info.get("message", "")):
            fail("MomentumSGD must do the update itself: do not create a torch.optim optimizer inside it",
                 "MomentumSGD는 업데이트를 직접 해야 합니다. 그 안에서 torch.optim 옵티마이저를 만들지 마세요")
        raise


def _same(trajectory, other):
    return all(values_match(g, e) for step, other_step in zip(trajectory, other) for g, e in zip(step, other_step))


def _check(sub, ref, seed, lrs, settings, **problem):
    params, x, y = _problem(seed, **problem)
    got = _run(sub, params, x, y, lrs, settings)
    expected = ref.harness.run(params, x, y, lrs, settings)
    # What torch.optim.SGD does if lr is never changed: the trajectory of an optimizer that ignores opt.lr.
    fixed_lr = ref.harness.run(params, x, y, lrs[:1] * len(lrs), settings) if len(set(lrs)) > 1 else None
    if all(torch.equal(g, p) for g, p in zip(got[-1], params[:2])):
        fail("the parameters never changed: step() must change each parameter tensor itself, in place "
             "(p -= lr * direction inside torch.no_grad()); `p = p - ...` only gives the name p a new tensor",
             "파라미터가 전혀 바뀌지 않았습니다. step()은 파라미터 텐서 자체를 제자리에서 바꿔야 합니다 "
             "(torch.no_grad() 안에서 p -= lr * 방향). `p = p - ...`는 p라는 이름에 새 텐서를 붙일 뿐입니다")
    if fixed_lr is not None and _same(got, fixed_lr) and not _same(got, expected):
        fail("the steps after opt.lr was changed still used the first learning rate: read self.lr at every step "
             "(the grader sets opt.lr between steps, as a learning-rate scheduler would)",
             "opt.lr을 바꾼 뒤의 스텝에서도 처음 학습률을 그대로 썼습니다. 스텝마다 self.lr을 읽으세요 "
             "(채점기는 학습률 스케줄러처럼 스텝 사이에 opt.lr을 바꿉니다)")
    for step, (got_step, expected_step) in enumerate(zip(got, expected), start=1):
        for name, g, e in zip(NAMES, got_step, expected_step):
            expect_close(g, e, what={"en": f"{name} after step {step} of {len(lrs)}",
                                     "ko": f"{_nth_ko(step)} 업데이트 뒤의 {name} (전체 {len(lrs)}번)"})


@pytest.fixture
def check_sgd(sub, ref):
    """check_sgd(seed, lrs, settings, dtype=float64, n=16, d_in=4, d_out=3, frozen=False)."""
    return lambda seed, lrs, settings, **problem: _check(sub, ref, seed, lrs, settings, **problem)
