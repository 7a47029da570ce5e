"""Shared checks for the grad-accumulation specs: each failure names the likely mistake.

Nothing here touches the global torch RNG of the grader: data come from a local torch.Generator and
the expected big-batch steps use plain tensors (no nn.Linear initialisation, no torch.optim).
"""
import pytest
import torch
import torch.nn.functional as F

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


def _groups(micro_batches, k):
    return [micro_batches[s:s + k] for s in range(0, len(micro_batches), k)]


def _mean_loss_grads(params, micro_batches):
    """Gradients of the MSE over the concatenated micro-batches, at `params` = [weight, bias]."""
    weight, bias = (p.detach().clone().requires_grad_(True) for p in params)
    x = torch.cat([mb[0] for mb in micro_batches])
    y = torch.cat([mb[1] for mb in micro_batches])
    F.mse_loss(x @ weight.T + bias, y).backward()
    return [weight.grad, bias.grad]


def big_batch_training(weight, bias, micro_batches, k, opt_kwargs):
    """What accumulation must equal: one SGD step on each group of k micro-batches taken as one batch.

    The SGD update (momentum, weight decay) is written out: torch.optim would import torch._dynamo,
    seconds of start-up, in the grader's process.
    """
    lr, momentum = opt_kwargs["lr"], opt_kwargs.get("momentum", 0.0)
    weight_decay = opt_kwargs.get("weight_decay", 0.0)
    params, buffers = [weight.clone(), bias.clone()], [None, None]
    for group in _groups(micro_batches, k):
        grads = _mean_loss_grads(params, group)
        for i, (p, g) in enumerate(zip(params, grads)):
            d_p = g + weight_decay * p
            if momentum:
                buffers[i] = d_p if buffers[i] is None else momentum * buffers[i] + d_p
                d_p = buffers[i]
            params[i] = p - lr * d_p
    return params


def _flat(tensors):
    return torch.cat([t.reshape(-1) for t in tensors])


def _close(a, b):
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-6, atol=1e-10))


def _listed(numbers):
    return ", ".join(str(n) for n in numbers)


def _detail(en, ko):
    """A detail line: shown for public tests only, so hidden inputs (n, k, step numbers) stay hidden."""
    return [{"en": en, "ko": ko}]


def _check_steps(after, expected, n, k):
    """Where optimizer.step() ran (micro-batches seen so far) against where it should have."""
    if after == expected:
        return
    where = _detail(f"{n} micro-batches, k={k}: steps after micro-batch {_listed(after) or '(none)'}; "
                    f"expected after micro-batch {_listed(expected)}",
                    f"미니배치 {n}개, k={k}: 스텝을 밟은 위치는 "
                    f"{_listed(after) + '번째 미니배치 뒤' if after else '없음'}, "
                    f"올바른 위치는 {_listed(expected)}번째 미니배치 뒤")
    if n % k and after == expected[:-1]:
        fail("the last, incomplete group was never stepped: after the final micro-batch, call optimizer.step() "
             "for whatever has accumulated",
             "마지막의 덜 찬 그룹에 대해 스텝을 밟지 않았습니다. 마지막 미니배치 뒤에는 그때까지 누적된 "
             "그래디언트로 optimizer.step()을 호출하세요", where)
    if not after:
        fail("optimizer.step() was never called: step once every k micro-batches",
             "optimizer.step()이 한 번도 호출되지 않았습니다. 미니배치 k개마다 한 번씩 스텝을 밟으세요", where)
    if k > 1 and after == list(range(1, n + 1)):
        fail("optimizer.step() ran after every micro-batch: step only every k-th micro-batch, once the gradients "
             "of the whole group have accumulated",
             "optimizer.step()이 미니배치마다 호출되었습니다. 그룹 전체의 그래디언트가 누적된 뒤, "
             "k번째 미니배치마다 한 번만 스텝을 밟으세요",
             _detail(f"expected {len(expected)} optimizer step(s) for {n} micro-batches with k={k}, got {len(after)}",
                     f"미니배치 {n}개, k={k}이면 옵티마이저 스텝은 {len(expected)}번이어야 하는데 "
                     f"{len(after)}번 호출되었습니다"))
    if k > 1 and any(a % k == 1 for a in after):
        fail("optimizer.step() ran right after the first micro-batch of a group: the condition is off by one. "
             "With i counting from 0 (enumerate), step when (i + 1) % k == 0",
             "optimizer.step()이 그룹의 첫 미니배치 바로 뒤에 호출되었습니다. 조건이 한 칸 어긋나 있습니다"
             "(off-by-one). enumerate처럼 i가 0부터 시작하면 (i + 1) % k == 0일 때 스텝을 밟으세요", where)
    fail("optimizer.step() ran at the wrong times: step after every k-th micro-batch, and once more after the "
         "last micro-batch if an incomplete group remains",
         "optimizer.step()을 호출한 시점이 틀렸습니다. k번째 미니배치마다 스텝을 밟고, 덜 찬 그룹이 남으면 "
         "마지막 미니배치 뒤에 한 번 더 밟으세요", where)


