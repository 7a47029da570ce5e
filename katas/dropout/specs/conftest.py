"""Shared by the dropout specs: grade one call and name what is wrong with the mask.

The mask is fixed by the prompt (keep = torch.rand(x.shape, generator=generator) >= p), so a
correct result is known element by element. When a result is a valid dropout pattern (every
element 0 or x / (1 - p)) but with another mask, the checks below say where the mask came from;
the scaling mistakes are left to the mutants' diagnoses.
"""
import pytest
import torch

from torchkata.spec import LearnerError, close_mask, expect, expect_close, expect_tensor, fail, magnitude, tolerance

GENERATOR_EN = ("the mask did not come from the `generator` argument: two calls with generators seeded alike gave "
                "different results when the global random number generator was in another state. Draw it with "
                "torch.rand(x.shape, generator=generator), never from the global random number generator")
GENERATOR_KO = ("마스크가 인자로 받은 `generator`에서 나오지 않았습니다. 같은 시드의 generator를 넘긴 두 호출이 전역 "
                "난수 생성기의 상태가 다르자 서로 다른 결과를 냈습니다. 전역 난수 생성기 말고 "
                "torch.rand(x.shape, generator=generator)로 뽑으세요")
DTYPE_NAMES = {torch.float64: "Double", torch.float16: "Half", torch.bfloat16: "BFloat16"}
IN_PLACE_LEAF = "a leaf Variable that requires grad is being used in an in-place operation"


def explain_error(exc: LearnerError, x: torch.Tensor) -> None:
    """Advice for an error whose cause PyTorch's message shows; returns when it shows none."""
    message = str(exc.info.get("message", ""))
    name = DTYPE_NAMES.get(x.dtype)
    if name and "dtype" in message and "Float" in message and name in message:
        fail(f"dropout raised an error for a {x.dtype} input: PyTorch refused to mix it with a float32 tensor. A "
             "tensor made with torch.zeros(x.shape), torch.ones(...) or torch.empty(...) has the default dtype, "
             "float32: make new tensors with x's dtype (torch.zeros_like(x), or dtype=x.dtype), or compute "
             "x * keep / (1 - p) directly",
             f"{x.dtype} 입력에서 dropout이 오류를 냈습니다. PyTorch가 이 텐서를 float32 텐서와 섞어 계산하지 "
             "않았습니다. torch.zeros(x.shape), torch.ones(...), torch.empty(...)로 만든 텐서는 기본 dtype인 "
             "float32입니다. 새 텐서는 x의 dtype으로 만들거나(torch.zeros_like(x) 또는 dtype=x.dtype), "
             "x * keep / (1 - p)를 바로 계산하세요")
    if IN_PLACE_LEAF in message:
        fail("dropout changed its input in place: build a new tensor (x * keep / (1 - p)) instead of "
             "writing into x (x[~keep] = 0, x *= ...)",
             "dropout이 입력 텐서를 제자리에서 바꿨습니다. x에 직접 쓰지 말고(x[~keep] = 0, x *= ...) "
             "새 텐서를 만드세요 (x * keep / (1 - p))")


def call(sub, x, p, training, seed):
    """sub.harness.dropout(...), with an error explained when its cause is known."""
    try:
        return sub.harness.dropout(x, p, training, seed)
    except LearnerError as exc:
        explain_error(exc, x)
        raise


def mask(x: torch.Tensor, p: float, seed: int, dtype=torch.float32) -> torch.Tensor:
    """The keep mask the prompt asks for (True: keep), drawn here from a private generator."""
    return torch.rand(x.shape, generator=torch.Generator().manual_seed(seed), dtype=dtype) >= p


def bernoulli_mask(x: torch.Tensor, p: float, seed: int) -> torch.Tensor:
    """The keep mask torch.bernoulli(1 - p) draws from a generator seeded alike (True: keep)."""
    return torch.bernoulli(torch.full(x.shape, 1 - p), generator=torch.Generator().manual_seed(seed)).bool()


GLOBAL_EN = ("dropout drew numbers from the global random number generator (its next numbers are not what they "
             "would be): draw every random number from `generator`, torch.rand(x.shape, generator=generator)")
GLOBAL_KO = ("dropout이 전역 난수 생성기에서 난수를 뽑았습니다(전역 생성기가 내줄 다음 수가 달라졌습니다). 모든 난수는 "
             "`generator`에서 뽑으세요: torch.rand(x.shape, generator=generator)")


OTHER_MASK_EN = ("your result is a valid dropout, but not with the mask the prompt fixes, so it cannot be checked "
                 "element by element: draw it exactly as keep = torch.rand(x.shape, generator=generator) >= p "
                 "(not torch.bernoulli, not torch.rand_like, one draw per call)")
