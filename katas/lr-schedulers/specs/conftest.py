"""Shared checks for the lr-schedulers specs.

Formulas: the learner's function is evaluated for every epoch in the worker (harness.formula) and
compared with the reference's (the formulas of the torch.optim.lr_scheduler classes), run by the same
driver in the reference's own process. The loop: harness.loop records every optimizer.step() (with the
learning rate it used) and every scheduler.step(), in order; that record is the learner's process's
word, so it only names the mistake: the learning rates and the trained parameters, compared with the
reference's, decide the points. Numbers that depend on a test's inputs go in the details, which
hidden tests do not show.
"""
import pytest
import torch

from torchkata.spec import expect_close, fail, values_match


def _tensor(values):
    return torch.tensor(values, dtype=torch.float64)


def _detail(en, ko):
    return [{"en": en, "ko": ko}]


def _check_formula(sub, ref, name, lr0, kwargs, epochs):
    got = sub.harness.formula(name, lr0, kwargs, epochs)
    expected = ref.harness.formula(name, lr0, kwargs, epochs)
    expect_close(_tensor(got), _tensor(expected),
                 what={"en": f"the list of learning rates {name}() gives for epochs 0, 1, 2, ... (index = epoch)",
                       "ko": f"{name}() 함수가 에폭 0, 1, 2, ...에 돌려준 학습률 리스트 (인덱스 = 에폭)"})


def _check_floats(sub, ref, calls):
    """Each formula returns a Python float (math.cos, not torch.cos), and the right one."""
    for name, lr0, kwargs, epochs in calls:
        _check_formula(sub, ref, name, lr0, kwargs, epochs)
        kinds = sub.harness.returned_kinds(name, lr0, kwargs, epochs)
        other = sorted({kind for kind in kinds if kind != "float"})
        if other:
            fail(f"{name}() returned a {other[0]} instead of a Python float: build it from Python numbers and the math "
                 "module (math.cos, math.pi), or turn a 0-d tensor into a float with .item()",
                 f"{name}()이 Python float가 아니라 {other[0]} 값을 돌려주었습니다. Python 숫자와 math 모듈(math.cos, "
                 "math.pi)로 계산하거나, 0차원 텐서라면 .item()으로 float로 바꾸세요")


def problem(seed, n_batches, batch=4, d_in=3, d_out=2):
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(d_out, d_in, generator=gen, dtype=torch.float64) * 0.5
    bias = torch.zeros(d_out, dtype=torch.float64)
    true_weight = torch.randn(d_out, d_in, generator=gen, dtype=torch.float64)
    batches = []
    for _ in range(n_batches):
        x = torch.randn(batch, d_in, generator=gen, dtype=torch.float64)
        batches.append((x, x @ true_weight.T + 0.3))
    return weight, bias, batches


def _check_order(kinds, want, epochs, n_batches):
    if kinds == want:
        return
    n_opt, n_sched = kinds.count("optimizer.step"), kinds.count("scheduler.step")
    counts = _detail(f"{epochs} epochs of {n_batches} batches: optimizer.step() ran {n_opt} times (expected "
                     f"{epochs * n_batches}), scheduler.step() {n_sched} times (expected {epochs})",
                     f"배치 {n_batches}개짜리 에폭 {epochs}번: optimizer.step()은 {n_opt}번 호출되었고 "
                     f"({epochs * n_batches}번이어야 합니다), scheduler.step()은 {n_sched}번 호출되었습니다 "
                     f"({epochs}번이어야 합니다)")
    if n_opt != epochs * n_batches:
        fail("optimizer.step() must run once per batch, in every epoch",
             "optimizer.step()은 모든 에폭에서 배치마다 한 번씩 호출해야 합니다", counts)
    if n_sched == n_opt and n_sched > epochs:
        fail("scheduler.step() ran after every batch: the schedules here count epochs, so call scheduler.step() "
             "once per epoch, after all of the epoch's batches",
             "scheduler.step()이 배치마다 호출되었습니다. 이 스케줄은 에폭 단위이니 scheduler.step()은 한 에폭의 "
             "배치를 모두 처리한 뒤 에폭마다 한 번만 호출하세요", counts)
    if kinds and kinds[0] == "scheduler.step":
        fail("scheduler.step() ran before the first optimizer.step(), so every epoch trained with the next epoch's "
             "learning rate (and the first learning rate was never used): call scheduler.step() at the end of the "
             "epoch, after its optimizer.step() calls",
             "첫 optimizer.step()보다 먼저 scheduler.step()이 호출되어, 모든 에폭이 다음 에폭의 학습률로 "
             "학습했습니다 (첫 학습률은 한 번도 쓰이지 않았습니다). scheduler.step()은 에폭이 끝날 때, 그 에폭의 "
             "optimizer.step() 호출이 모두 끝난 뒤에 부르세요", counts)
    fail("scheduler.step() must run exactly once per epoch, right after the epoch's last optimizer.step()",
         "scheduler.step()은 에폭마다 정확히 한 번, 그 에폭의 마지막 optimizer.step() 바로 뒤에 호출해야 합니다",
         counts)


