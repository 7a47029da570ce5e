"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close

SHAPES = [(8, 5, 3), (1, 4, 2), (16, 2, 5), (5, 5, 2), (6, 6, 6)]   # (N, D_in, D_out)


@pytest.mark.hidden(points=2)
@pytest.mark.parametrize("shape", SHAPES, ids=[f"N{n}-Din{i}-Dout{o}" for n, i, o in SHAPES])
def test_grads_random_shapes(problem, check_grads, shape):
    check_grads(*problem(*shape, seed=sum(shape)))


@pytest.mark.hidden(points=1)
def test_loss_random(problem, check_loss):
    check_loss(*problem(7, 3, 4, seed=21))


@pytest.mark.hidden(points=2)
def test_sgd_step_random(problem, check_step):
    check_step(*problem(10, 4, 3, seed=22), 0.05)


@pytest.mark.hidden(points=2)
def test_training_converges(sub, ref, problem, check_step):
    X, W, b, _ = problem(32, 3, 2, seed=23)
    true_W = torch.tensor([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]])
    y = X @ true_W + torch.tensor([0.5, -1.0])   # an exactly solvable problem
    lr, steps = 0.1, 60
    check_step(X, W, b, y, lr)
    W_end, b_end = sub.harness.train(X, W, b, y, lr, steps)
    W_ref, b_ref = ref.harness.train(X.double(), W.double(), b.double(), y.double(), lr, steps)
    # Each step may add the rounding of one step (condition N + D_in + D_out); descent does not amplify it.
    condition = steps * (X.shape[0] + X.shape[1] + y.shape[1])
    expect_close(W_end, W_ref, dtype=X.dtype, condition=condition,
                 what={"en": f"W after {steps} steps", "ko": f"{steps}번 갱신한 뒤의 W"})
    expect_close(b_end, b_ref, dtype=X.dtype, condition=condition,
                 what={"en": f"b after {steps} steps", "ko": f"{steps}번 갱신한 뒤의 b"})


@pytest.mark.hidden(points=1)
def test_keeps_float64(problem, check_grads, check_step):
    X, W, b, y = problem(6, 3, 2, seed=24, dtype=torch.float64)
    check_grads(X, W, b, y)
    check_step(X, W, b, y, 0.2)


@pytest.mark.hidden(points=1)
def test_on_device(problem, check_loss, check_grads, check_step, device):
    X, W, b, y = problem(5, 3, 4, seed=25, device=device)
    check_loss(X, W, b, y)
    check_grads(X, W, b, y)
    check_step(X, W, b, y, 0.1)