OTHER_MASK_KO = ("드롭아웃으로는 맞지만 문제에서 정한 마스크가 아니라서 원소별로 채점할 수 없습니다. "
                 "keep = torch.rand(x.shape, generator=generator) >= p 그대로 뽑으세요 "
                 "(torch.bernoulli나 torch.rand_like는 쓰지 말고, 호출마다 한 번만 뽑으세요)")


def _generator_problem(sub, expected, x, p, seed):
    """Fails when the learner's own results show where the mask came from: two calls with generators seeded
    alike (the global one seeded differently before each) that differ depend on the global generator; a global
    generator that is not where the reference leaves it was drawn from. Other differences are left to the
    comparison with the reference (a wrong scale is not a wrong generator)."""
    first, second, after = sub.harness.randomness(x, p, seed)
    for got in (first, second):
        expect_tensor(got)
    if first.shape != second.shape or first.dtype != second.dtype or not torch.equal(first, second):
        fail(GENERATOR_EN, GENERATOR_KO)
    if not torch.equal(after, expected[2]):
        fail(GLOBAL_EN, GLOBAL_KO)
    return first


def _check_generator(sub, expected, x, p, seed):
    """Two calls with generators seeded alike (the global one seeded differently before each) give the
    reference's result (`expected`: ref.harness.randomness), and leave the global generator where the
    reference leaves it."""
    first = _generator_problem(sub, expected, x, p, seed)
    expect_close(first, expected[0])


@pytest.fixture
def check_generator(sub, ref):
    """Two calls with generators seeded alike agree with the reference, and the global generator is left alone."""
    def check(x: torch.Tensor, p: float, seed: int) -> None:
        _check_generator(sub, ref.harness.randomness(x, p, seed), x, p, seed)
    return check


def _kept(got: torch.Tensor, x: torch.Tensor, p: float):
    """got's keep mask if got is a valid dropout of x (each element 0 or x / (1 - p)), else None."""
    g, scaled = got.detach().double(), x.double() / (1 - p)
    zero = g == 0
    rtol, atol = tolerance(got.dtype, 1.0, magnitude(scaled))
    survivor = close_mask(g, scaled, rtol, atol)
    if not bool((zero | survivor).all()):
        return None
    return ~zero


def _explain_mask(sub, randomness, got, x, p, seed):
    if not isinstance(got, torch.Tensor) or got.shape != x.shape or not got.is_floating_point():
        return
    kept = _kept(got, x, p)
    if kept is None:
        return
    want = mask(x, p, seed)
    if bool(torch.equal(kept, want)):
        return
    if p > 0 and bool(torch.equal(kept, ~want)) and not bool(torch.equal(kept, bernoulli_mask(x, p, seed))):
        # (torch.bernoulli(1 - p) keeps rand < 1 - p: for p = 0.5 that is this very mask, and the cause is not known)
        fail("the mask is the wrong way round: you kept the elements with torch.rand(...) < p, so each element "
             "survives with probability p. Keep an element when torch.rand(...) >= p, so it is dropped with "
             "probability p",
             "마스크가 거꾸로입니다. torch.rand(...) < p인 원소를 남겨서 각 원소가 확률 p로 살아남았습니다. "
             "torch.rand(...) >= p일 때 남겨야 원소가 확률 p로 0이 됩니다")
    if x.dtype != torch.float32 and bool(torch.equal(kept, mask(x, p, seed, dtype=x.dtype))):
        fail(f"the random numbers were drawn in {x.dtype} (torch.rand_like(x) does that), which gives another "
             "mask: draw them exactly as the prompt says, torch.rand(x.shape, generator=generator)",
             f"난수를 {x.dtype}로 뽑아서(torch.rand_like(x)가 그렇게 합니다) 마스크가 달라졌습니다. "
             "문제에 적힌 그대로 torch.rand(x.shape, generator=generator)로 뽑으세요")
    _generator_problem(sub, randomness, x, p, seed)
    fail(OTHER_MASK_EN, OTHER_MASK_KO)


@pytest.fixture
def check_train(sub, ref):
    """Training mode: dropout(x, p, True, generator seeded with `seed`) against the reference."""
    def check(x: torch.Tensor, p: float, seed: int) -> torch.Tensor:
        got = call(sub, x, p, True, seed)
        expected = ref.harness.dropout(x, p, True, seed)
        randomness = ref.harness.randomness(x, p, seed)   # asked always: the reference's calls never depend on
        expect_tensor(got)                                 # the learner's results (a release records them)
        _explain_mask(sub, randomness, got, x, p, seed)
        expect_close(got, expected)
        return got
    return check


