"""Shared by the linear-from-scratch specs.

linear_forward is compared with a float64 oracle (the reference run on float64 copies of the
inputs): each output is a sum of in_features products, so its rounding grows with that number,
hence condition=in_features. Any order of summation (x @ weight.T, einsum, broadcasting and sum)
passes.
"""
import math

import pytest
import torch

from torchkata.spec import LearnerError, SpecFailure, expect, expect_close, expect_tensor, fail

OUTPUT = {"en": "the output of linear_forward", "ko": "linear_forward의 출력"}
AMBIGUOUS = "Boolean value of Tensor with more than one value is ambiguous"


def _double(t):
    return None if t is None else t.double()


@pytest.fixture
def check_linear(sub, ref):
    def check(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        # Asked first, always: the reference's calls never depend on the learner's results (a release records them).
        expected = ref.linear_forward(x.double(), weight.double(), _double(bias))
        try:
            got = sub.linear_forward(x, weight, bias)
        except LearnerError as exc:
            explain_error(sub, exc, x, weight, bias, expected)
            raise
        expect_close(got, expected, dtype=x.dtype, condition=weight.shape[1], what=OUTPUT)
        return got
    return check


def explain_error(sub, exc: LearnerError, x, weight, bias, expected: torch.Tensor) -> None:
    """Advice for an error whose cause the spec can establish (it returns when it cannot):

    - bias=None was given and the message is about None (nothing else in the call is None);
    - the truth value of a tensor was asked for (`if bias:`), which PyTorch's message names;
    - x has other leading dimensions than (N, in_features) and the same rows as one (N, in_features)
      matrix give the right answer: the function handles only 2-D inputs."""
    message = str(exc.info.get("message", ""))
    if bias is None and "NoneType" in message:
        fail("linear_forward failed when bias is None (a layer built with bias=False): add the bias only when "
             "it is given, `if bias is not None:`, and otherwise return x @ weight.T as it is",
             "bias가 None일 때(bias=False로 만든 레이어) linear_forward가 실패했습니다. 편향은 주어졌을 때만 "
             "더하세요(`if bias is not None:`). None이면 x @ weight.T를 그대로 반환하면 됩니다")
    if AMBIGUOUS in message:
        fail("your code asked for the truth value of a tensor (`if bias:`), which PyTorch refuses for a tensor "
             "of more than one element (and which is False for a bias of one zero): ask whether the bias was "
             "given with `if bias is not None:`",
             "코드에서 텐서의 참/거짓을 물었습니다(`if bias:`). 원소가 여러 개인 텐서에는 PyTorch가 이를 "
             "허용하지 않고, 원소 하나가 0인 편향은 거짓이 됩니다. 편향이 주어졌는지는 `if bias is not None:`으로 "
             "확인하세요")
    if x.dim() == 2:
        return
    rows = x.reshape(-1, x.shape[-1])
    try:
        got = sub.linear_forward(rows, weight, bias)
    except LearnerError:
        return
    try:    # the same rows as one (N, in_features) matrix: the reference's answer, reshaped alike
        expect_close(got, expected.reshape(-1, expected.shape[-1]), dtype=x.dtype, condition=weight.shape[1])
    except SpecFailure:
        return
    shape = "(in_features,)" if x.dim() == 1 else "(" + ", ".join(["..."] * (x.dim() - 1)) + ", in_features)"
    fail("linear_forward works for 2-D x, (N, in_features), and raised an error for x with another number of "
         "dimensions: the result must keep whatever leading dimensions x has. x @ weight.T does (@ treats them "
         "as a batch); .T of a tensor with more than 2 dimensions reverses all of them, and .t() and torch.mm "
         "take 2-D tensors only",
         "linear_forward가 2차원 x, 즉 (N, in_features)에서는 동작하지만 차원 수가 다른 x에서는 오류를 냈습니다. "
         "결과는 x의 앞쪽 차원을 몇 개든 그대로 유지해야 합니다. x @ weight.T는 앞쪽 차원을 배치로 취급하므로 "
         "그대로 동작합니다. 차원이 3개 이상인 텐서의 .T는 모든 차원의 순서를 뒤집고, .t()와 torch.mm은 2차원 "
         "텐서만 받습니다",
         _detail(f"x had shape {shape}", f"x의 shape은 {shape}였습니다"))


def _bias_drawn_first(weight, in_features, out_features, seed) -> bool:
    """Whether the learner's weight is what comes out of the generator after the bias."""
    bound = 1 / math.sqrt(in_features)
    generator = torch.Generator().manual_seed(seed)
    torch.empty(out_features).uniform_(-bound, bound, generator=generator)
    swapped = torch.empty(out_features, in_features).uniform_(-bound, bound, generator=generator)
    try:
        expect_close(weight, swapped)
    except SpecFailure:
        return False
    return True


def _detail(en: str, ko: str) -> list[dict[str, str]]:
    return [{"en": en, "ko": ko}]


@pytest.fixture
def check_init(sub, ref):
    """Grade init_linear(in_features, out_features, Generator().manual_seed(seed)); returns (weight, bias).

    Headlines hold no sizes (hidden tests show them); the sizes go in the details, shown for public tests."""
    def check(in_features: int, out_features: int, seed: int):
        weight, bias, flags = sub.harness.init_with_seed(in_features, out_features, seed)
        want_weight, want_bias, _ = ref.harness.init_with_seed(in_features, out_features, seed)
        for got, name in ((weight, "weight"), (bias, "bias")):
            expect_tensor(got, {"en": f"the {name}", "ko": f"{'가중치' if name == 'weight' else '편향'}"})
        if tuple(weight.shape) != (out_features, in_features):
            fail("the weight has the wrong shape: nn.Linear stores it as (out_features, in_features), one row per "
                 "output feature",
                 "가중치의 shape이 틀렸습니다. nn.Linear는 가중치를 출력 특성마다 행이 하나씩 있도록 "
                 "(out_features, in_features) 모양으로 저장합니다",
                 _detail(f"init_linear({in_features}, {out_features}, generator) gave a weight of shape "
                         f"{tuple(weight.shape)}; expected {(out_features, in_features)}",
                         f"init_linear({in_features}, {out_features}, generator)가 만든 가중치의 shape은 "
                         f"{tuple(weight.shape)}입니다. 기댓값은 {(out_features, in_features)}입니다"))
        if tuple(bias.shape) != (out_features,):
            fail("the bias has the wrong shape: it holds one value per output feature, shape (out_features,)",
                 "편향의 shape이 틀렸습니다. 편향은 출력 특성마다 값이 하나씩이므로 shape이 (out_features,)여야 합니다",
                 _detail(f"init_linear({in_features}, {out_features}, generator) gave a bias of shape "
                         f"{tuple(bias.shape)}; expected ({out_features},)",
                         f"init_linear({in_features}, {out_features}, generator)가 만든 편향의 shape은 "
                         f"{tuple(bias.shape)}입니다. 기댓값은 ({out_features},)입니다"))
        bound = 1 / math.sqrt(in_features)
        for got in (weight, bias):
            if got.is_floating_point() and not bool((got.abs() <= bound).all()):
                fail("some values lie outside [-1/sqrt(in_features), 1/sqrt(in_features)]",
                     "[-1/sqrt(in_features), 1/sqrt(in_features)] 범위를 벗어난 값이 있습니다",
                     _detail(f"in_features = {in_features}: the bound is {bound:.4f}, and the largest value drawn "
                             f"is {float(got.abs().max()):.4f}",
                             f"in_features = {in_features}이므로 경계는 {bound:.4f}인데, 뽑은 값 중 가장 큰 값은 "
                             f"{float(got.abs().max()):.4f}입니다"))
        try:
            expect_close(weight, want_weight, what={"en": "the weight", "ko": "가중치"})
            expect_close(bias, want_bias, what={"en": "the bias", "ko": "편향"})
        except SpecFailure as exc:
            if _bias_drawn_first(weight, in_features, out_features, seed):
                fail("the bias was drawn before the weight: draw the weight first, then the bias, as nn.Linear "
                     "does. The generator hands out the same numbers in the same order, so the order decides "
                     "which tensor gets which",
                     "편향을 가중치보다 먼저 뽑았습니다. nn.Linear처럼 가중치를 먼저, 편향을 나중에 뽑으세요. "
                     "generator는 항상 같은 순서로 같은 수를 내주므로, 뽑는 순서에 따라 어느 텐서가 어떤 값을 "
                     "받을지가 정해집니다", exc.details)
            fail(f"{exc.headline['en']}: the values lie in the right range but are not nn.Linear's draws. Draw "
                 f"them from `generator` (generator=generator), uniformly in [-bound, bound), the weight first "
                 f"and then the bias",
                 f"{exc.headline['ko']}. 범위는 맞지만 nn.Linear가 뽑는 값과 다릅니다. `generator`에서"
                 f"(generator=generator) [-bound, bound) 구간의 균등 분포로, 가중치를 먼저, 편향을 나중에 "
                 f"뽑으세요", exc.details)
        expect(all(flags),
               en="the weight and the bias must have requires_grad=True: they are parameters an optimizer will "
                  "update, as nn.Linear's are",
               ko="가중치와 편향은 requires_grad=True여야 합니다. nn.Linear의 파라미터처럼 옵티마이저가 갱신할 "
                  "값이기 때문입니다")
        return weight, bias
    return check
