"""Shared checks for the adam specs: the learner's trajectory against the reference's.

The problem is a small least-squares fit, y ~ x @ W.T + b, built here from a seeded generator.
harness.run trains it with the learner's Adam, and, in the reference's own process, with the
reference's (torch.optim.Adam's algorithm; torch.optim itself would import torch._dynamo in the
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


def _run(sub, *args, **options):
    try:
        return sub.harness.run(*args, **options)
    except LearnerError as exc:
        if exc.info.get("type") == "InPlaceOnLeafError":
            fail("step() changed a parameter in place while autograd was recording, which autograd refuses for a "
                 "leaf tensor that requires grad. Do the whole update inside `with torch.no_grad():`",
                 "step()이 autograd가 기록하는 중에 파라미터를 제자리에서 바꿨습니다. requires_grad인 리프 텐서는 "
                 "이렇게 바꿀 수 없습니다. 업데이트 전체를 `with torch.no_grad():` 안에서 하세요")
        if exc.info.get("type") == "TypeError" and "NoneType" in str(exc.info.get("message", "")) \
                and _fine_without_the_gradientless_parameter(sub, args, options):
            fail("step() used a gradient that is None: a parameter that took no part in the loss has p.grad None. "
                 "Skip such a parameter (if p.grad is None: continue), as torch.optim does",
                 "step()이 None인 그래디언트를 썼습니다. 손실 계산에 쓰이지 않은 파라미터는 p.grad가 None입니다. "
                 "torch.optim처럼 그런 파라미터는 건너뛰세요 (if p.grad is None: continue)")
        if "no torch.optim optimizer" in str(exc.info.get("message", "")):
            fail("Adam must do the update itself: do not create a torch.optim optimizer inside it",
                 "Adam은 업데이트를 직접 해야 합니다. 그 안에서 torch.optim 옵티마이저를 만들지 마세요")
        raise


def _fine_without_the_gradientless_parameter(sub, args, options):
    """The cause of a TypeError about None: the run has a parameter whose .grad is None, and without it the same run
    raises nothing (a buffer left None, say, raises either way)."""
    params, *rest = args
    if len(params) <= 2:
        return False
    try:
        sub.harness.run(params[:2], *rest, **options)
    except LearnerError:
        return False
    return True


def _same(trajectory, other):
    return all(values_match(g, e) for step, other_step in zip(trajectory, other) for g, e in zip(step, other_step))


def _check_generator(sub, args, options, expected):
    """params handed over as a generator: when that alone goes wrong (the same run from a list is right), say so.
    Returns the trajectory when it is right, else None (the caller then checks it as any other)."""
    try:
        got = sub.harness.run(*args, **options)
    except LearnerError:
        got = None
    if got is not None and _same(got, expected):
        return got
    try:
        from_list = sub.harness.run(*args, **{**options, "generator": False})
    except LearnerError:
        return None
    if _same(from_list, expected):
        fail("given the parameters as a list, your optimizer takes the right steps, but given them as a generator "
             "(what model.parameters() returns) it does not: a generator can be read only once, so store a list "
             "of them, self.params = list(params)",
             "파라미터를 리스트로 주면 올바르게 업데이트하지만, 제너레이터(model.parameters()가 돌려주는 것)로 주면 "
             "그렇지 않습니다. 제너레이터는 한 번만 읽을 수 있으니 리스트로 저장하세요: self.params = list(params)")
    return None


def _check(sub, ref, seed, steps, settings, scale=1.0, generator=False, extra_steps=0, **problem):
    params, x, y = _problem(seed, **problem)
    args, options = (params, x, y, steps, settings, scale), {"generator": generator, "extra_steps": extra_steps}
    expected = ref.harness.run(*args, **options)
    got = _check_generator(sub, args, options, expected) if generator else None
    got = got or _run(sub, *args, **options)
    if all(torch.equal(g, p) for g, p in zip(got[-1], params[:2])):
        fail("the parameters never changed: step() must change each parameter tensor itself, in place "
             "(p -= ... inside torch.no_grad()); `p = p - ...` only gives the name p a new tensor",
             "파라미터가 전혀 바뀌지 않았습니다. step()은 파라미터 텐서 자체를 제자리에서 바꿔야 합니다 "
             "(torch.no_grad() 안에서 p -= ...). `p = p - ...`는 p라는 이름에 새 텐서를 붙일 뿐입니다")
    for step, (got_step, expected_step) in enumerate(zip(got, expected), start=1):
        if any(bool(torch.isnan(g).any()) for g in got_step):
            fail(f"the parameters became NaN at step {step}: look for a division by zero (1 - beta ** t is 0 when "
                 "t = 0, so t must be 1 at the first step) or the square root of a negative number (v averages "
                 "g * g, never g)",
                 f"{_nth_ko(step)} 업데이트에서 파라미터가 NaN이 되었습니다. 0으로 나누는 곳(t = 0이면 1 - beta ** t가 "
                 "0이므로 첫 스텝에서 t는 1이어야 합니다)이나 음수의 제곱근(v는 g가 아니라 g * g의 평균입니다)을 "
                 "찾아보세요")
        for name, g, e in zip(NAMES, got_step, expected_step):
            expect_close(g, e, what={"en": f"{name} after step {step} of {steps}",
                                     "ko": f"{_nth_ko(step)} 업데이트 뒤의 {name} (전체 {steps}번)"})


@pytest.fixture
def check_adam(sub, ref):
    """check_adam(seed, steps, settings, scale=1.0, generator=False, extra_steps=0, dtype=float64, n=16, d_in=4,
    d_out=3, frozen=False)."""
    return lambda seed, steps, settings, **kwargs: _check(sub, ref, seed, steps, settings, **kwargs)