def _check_loop(sub, ref, name, lr0, kwargs, n_batches, epochs, seed):
    weight, bias, batches = problem(seed, n_batches)
    got = sub.harness.loop(name, lr0, kwargs, weight, bias, batches, epochs)
    expected = ref.harness.loop(name, lr0, kwargs, weight, bias, batches, epochs)
    _check_order([e[0] for e in got["events"]], [e[0] for e in expected["events"]], epochs, n_batches)
    expect_close(_tensor([e[1] for e in got["events"] if len(e) > 1]),
                 _tensor([e[1] for e in expected["events"] if len(e) > 1]),
                 what={"en": "the learning rate of each optimizer.step()",
                       "ko": "각 optimizer.step()이 쓴 학습률"})
    lrs, want = got["lrs"], expected["lrs"]
    if len(lrs) != len(want):
        fail("train_with_scheduler must return one learning rate per epoch",
             "train_with_scheduler는 에폭마다 학습률을 하나씩 돌려줘야 합니다",
             _detail(f"got {len(lrs)} values for {epochs} epochs", f"에폭 {epochs}번에 대해 값이 {len(lrs)}개입니다"))
    if len(lrs) > 1 and not values_match(_tensor(lrs), _tensor(want)) and \
            values_match(_tensor(lrs[:-1]), _tensor(want[1:])):
        fail("the learning rates you returned are one epoch ahead: you read the learning rate after "
             "scheduler.step(), which is already next epoch's. Record it at the start of the epoch, before the "
             "batches (optimizer.param_groups[0]['lr'])",
             "돌려준 학습률이 한 에폭씩 앞서 있습니다. scheduler.step() 뒤에 학습률을 읽었는데, 그때는 이미 다음 "
             "에폭의 학습률입니다. 에폭을 시작할 때, 배치를 돌기 전에 기록하세요 "
             "(optimizer.param_groups[0]['lr'])")
    expect_close(_tensor(lrs), _tensor(want),
                 what={"en": "the list of learning rates returned (one per epoch)", "ko": "돌려준 학습률 리스트 (에폭마다 하나)"})
    if torch.equal(got["weight"], weight) and torch.equal(got["bias"], bias):
        fail("the weights never changed, though optimizer.step() ran: each step must follow this batch's backward() "
             "with the gradients still there. For every batch: zero the gradients, compute the loss, loss.backward(), "
             "then optimizer.step() (zero_grad() between backward() and step() wipes the gradients before they are "
             "used)",
             "optimizer.step()을 호출했는데도 가중치가 전혀 바뀌지 않았습니다. 각 스텝은 이번 배치의 backward()로 구한 "
             "그래디언트가 남아 있을 때 해야 합니다. 배치마다 그래디언트를 0으로 만들고, 손실을 계산하고, "
             "loss.backward()를 호출한 다음 optimizer.step()을 호출하세요 (backward()와 step() 사이에 "
             "zero_grad()를 부르면 그래디언트가 쓰이기 전에 지워집니다)")
    expect_close(got["weight"], expected["weight"], what={"en": "the trained weight", "ko": "학습된 weight"})
    expect_close(got["bias"], expected["bias"], what={"en": "the trained bias", "ko": "학습된 bias"})


@pytest.fixture
def check_formula(sub, ref):
    """check_formula(name, lr0, kwargs, epochs): the learner's formula against the reference's lrs."""
    return lambda name, lr0, kwargs, epochs: _check_formula(sub, ref, name, lr0, kwargs, epochs)


@pytest.fixture
def check_floats(sub, ref):
    """check_floats([(name, lr0, kwargs, epochs), ...]): right values, each a Python float."""
    return lambda calls: _check_floats(sub, ref, calls)


@pytest.fixture
def check_loop(sub, ref):
    """check_loop(name, lr0, kwargs, n_batches, epochs, seed): the learner's loop with that scheduler."""
    return lambda name, lr0, kwargs, n_batches, epochs, seed=0: _check_loop(
        sub, ref, name, lr0, kwargs, n_batches, epochs, seed)