def _check_step_gradient(j, step, group, k, stale_grad, previous):
    """The gradient optimizer.step() saw at step j+1 must be that of the mean loss over its group."""
    m, number = len(group), j + 1
    at = _detail(f"at optimizer step {number} (k={k}, this group holds {m} micro-batch(es))",
                 f"{number}번째 옵티마이저 스텝 (k={k}, 이 그룹의 미니배치 {m}개)")
    if any(g is None for g in step["grads"]):
        fail("a parameter had no gradient when optimizer.step() ran: call loss.backward() on every "
             "micro-batch's loss, and clear the gradients only after optimizer.step()",
             "optimizer.step()을 호출할 때 그래디언트가 없는 파라미터가 있었습니다. 미니배치마다 "
             "loss.backward()를 호출하고, 그래디언트는 optimizer.step() 다음에만 지우세요", at)
    expected = _mean_loss_grads(step["params"], group)
    got, want = _flat(step["grads"]), _flat(expected)
    if _close(got, want):
        return
    if m > 1 and _close(got, m * want):
        if m == k:
            fail("the gradient at an optimizer step is k times too large: divide each micro-batch's loss by k "
                 "before backward(), so the accumulated gradient is the mean over the group",
                 "옵티마이저 스텝의 그래디언트가 k배 큽니다. backward() 전에 각 미니배치의 손실을 k로 나누세요. "
                 "그래야 누적된 그래디언트가 그룹 전체의 평균이 됩니다", at)
        fail("the gradient of the last, incomplete group is too large: divide each micro-batch's loss by the "
             "number of micro-batches in its group",
             "마지막의 덜 찬 그룹의 그래디언트가 너무 큽니다. 각 미니배치의 손실을 그 그룹에 든 미니배치 "
             "수로 나누세요", at)
    if m < k and _close(got, (m / k) * want):
        fail("the gradient of the last, incomplete group is too small: divide the losses of that group by "
             "the number of micro-batches actually in it, not by k",
             "마지막의 덜 찬 그룹의 그래디언트가 너무 작습니다. 그 그룹의 손실은 k가 아니라 "
             "실제로 든 미니배치 수로 나누세요",
             _detail(f"the group holds {m} of k={k} micro-batches, so its gradient came out {m}/{k} of the mean",
                     f"이 그룹에는 미니배치가 k={k}개가 아니라 {m}개뿐이라서, 그래디언트가 평균의 {m}/{k}로 "
                     "작아졌습니다"))
    last = _flat(_mean_loss_grads(step["params"], group[-1:]))
    if m > 1 and any(_close(got, last / d) for d in {m, k}):
        fail("only the last micro-batch's gradient reached optimizer.step(): zero_grad() ran after every "
             "micro-batch and erased the others. Call optimizer.zero_grad() only right after optimizer.step()",
             "optimizer.step()에 마지막 미니배치의 그래디언트만 남아 있었습니다. 미니배치마다 zero_grad()를 "
             "호출해서 나머지가 지워졌습니다. optimizer.zero_grad()는 optimizer.step() 직후에만 호출하세요", at)
    if j == 0 and stale_grad is not None and _close(got - stale_grad, want):
        fail("gradients left in the parameters before train_accumulated was called leaked into the first step: "
             "call optimizer.zero_grad() before the first micro-batch",
             "train_accumulated를 호출하기 전부터 파라미터에 남아 있던 그래디언트가 첫 스텝에 섞였습니다. "
             "첫 미니배치 전에 optimizer.zero_grad()를 호출하세요")
    if previous is not None and _close(got - previous, want):
        fail("the gradient at an optimizer step still holds the previous group's gradient: "
             "call optimizer.zero_grad() after every optimizer.step()",
             "옵티마이저 스텝의 그래디언트에 이전 그룹의 그래디언트가 그대로 남아 있습니다. "
             "optimizer.step()을 호출할 때마다 바로 optimizer.zero_grad()도 호출하세요", at)
    for name, g, e in zip(("weight", "bias"), step["grads"], expected):
        expect_close(g, e, rtol=1e-6, atol=1e-10,
                     what={"en": f"the gradient of {name} seen by optimizer.step() "
                                 "(expected: that of the mean loss over the group)",
                           "ko": f"optimizer.step()이 본 {name}의 그래디언트 (기대값: 그룹 평균 손실의 그래디언트)"})


