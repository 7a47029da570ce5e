"""Shared by the training-loop specs: the learner's loop against the reference's, under the same seed.

Both loops run confined (harness.py) and come back as plain data: the loss of every step and the
final w and b. Each step rounds a mean over N examples, and gradient descent carries those
roundings along without amplifying them, so a run of `steps` steps is compared with the
condition steps * N: any correct formulation (.mean() or .sum() / N, w.sub_(), zeroing before
backward or after the update) passes.
"""
import pytest
import torch

from torchkata.spec import expect_close


def line_data(n=16, low=-1.0, high=1.0, noise=0.0, seed=0, device="cpu"):
    """x of shape (n, 1) and y = 2x + 1 (+ noise), as float32."""
    x = torch.linspace(low, high, n).unsqueeze(1)
    y = 2 * x + 1
    if noise:
        y = y + noise * torch.randn(n, 1, generator=torch.Generator().manual_seed(seed))
    return x.to(device), y.to(device)


def _compare(got, expected, steps, n):
    condition = max(steps, 1) * n
    run = f"{steps} step" if steps == 1 else f"{steps} steps"
    expect_close(torch.tensor(got["losses"]), torch.tensor(expected["losses"]), condition=condition,
                 what={"en": f"the list of losses of a {run} run", "ko": f"{steps}번 반복한 손실 리스트"})
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
        for count in sorted({1, steps}):
            got = getattr(sub.harness, driver)(x, y, lr, count, seed)
            _compare(got, getattr(ref.harness, driver)(x, y, lr, count, seed), count, x.shape[0])
    return check
