"""Shared by the grad-accumulation specs: the learner's loop against the reference's, step by step.

harness.train builds nn.Linear + SGD from the given weights in the confined child, runs
train_accumulated there and records every optimizer.step(): after how many micro-batches it ran
and the gradients it saw. The reference's record comes from the same harness. Everything is
float64, and expect_close's defaults leave room for any order of summation.
"""
import pytest
import torch

from torchkata.spec import expect_close, fail

DTYPE = torch.float64


def make_problem(seed, n, batch=5, in_features=3, out_features=2):
    """Starting weight and bias, and `n` equal-sized micro-batches (x, y) of a noisy linear target."""
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(out_features, in_features, generator=gen, dtype=DTYPE) * 0.5
    bias = torch.randn(out_features, generator=gen, dtype=DTYPE) * 0.1
    true_weight = torch.randn(out_features, in_features, generator=gen, dtype=DTYPE)
    micro_batches = []
    for _ in range(n):
        x = torch.randn(batch, in_features, generator=gen, dtype=DTYPE)
        y = x @ true_weight.T + 0.3 + 0.1 * torch.randn(batch, out_features, generator=gen, dtype=DTYPE)
        micro_batches.append((x, y))
    return weight, bias, micro_batches


def _check(got, expected, n, k):
    if got["loss_calls"] != expected["loss_calls"]:
        fail("loss_fn was not called exactly once per micro-batch: call loss = loss_fn(model(x), y) once for "
             "each micro-batch (x, y)",
             "loss_fn이 마이크로배치마다 정확히 한 번씩 호출되지 않았습니다. 마이크로배치 (x, y)마다 "
             "loss = loss_fn(model(x), y)를 한 번씩 호출하세요",
             [{"en": f"loss_fn was called {got['loss_calls']} times for {n} micro-batches",
               "ko": f"마이크로배치는 {n}개인데 loss_fn이 {got['loss_calls']}번 호출되었습니다"}])
    after, want = [s["after"] for s in got["steps"]], [s["after"] for s in expected["steps"]]
    if after != want:
        fail("optimizer.step() ran at the wrong times: call it after every k-th micro-batch, and once more after "
             "the last micro-batch if an incomplete group remains",
             "optimizer.step()을 호출한 시점이 틀렸습니다. k번째 마이크로배치마다 호출하고, 덜 찬 그룹이 남으면 "
             "마지막 마이크로배치 뒤에 한 번 더 호출하세요",
             [{"en": f"{n} micro-batches, k={k}: optimizer.step() ran after micro-batches {after}, expected {want}",
               "ko": f"마이크로배치 {n}개, k={k}: optimizer.step()을 {after}번째 마이크로배치 뒤에 호출했는데, "
                     f"{want}번째 뒤에 호출해야 합니다"}])
    for number, (mine, right) in enumerate(zip(got["steps"], expected["steps"]), start=1):
        if all(g is None for g in mine["grads"]) and all(g is not None for g in right["grads"]):
            fail("optimizer.step() found no gradients (every .grad was None): each group's backward() calls must "
                 "come before its optimizer.step(), and optimizer.zero_grad() only after it",
                 "optimizer.step()을 호출했을 때 그래디언트가 없었습니다(.grad가 모두 None). 그룹마다 backward()를 "
                 "optimizer.step()보다 먼저 호출하고, optimizer.zero_grad()는 그 뒤에 호출하세요",
                 [{"en": f"at optimizer step {number}", "ko": f"{number}번째 optimizer.step()"}])
        for name, grad, grad_right in zip(("weight", "bias"), mine["grads"], right["grads"]):
            expect_close(grad, grad_right,
                         what={"en": f"the gradient of {name} at optimizer step {number}",
                               "ko": f"{number}번째 optimizer.step()에서 {name}의 그래디언트"})
    for name in ("weight", "bias"):
        expect_close(got[name], expected[name], what={"en": f"the final {name}", "ko": f"최종 {name}"})


@pytest.fixture
def run_and_check(sub, ref):
    """run_and_check(seed, n, k, opt_kwargs=None, stale_grad=None, **shape)."""
    def run(seed, n, k, opt_kwargs=None, stale_grad=None, **shape):
        args = (*make_problem(seed, n, **shape), k, opt_kwargs or {"lr": 0.1}, stale_grad)
        got, expected = sub.harness.train(*args), ref.harness.train(*args)
        _check(got, expected, n, k)
        return got, expected
    return run