def _check(result, weight, bias, micro_batches, k, opt_kwargs, stale_grad=None):
    n = len(micro_batches)
    if not isinstance(result, dict) or not {"steps", "loss_calls", "weight", "bias"} <= set(result):
        fail("the harness did not return its record", "하네스가 기록을 돌려주지 않았습니다")
    if result["loss_calls"] != n:
        fail("loss_fn was not called exactly once per micro-batch: call loss = loss_fn(model(x), y) once for "
             "each micro-batch (x, y)",
             "loss_fn이 미니배치마다 정확히 한 번씩 호출되지 않았습니다. 미니배치 (x, y)마다 "
             "loss = loss_fn(model(x), y)를 한 번씩 호출하세요",
             _detail(f"loss_fn was called {result['loss_calls']} times for {n} micro-batches",
                     f"미니배치가 {n}개인데 loss_fn이 {result['loss_calls']}번 호출되었습니다"))
    steps = result["steps"]
    _check_steps([s["after"] for s in steps], [min(s + k, n) for s in range(0, n, k)], n, k)
    previous = None
    for j, (step, group) in enumerate(zip(steps, _groups(micro_batches, k))):
        _check_step_gradient(j, step, group, k, stale_grad, previous)
        previous = _flat(step["grads"])
    want_weight, want_bias = big_batch_training(weight, bias, micro_batches, k, opt_kwargs)
    expect_close(result["weight"], want_weight, rtol=1e-6, atol=1e-10,
                 what={"en": "the final weight (expected: one big-batch step per group of k)",
                       "ko": "최종 weight (기대값: k개 그룹마다 큰 배치로 한 번씩 스텝)"})
    expect_close(result["bias"], want_bias, rtol=1e-6, atol=1e-10,
                 what={"en": "the final bias (expected: one big-batch step per group of k)",
                       "ko": "최종 bias (기대값: k개 그룹마다 큰 배치로 한 번씩 스텝)"})


@pytest.fixture
def run_and_check():
    """run_and_check(sub, seed, n, k, ...): trains through the harness, diagnoses, then compares."""
    def run(sub, seed, n, k, opt_kwargs=None, stale_grad=None, **shape):
        opt_kwargs = opt_kwargs or {"lr": 0.1}
        weight, bias, micro_batches = make_problem(seed, n, **shape)
        result = sub.harness.train(weight, bias, micro_batches, k, opt_kwargs, stale_grad)
        _check(result, weight, bias, micro_batches, k, opt_kwargs, stale_grad)
    return run
