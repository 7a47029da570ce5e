"""Shared by the feed-forward specs: check the block's parameters by name and shape, load the same
weights into the learner's block and the reference's, and compare their outputs.

Tolerances: a float64 oracle (the reference block in float64) with condition = d_ff, the length of
the longest sum in the two matrix products.
"""
import math

import pytest
import torch

from torchkata.spec import SpecFailure, expect, expect_close, expect_tensor, fail, values_match


def expected_parameters(d_model: int, d_ff: int) -> dict:
    return {"layer1.weight": [d_ff, d_model], "layer1.bias": [d_ff],
            "layer2.weight": [d_model, d_ff], "layer2.bias": [d_model]}


def make_state(d_model: int, d_ff: int, seed: int) -> dict:
    """Weights and biases drawn like nn.Linear's own: uniform in +-1/sqrt(fan_in), from a seeded generator."""
    gen = torch.Generator().manual_seed(seed)

    def uniform(*shape, fan_in):
        return (2 * torch.rand(*shape, generator=gen) - 1) / math.sqrt(fan_in)
    return {"layer1.weight": uniform(d_ff, d_model, fan_in=d_model), "layer1.bias": uniform(d_ff, fan_in=d_model),
            "layer2.weight": uniform(d_model, d_ff, fan_in=d_ff), "layer2.bias": uniform(d_model, fan_in=d_ff)}


def _listed(params):
    return [{"en": f"your block's parameters: {params}", "ko": f"여러분 블록의 파라미터: {params}"}]


def check_parameters(info: dict, d_model: int, d_ff) -> int:
    """The block holds exactly layer1 (d_model -> d_ff) and layer2 (d_ff -> d_model). Returns d_ff."""
    expect(info["is_module"],
           en="FeedForward must be an nn.Module: declare it as class FeedForward(nn.Module) and call super().__init__()",
           ko="FeedForward는 nn.Module이어야 합니다. class FeedForward(nn.Module)로 선언하고 super().__init__()을 "
              "호출하세요")
    hidden = 4 * d_model if d_ff is None else d_ff
    want, params = expected_parameters(d_model, hidden), info["parameters"]
    if params == want:
        return hidden
    if not params:
        fail("the block has no parameters: create the Linear layers in __init__ and keep them as attributes "
             "(self.layer1 = nn.Linear(...)); a layer created inside forward is not registered",
             "블록에 파라미터가 하나도 없습니다. Linear 레이어는 __init__에서 만들어 속성으로 저장하세요"
             "(self.layer1 = nn.Linear(...)). forward 안에서 만든 레이어는 모듈에 등록되지 않습니다")
    if d_ff is None and params == expected_parameters(d_model, d_model):
        fail("the hidden layer has only d_model features: when d_ff is not given, it is 4 * d_model",
             "은닉층의 특성 수가 d_model밖에 되지 않습니다. d_ff가 주어지지 않으면 4 * d_model을 쓰세요",
             [{"en": f"d_model = {d_model}, so d_ff = {4 * d_model}", "ko": f"d_model = {d_model}이므로 d_ff = {4 * d_model}이어야 합니다"},
              *_listed(params)])
    if set(params) == set(want):
        fail("a Linear layer has the wrong shape: layer1 is nn.Linear(d_model, d_ff) and layer2 is "
             "nn.Linear(d_ff, d_model) (nn.Linear stores its weight as (out_features, in_features))",
             "Linear 레이어의 shape이 틀렸습니다. layer1은 nn.Linear(d_model, d_ff), layer2는 "
             "nn.Linear(d_ff, d_model)입니다 (nn.Linear는 가중치를 (out_features, in_features)로 저장합니다)",
             _listed(params))
    if set(params) < set(want):
        fail("the block needs both Linear layers, with their biases: layer1 = nn.Linear(d_model, d_ff) and "
             "layer2 = nn.Linear(d_ff, d_model)",
             "블록에는 Linear 레이어 두 개가 편향까지 모두 있어야 합니다: layer1 = nn.Linear(d_model, d_ff), "
             "layer2 = nn.Linear(d_ff, d_model)", _listed(params))
    fail("the block's parameters must be exactly those of two Linear layers named layer1 and layer2 "
         "(layer1.weight, layer1.bias, layer2.weight, layer2.bias): the weights are loaded by these names",
         "블록의 파라미터는 정확히 layer1, layer2라는 이름의 Linear 레이어 두 개의 파라미터(layer1.weight, "
         "layer1.bias, layer2.weight, layer2.bias)여야 합니다. 가중치를 이 이름으로 불러옵니다", _listed(params))