@pytest.fixture
def check_eval(sub, ref):
    """Evaluation mode: the input comes back unchanged."""
    def check(x: torch.Tensor, p: float, seed: int) -> None:
        got = call(sub, x, p, False, seed)
        expect_tensor(got)
        expect_close(got, ref.harness.dropout(x, p, False, seed),
                     what={"en": "the result in evaluation mode (training=False, which must give x unchanged)",
                           "ko": "평가 모드(training=False)의 결과(x와 같아야 함)"})
    return check


@pytest.fixture
def check_layer(sub, ref):
    """The Dropout module: build it, switch it with .train() / .eval(), compare every output."""
    def check(x: torch.Tensor, p, seed: int, modes: list) -> None:
        facts, outs = sub.harness.layer_run(x, p, seed, modes)
        expect(facts["is_module"],
               en="Dropout must be an nn.Module: declare it as class Dropout(nn.Module) and call super().__init__()",
               ko="Dropout은 nn.Module이어야 합니다. class Dropout(nn.Module)로 선언하고 super().__init__()을 호출하세요")
        expect(facts["parameters"] == 0,
               en="Dropout has no learnable parameters: keep p as a plain number, not an nn.Parameter",
               ko="Dropout에는 학습할 파라미터가 없습니다. p는 nn.Parameter가 아니라 그냥 숫자로 저장하세요")
        expect(facts["training_at_start"],
               en="a new layer must start in training mode (self.training is True): do not call .eval() in __init__",
               ko="새로 만든 레이어는 학습 모드(self.training이 True)에서 시작해야 합니다. __init__에서 .eval()을 "
                  "호출하지 마세요")
        _, want = ref.harness.layer_run(x, p, seed, modes)
        for i, (mode, got, expected) in enumerate(zip(modes, outs, want), start=1):
            expect_tensor(got)
            same_kind = got.shape == x.shape and got.dtype == x.dtype
            if mode == "eval" and same_kind and not torch.allclose(got.detach(), x):
                fail(f"call {i}: after .eval() the layer must return its input unchanged: the layer passes "
                     "self.training to dropout (nn.Module's .train() and .eval() set it), and dropout(x, p, "
                     "training=False) returns x as it is",
                     f"{i}번째 호출: .eval() 다음에는 레이어가 입력을 그대로 돌려줘야 합니다. 레이어는 dropout에 "
                     "self.training을 넘기고(nn.Module의 .train()과 .eval()이 이 값을 바꿉니다), dropout(x, p, "
                     "training=False)는 x를 그대로 돌려줘야 합니다")
            if mode == "train" and p != 0 and same_kind and torch.equal(got.detach(), x):
                fail(f"call {i}: after .train() the layer dropped nothing: the layer passes self.training to "
                     "dropout, and dropout(x, p, training=True) drops",
                     f"{i}번째 호출: .train() 다음인데 레이어가 아무것도 0으로 만들지 않았습니다. 레이어는 dropout에 "
                     "self.training을 넘기고, dropout(x, p, training=True)는 원소를 0으로 만들어야 합니다")
            expect_close(got, expected, what={"en": f"the output of call {i} (in {mode} mode)",
                                              "ko": f"{i}번째 호출의 출력 ({'학습' if mode == 'train' else '평가'} 모드)"})
    return check


@pytest.fixture
def check_defaults(sub, ref):
    """dropout(x, generator=...), dropout(x) and Dropout()(x): the defaults p = 0.5, training = True and
    generator = None (the global generator, seeded alike on both sides)."""
    def check(x: torch.Tensor, seed: int) -> None:
        got = sub.harness.with_defaults(x, seed)
        want = ref.harness.with_defaults(x, seed)
        names = [{"en": "dropout(x, generator=generator), with the defaults p = 0.5 and training = True",
                  "ko": "기본값 p = 0.5, training = True로 호출한 dropout(x, generator=generator)"},
                 {"en": "dropout(x), which draws from the global random number generator (generator = None)",
                  "ko": "전역 난수 생성기에서 뽑는(generator = None) dropout(x)"},
                 {"en": "Dropout()(x), with the defaults p = 0.5 and generator = None",
                  "ko": "기본값 p = 0.5, generator = None으로 만든 Dropout()(x)"}]
        for value, expected, what in zip(got, want, names):
            expect_tensor(value, what)
            expect_close(value, expected, what=what)
    return check


@pytest.fixture(name="explain_error")
def explain_error_fixture():
    """explain_error(exc, x), for a test that calls the learner through another harness function."""
    return explain_error
