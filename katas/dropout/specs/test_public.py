"""Public specs: the learner sees these inputs and every detail of a failure."""
import math

import pytest
import torch

from torchkata.spec import expect_tensor, fail


@pytest.mark.public(points=3)
def test_prompt_example_ones_with_p_one_half(check_train):
    # The notes' example: a (1, 10) tensor of ones, p = 0.5; the generator is seeded with 0.
    check_train(torch.ones(1, 10), 0.5, seed=0)


@pytest.mark.public(points=2)
def test_evaluation_returns_the_input_unchanged(check_eval):
    x = torch.tensor([[0.5, -1.0, 2.0, 3.5], [-0.25, 4.0, -3.0, 1.5]])
    check_eval(x, 0.5, seed=0)


@pytest.mark.public(points=2)
def test_about_p_dropped_and_the_mean_preserved(sub, check_train):
    # 20 000 ones, p = 0.3: about 30% must be zeroed, and the mean must stay about 1.
    n, p = 20_000, 0.3
    x = torch.ones(200, 100)
    got = sub.harness.dropout(x, p, True, 0)
    expect_tensor(got)
    if got.shape == x.shape and got.is_floating_point():
        # Bounds: 6 standard errors of a fraction (p(1-p)/n) and of a mean (p/(1-p)/n) over n draws.
        dropped, mean = float((got == 0).double().mean()), float(got.double().mean())
        if abs(dropped - p) > 6 * math.sqrt(p * (1 - p) / n):
            fail(f"{dropped:.1%} of the elements were zeroed; with p = {p} about {p:.0%} should be: "
                 "drop each element with probability p, keeping it when torch.rand(...) >= p",
                 f"원소의 {dropped:.1%}가 0이 되었습니다. p = {p}이면 약 {p:.0%}여야 합니다. "
                 "각 원소를 확률 p로 0으로 만들고, torch.rand(...) >= p일 때 남기세요")
        if abs(mean - 1.0) > 6 * math.sqrt(p / (1 - p) / n):
            fail(f"the mean of the output is {mean:.4f}, but dropout must keep it about the input's mean, 1.0: "
                 "divide the kept elements by (1 - p)",
                 f"출력의 평균이 {mean:.4f}입니다. 드롭아웃은 평균을 입력의 평균(1.0) 근처로 유지해야 합니다. "
                 "남은 원소를 (1 - p)로 나누세요")
    check_train(x, p, seed=0)


@pytest.mark.public(points=3)
def test_layer_switches_with_train_and_eval(check_layer):
    x = torch.tensor([[1.0, -2.0, 3.0, -4.0, 5.0, -6.0], [0.5, 1.5, -2.5, 3.5, -4.5, 5.5]])
    check_layer(x, 0.5, seed=1, modes=["train", "eval", "train"])
