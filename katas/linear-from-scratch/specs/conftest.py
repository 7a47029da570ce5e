"""Shared by the linear-from-scratch specs.

linear_forward is compared with a float64 oracle (the reference run on float64 copies of the
inputs): each output is a sum of in_features products, so its rounding grows with that number,
hence condition=in_features. Any order of summation (x @ weight.T, einsum, broadcasting and sum)
passes.
"""
import math

import pytest
import torch

from torchkata.spec import SpecFailure, expect, expect_close, expect_tensor, fail

OUTPUT = {"en": "the output of linear_forward", "ko": "linear_forward의 출력"}


def _double(t):
    return None if t is None else t.double()


@pytest.fixture
def check_linear(sub, ref):
    def check(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        got = sub.linear_forward(x, weight, bias)
        expected = ref.linear_forward(x.double(), weight.double(), _double(bias))
        expect_close(got, expected, dtype=x.dtype, condition=weight.shape[1], what=OUTPUT)
        return got
    return check


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


@pytest.fixture
def check_init(sub, ref):
    """Grade init_linear(in_features, out_features, Generator().manual_seed(seed)); returns (weight, bias)."""
    def check(in_features: int, out_features: int, seed: int):
        weight, bias, flags = sub.harness.init_with_seed(in_features, out_features, seed)
        want_weight, want_bias, _ = ref.harness.init_with_seed(in_features, out_features, seed)
        for got, name in ((weight, "weight"), (bias, "bias")):
            expect_tensor(got, {"en": f"the {name}", "ko": f"{'가중치' if name == 'weight' else '편향'}"})
        expect(tuple(weight.shape) == (out_features, in_features),
               en=f"the weight has shape {tuple(weight.shape)}: nn.Linear({in_features}, {out_features}) stores it "
                  f"as (out_features, in_features) = {(out_features, in_features)}",
               ko=f"가중치의 shape이 {tuple(weight.shape)}입니다. nn.Linear({in_features}, {out_features})는 가중치를 "
                  f"(out_features, in_features) = {(out_features, in_features)} 모양으로 저장합니다")
        expect(tuple(bias.shape) == (out_features,),
               en=f"the bias has shape {tuple(bias.shape)}: it holds one value per output feature, "
                  f"shape ({out_features},)",
               ko=f"편향의 shape이 {tuple(bias.shape)}입니다. 편향은 출력 특성마다 값이 하나씩이므로 "
                  f"shape이 ({out_features},)이어야 합니다")
        bound = 1 / math.sqrt(in_features)
        for got in (weight, bias):
            if got.is_floating_point():
                expect(bool((got.abs() <= bound).all()),
                       en=f"some values lie outside [-1/sqrt(in_features), 1/sqrt(in_features)] = "
                          f"[-{bound:.4f}, {bound:.4f}]",
                       ko=f"[-1/sqrt(in_features), 1/sqrt(in_features)] = [-{bound:.4f}, {bound:.4f}] 범위를 "
                          f"벗어난 값이 있습니다")
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
