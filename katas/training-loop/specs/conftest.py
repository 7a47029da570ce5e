"""Shared by the training-loop specs: the learner's loop against the reference's, under the same seed.

Both loops run confined (harness.py) and come back as plain data: the loss of every step and the
final w and b. Each step rounds a mean over N examples, and gradient descent carries those
roundings along without amplifying them, so a run of `steps` steps is compared with the
condition steps * N: any correct formulation (.mean() or .sum() / N, w.sub_(), zeroing before
backward or after the update) passes.
"""
import pytest
import torch

from torchkata.spec import LearnerError, SpecFailure, expect_close, fail


def line_data(n=16, low=-1.0, high=1.0, noise=0.0, seed=0, device="cpu"):
    """x of shape (n, 1) and y = 2x + 1 (+ noise), as float32."""
    x = torch.linspace(low, high, n).unsqueeze(1)
    y = 2 * x + 1
    if noise:
        y = y + noise * torch.randn(n, 1, generator=torch.Generator().manual_seed(seed))
    return x.to(device), y.to(device)


def _compare(got, expected, steps, n, start=None, kind="manual", lr=None):
    condition = max(steps, 1) * n
    run = f"{steps} step" if steps == 1 else f"{steps} steps"
    count = len(got["losses"])
    if abs(count - steps) == 1:
        fail(f"a run of steps={steps} returned {count} losses: the loop must run exactly `steps` times, one loss per "
             "update (for _ in range(steps))",
             f"steps={steps}로 실행했는데 손실이 {count}개 나왔습니다. 반복문은 정확히 `steps`번 돌아야 하고, "
             "갱신할 때마다 손실이 하나씩 나옵니다 (for _ in range(steps))")
    try:
        expect_close(torch.tensor(got["losses"]), torch.tensor(expected["losses"]), condition=condition,
                     what={"en": f"the list of losses of a {run} run", "ko": f"{steps}번 반복한 손실 리스트"})
    except SpecFailure as exc:
        if steps == 1 and start is not None and count == 1 and exc.headline["en"].startswith("the values of"):
            fail(**FIRST_LOSS[kind], details=exc.details)
        raise
    if steps == 1 and start is not None:
        _explain_normalised_step(got, expected, start, lr)
        _explain_first_step(got, expected, start)
    for name in ("w", "b"):
        expect_close(got[name], expected[name], condition=condition,
                     what={"en": f"{name} after {run}", "ko": f"{steps}번 갱신한 뒤의 {name}"})


@pytest.fixture
def data():
    """data(n=16, low=-1, high=1, noise=0, seed=0, device='cpu') -> (x, y) on the line y = 2x + 1."""
    return line_data


@pytest.fixture
def check_training(sub, ref):
    """check_training(kind, x, y, lr, steps, seed), kind "manual" or "module".

    The first step is run and checked on its own before the whole run: a failure then says
    whether the first update is already wrong, and mistakes that raise at different steps
    (the first update, or the backward() after it) give different call sequences to match.
    """
    def check(kind, x, y, lr, steps, seed):
        driver = "run_manual" if kind == "manual" else "run_module"
        for count in sorted({0, 1, steps}):
            try:
                got = getattr(sub.harness, driver)(x, y, lr, count, seed)
            except LearnerError as error:
                if error.info.get("type") == "OptimizerNotAllowed":
                    fail(**OPTIMIZER_IN_MANUAL)
                raise
            expected = getattr(ref.harness, driver)(x, y, lr, count, seed)
            if count == 0:
                _expect_the_given_start(kind, got, expected)
                start = expected     # the learner's start is the reference's from here on
            else:
                _compare(got, expected, count, x.shape[0], start, kind, lr)
    return check


def _explain_first_step(got, expected, start):
    """After one step from the given start, w and b moved along the expected step, both by one factor other than
    0, 1 and -1 (those have mutants of their own): the update is scaled wrongly. Said with the factor as a detail."""
    ratios = []
    for name in ("w", "b"):
        moved, wanted = got[name] - start[name], expected[name] - start[name]
        if moved.shape != wanted.shape or bool((wanted.abs() < 1e-6).any()):
            return
        ratios.append(moved / wanted)
    ratios = torch.cat(ratios)
    factor = float(ratios.mean())
    if not all(abs(float(r) - factor) <= 1e-3 * abs(factor) for r in ratios) \
            or any(abs(factor - c) <= 1e-3 for c in (0.0, 1.0, -1.0)):
        return
    fail("after one step, w and b moved by the same constant multiple of the expected change: scale the gradient "
         "by lr and nothing else, w -= lr * w.grad, with the gradient of the mean squared error",
         "한 스텝 뒤 w와 b가 기댓값만큼의 변화에 같은 상수를 곱한 만큼 움직였습니다. 그래디언트에는 lr만 곱하세요: "
         "w -= lr * w.grad (그래디언트는 평균 제곱 오차의 그래디언트입니다)",
         [{"en": f"result − start = (expected − start) × {factor:.4g}",
           "ko": f"결과 − 시작값 = (기댓값 − 시작값) × {factor:.4g}"}])


