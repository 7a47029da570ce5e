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
            fail("MomentumSGD must do the update itself: do not create a torch.optim optimizer inside it",
                 "MomentumSGD는 업데이트를 직접 해야 합니다. 그 안에서 torch.optim 옵티마이저를 만들지 마세요")
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


def _check(sub, ref, seed, lrs, settings, generator=False, extra_steps=0, zero_in_place=False, **problem):
    params, x, y = _problem(seed, **problem)
    options = {"generator": generator, "extra_steps": extra_steps, "zero_in_place": zero_in_place}
    expected = ref.harness.run(params, x, y, lrs, settings, **options)
    got = _check_generator(sub, params, x, y, lrs, settings, extra_steps, expected) if generator else None
    got = got or _run(sub, params, x, y, lrs, settings, **options)
    # What torch.optim.SGD does if lr is never changed: the trajectory of an optimizer that ignores opt.lr.
    fixed_lr = ref.harness.run(params, x, y, lrs[:1] * len(lrs), settings, **options) if len(set(lrs)) > 1 else None
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
    if zero_in_place and not _same(got, expected) \
            and _same(_run(sub, params, x, y, lrs, settings, **{**options, "zero_in_place": False}), expected):
        fail("your steps are right while each step's gradients are new tensors, but wrong when they are zeroed in "
             "place between steps (opt.zero_grad(set_to_none=False), or p.grad.zero_()): the momentum buffer is the "
             "gradient tensor itself, so zeroing the gradient zeroes the buffer. Start the buffer as a copy, "
             "torch.clone(g).detach(), as torch.optim.SGD does",
             "스텝마다 그래디언트가 새 텐서일 때는 맞지만, 스텝 사이에 그래디언트를 제자리에서 0으로 만들면"
             "(opt.zero_grad(set_to_none=False)나 p.grad.zero_()) 틀립니다. 모멘텀 버퍼가 그래디언트 텐서 자체라서, "
             "그래디언트를 0으로 만들면 버퍼도 0이 됩니다. torch.optim.SGD처럼 버퍼는 복사본 torch.clone(g).detach()로 "
             "시작하세요")
    for step, (got_step, expected_step) in enumerate(zip(got, expected), start=1):
        for name, g, e in zip(NAMES, got_step, expected_step):
            expect_close(g, e, what={"en": f"{name} after step {step} of {len(lrs)}",
                                     "ko": f"{_nth_ko(step)} 업데이트 뒤의 {name} (전체 {len(lrs)}번)"})


def _check_generator(sub, params, x, y, lrs, settings, extra_steps, expected):
    """params handed over as a generator: when that alone goes wrong (the same run from a list is right), say so.
    Returns the trajectory when it is right, else None (the caller then checks it as any other)."""
    try:
        got = sub.harness.run(params, x, y, lrs, settings, generator=True, extra_steps=extra_steps)
    except LearnerError:
        got = None
    if got is not None and _same(got, expected):
        return got
    try:
        from_list = sub.harness.run(params, x, y, lrs, settings, generator=False, extra_steps=extra_steps)
    except LearnerError:
        return None
    if _same(from_list, expected):
        fail("given the parameters as a list, your optimizer takes the right steps, but given them as a generator "
             "(what model.parameters() returns) it does not: a generator can be read only once, so store a list "
             "of them, self.params = list(params)",
             "파라미터를 리스트로 주면 올바르게 업데이트하지만, 제너레이터(model.parameters()가 돌려주는 것)로 주면 "
             "그렇지 않습니다. 제너레이터는 한 번만 읽을 수 있으니 리스트로 저장하세요: self.params = list(params)")


def _check_attributes(sub, ref, seed, lr, settings):
    """MomentumSGD keeps lr, momentum, weight_decay and nesterov as attributes of those names, with the values given."""
    _check(sub, ref, seed, [lr] * 3, settings)                # the settings must also do their work
    params, _, _ = _problem(seed)
    got = sub.harness.attributes(params, lr, settings)
    expected = ref.harness.attributes(params, lr, settings)
    for name, value in expected.items():
        if got.get(name) != value:
            held = "no such attribute" if got.get(name) == "<missing>" else f"it holds {got.get(name)!r}"
            held_ko = "그런 속성이 없습니다" if got.get(name) == "<missing>" else f"값이 {got.get(name)!r}입니다"
            fail(f"MomentumSGD(params, lr={lr}, **{settings}) must keep the attribute `{name}` = {value!r}, but "
                 f"{held}: keep lr, momentum, weight_decay and nesterov as attributes of those names (the grader, "
                 "like a learning-rate scheduler, sets opt.lr between steps)",
                 f"MomentumSGD(params, lr={lr}, **{settings})는 속성 `{name}` = {value!r}을 가지고 있어야 하는데 "
                 f"{held_ko}. lr, momentum, weight_decay, nesterov는 같은 이름의 속성으로 저장하세요 (채점기는 학습률 "
                 "스케줄러처럼 스텝 사이에 opt.lr을 바꿉니다)")


@pytest.fixture
def check_sgd(sub, ref):
    """check_sgd(seed, lrs, settings, generator=False, extra_steps=0, dtype=float64, n=16, d_in=4, d_out=3,
    frozen=False)."""
    return lambda seed, lrs, settings, **problem: _check(sub, ref, seed, lrs, settings, **problem)


@pytest.fixture
def check_attributes(sub, ref):
    """check_attributes(seed, lr, settings): the settings kept as attributes of their own names."""
    return lambda seed, lr, settings: _check_attributes(sub, ref, seed, lr, settings)