def _check_output(sub, ref, d_model, d_ff, hidden, x, seed, dropout=0.0, training=False):
    state = make_state(d_model, hidden, seed)
    got = sub.harness.forward(d_model, d_ff, state, x, dropout, training, seed)
    expect_tensor(got)
    if got.shape[-1:] == (hidden,) and got.shape[:-1] == x.shape[:-1] and hidden != d_model:
        fail("the output has d_ff features instead of d_model: apply layer2 after the activation, to come back "
             "to d_model",
             "출력의 특성 수가 d_model이 아니라 d_ff입니다. 활성화 함수 다음에 layer2를 적용해서 d_model로 "
             "돌아오세요",
             [{"en": f"output shape {tuple(got.shape)}; d_model = {d_model}, d_ff = {hidden}",
               "ko": f"출력 shape {tuple(got.shape)}, d_model = {d_model}, d_ff = {hidden}"}])
    if training and dropout:
        expected = ref.harness.forward(d_model, d_ff, state, x, dropout, training, seed)
        expect_close(got, expected, condition=hidden)
    else:
        expected = ref.harness.forward(d_model, d_ff, {k: v.double() for k, v in state.items()}, x.double(),
                                       dropout, training, seed)
        # What the block gives when it drops (the same seed, training mode): an evaluation that equals it dropped.
        dropped = ref.harness.forward(d_model, d_ff, state, x, dropout, True, seed) if dropout and not training \
            else None
        try:
            expect_close(got, expected, dtype=x.dtype, condition=hidden)
        except SpecFailure:
            if dropped is not None and values_match(got, dropped, condition=hidden):
                fail("dropout still drops after .eval(): in evaluation mode the block must drop nothing. The dropout "
                     "in forward does not follow the block's mode (F.dropout(x, p) defaults to training=True; an "
                     "nn.Dropout made inside forward is always in training mode): call self.dropout, created in "
                     "__init__",
                     ".eval() 다음에도 드롭아웃이 원소를 0으로 만듭니다. 평가 모드에서는 아무것도 0으로 만들면 안 "
                     "됩니다. forward의 드롭아웃이 블록의 모드를 따르지 않습니다(F.dropout(x, p)는 기본값이 "
                     "training=True이고, forward 안에서 새로 만든 nn.Dropout은 항상 학습 모드입니다). __init__에서 "
                     "만든 self.dropout을 호출하세요")
            raise
    return got


@pytest.fixture
def check_block(sub, ref):
    """Build the learner's block, check its parameters, load seeded weights, compare the output.

    In evaluation mode the reference runs in float64; in training mode (dropout draws from the global
    generator, seeded in the worker) it runs in x's own dtype, so that both draw the same mask.
    """
    def check(d_model, d_ff, x, seed, dropout=0.0, training=False):
        hidden = check_parameters(sub.harness.describe(d_model, d_ff, dropout), d_model, d_ff)
        return _check_output(sub, ref, d_model, d_ff, hidden, x, seed, dropout, training)
    return check


@pytest.fixture
def check_count(sub, ref):
    """The parameters the block holds (names, shapes, count), which the learner's process reports; the point
    also needs the block built that way to compute the reference's output."""
    def check(d_model, d_ff):
        info = sub.harness.describe(d_model, d_ff)
        hidden = check_parameters(info, d_model, d_ff)
        count = 2 * d_model * hidden + hidden + d_model
        if info["count"] != count:
            fail("the block has the wrong number of parameters: 2 * d_model * d_ff + d_ff + d_model, the weights "
                 "and biases of its two Linear layers",
                 "블록의 파라미터 수가 틀렸습니다. Linear 레이어 두 개의 가중치와 편향을 합친 "
                 "2 * d_model * d_ff + d_ff + d_model개여야 합니다",
                 [{"en": f"got {info['count']}, expected {count}", "ko": f"결과는 {info['count']}개, 기댓값은 {count}개"}])
        # Only the Linear layers' names matter (weights are loaded by name): the activation and the dropout hold
        # no state, and F.gelu / F.dropout(..., training=self.training) are as right (the outputs check them).
        want = {"layer1": "Linear", "layer2": "Linear"}
        children = info.get("children", {})
        missing = [f"self.{name} = nn.{kind}(...)" for name, kind in want.items() if children.get(name) != kind]
        if missing:
            fail("the block must hold its two Linear layers as attributes with exactly these names: self.layer1 and "
                 "self.layer2 (nn.Linear)",
                 "블록은 두 Linear 레이어를 정확히 이 이름의 속성으로 가져야 합니다: self.layer1, self.layer2 (nn.Linear)",
                 [{"en": f"missing or of another kind: {', '.join(missing)}; your block holds {children}",
                   "ko": f"없거나 종류가 다른 속성: {', '.join(missing)}. 여러분의 블록에 있는 것: {children}"}])
        x = 2 * torch.randn(3, d_model, generator=torch.Generator().manual_seed(d_model))
        _check_output(sub, ref, d_model, d_ff, hidden, x, seed=d_model + 100)
    return check