def _explain_normalised_step(got, expected, start, lr):
    """After one step from the given start, every entry of w and b moved by lr itself, in the expected direction,
    though the expected moves (lr * gradient) are not all lr: the step was normalised by the gradient's size, as
    Adam's first step is (lr * g / (|g| + eps))."""
    if not lr:
        return
    moves = []
    for name in ("w", "b"):
        moved, wanted = got[name] - start[name], expected[name] - start[name]
        if moved.shape != wanted.shape:
            return
        moves.append((moved.flatten(), wanted.flatten()))
    moved, wanted = torch.cat([m for m, _ in moves]), torch.cat([w for _, w in moves])
    if not bool(((moved.abs() - lr).abs() <= 1e-3 * lr).all()) or not bool((moved.sign() == wanted.sign()).all()) \
            or bool(((wanted.abs() - lr).abs() <= 1e-2 * lr).all()):
        return
    fail(**NORMALISED_STEP, details=[{"en": f"each entry of w and b moved by {lr:g} (lr)",
                                      "ko": f"w와 b의 원소가 모두 {lr:g}(lr)만큼 움직였습니다"}])


def _expect_the_given_start(kind, got, expected):
    """A run of 0 steps returns the parameters as initialised: they must be the reference's, exactly."""
    if all(got[name].shape == expected[name].shape and torch.equal(got[name], expected[name]) for name in ("w", "b")):
        return
    start = {"manual": ("torch.manual_seed(seed), then w = torch.randn(1, ...) and b = torch.zeros(1, ...)",
                        "torch.manual_seed(seed), 그다음 w = torch.randn(1, ...)와 b = torch.zeros(1, ...)"),
             "module": ("torch.manual_seed(seed), then model = nn.Linear(1, 1).to(x.device)",
                        "torch.manual_seed(seed), 그다음 model = nn.Linear(1, 1).to(x.device)")}[kind]
    name = {"manual": "train_manual", "module": "train_module"}[kind]
    fail(f"with steps=0, {name} returned parameters that differ from the reference's: the start is not the one "
         f"given. Begin exactly with {start[0]}, with nothing random in between",
         f"steps=0으로 실행했는데 {name}가 반환한 파라미터가 기준 실행과 다릅니다. 시작 부분이 주어진 것과 다릅니다. "
         f"정확히 {start[1]} 순서로 시작하고, 그 사이에 난수를 쓰는 코드를 넣지 마세요")


# The first loss is wrong though the start is right (checked by the run of 0 steps): the loss itself, or when it
# is recorded. Said only where the describer found no pattern ("the values of ... are wrong").
FIRST_LOSS = {
    "manual": {"en": "the first loss in the list is not the mean squared error of the given start (w and b before "
                     "any update, as a run of steps=0 returned them): compute pred = x * w + b, of y's shape (N, 1), "
                     "and loss = ((pred - y) ** 2).mean(), and append loss.item() before the update",
               "ko": "리스트의 첫 손실이 주어진 시작값(steps=0 실행이 돌려준, 업데이트 전의 w와 b)의 평균 제곱 오차가 "
                     "아닙니다. y와 같은 shape (N, 1)인 pred = x * w + b와 loss = ((pred - y) ** 2).mean()을 "
                     "계산하고, 업데이트 전에 loss.item()을 추가하세요"},
    "module": {"en": "the first loss in the list is not the mean squared error of the given start (the model before "
                     "any update, as a run of steps=0 returned it): compute nn.MSELoss()(model(x), y), with model(x) "
                     "of y's shape (N, 1), and append loss.item() before optimizer.step()",
               "ko": "리스트의 첫 손실이 주어진 시작값(steps=0 실행이 돌려준, 업데이트 전의 모델)의 평균 제곱 오차가 "
                     "아닙니다. y와 같은 shape (N, 1)인 model(x)로 nn.MSELoss()(model(x), y)를 계산하고, "
                     "optimizer.step() 전에 loss.item()을 추가하세요"}}

# The module_adam mutant's diagnosis (kata.toml), said only where the normalised first step is checked.
NORMALISED_STEP = {
    "en": "after one step, each entry of w and b moved by lr itself, whatever the size of its gradient: the step was "
          "divided by the gradient's size, as Adam's first step is. Gradient descent moves by lr times the "
          "gradient: torch.optim.SGD(model.parameters(), lr=lr), or w -= lr * w.grad",
    "ko": "한 스텝 뒤 w와 b의 원소가 그래디언트의 크기와 상관없이 모두 lr만큼 움직였습니다. Adam의 첫 스텝처럼 "
          "그래디언트의 크기로 나눈 것입니다. 경사 하강법은 lr에 그래디언트를 곱한 만큼 움직입니다: "
          "torch.optim.SGD(model.parameters(), lr=lr) 또는 w -= lr * w.grad"}

# train_manual built a torch.optim optimizer: the harness refuses it there (a claim, so it only takes points away).
OPTIMIZER_IN_MANUAL = {
    "en": "train_manual must update w and b itself, with w -= lr * w.grad inside torch.no_grad(): torch.optim "
          "belongs to train_module",
    "ko": "train_manual에서는 torch.no_grad() 안에서 w -= lr * w.grad처럼 w와 b를 직접 갱신해야 합니다. "
          "torch.optim은 train_module에서 쓰세요"}
