"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest

from torchkata.spec import expect


@pytest.mark.hidden(points=2)
def test_manual_other_seed_lr_and_noisy_data(data, check_training):
    x, y = data(n=32, low=-2.0, high=2.0, noise=0.1, seed=4)
    check_training("manual", x, y, lr=0.05, steps=40, seed=3)


@pytest.mark.hidden(points=1)
def test_module_one_step(data, check_training):
    x, y = data()
    check_training("module", x, y, lr=0.1, steps=1, seed=0)


@pytest.mark.hidden(points=2)
def test_module_other_seed_lr_and_noisy_data(data, check_training):
    x, y = data(n=32, low=-2.0, high=2.0, noise=0.1, seed=5)
    check_training("module", x, y, lr=0.05, steps=40, seed=7)


@pytest.mark.hidden(points=1)
def test_module_learns_the_line(data, check_training):
    x, y = data()
    got = check_training("module", x, y, lr=0.3, steps=60, seed=2)
    w, b = float(got["w"][0]), float(got["b"][0])
    expect(abs(w - 2) < 1e-3 and abs(b - 1) < 1e-3,
           en=f"after 60 steps the line should be learned (w close to 2, b close to 1), got w={w:.4g}, b={b:.4g}",
           ko=f"60스텝이면 직선을 다 배워야 합니다 (w는 2, b는 1에 가깝게). 결과는 w={w:.4g}, b={b:.4g}입니다")


@pytest.mark.hidden(points=1)
def test_on_device(data, check_training, device):
    x, y = data(device=device)
    check_training("manual", x, y, lr=0.1, steps=10, seed=0)
    check_training("module", x, y, lr=0.1, steps=10, seed=0)
