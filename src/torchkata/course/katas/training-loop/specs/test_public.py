"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest

from torchkata.spec import expect


@pytest.mark.public(points=2)
def test_manual_one_step(data, check_training):
    x, y = data()
    check_training("manual", x, y, lr=0.1, steps=1, seed=0)


@pytest.mark.public(points=3)
def test_manual_thirty_steps(data, check_training):
    x, y = data()
    check_training("manual", x, y, lr=0.1, steps=30, seed=0)


@pytest.mark.public(points=3)
def test_module_thirty_steps(data, check_training):
    x, y = data()
    check_training("module", x, y, lr=0.1, steps=30, seed=0)


@pytest.mark.public(points=2)
def test_manual_learns_the_line(data, check_training):
    x, y = data()
    got = check_training("manual", x, y, lr=0.3, steps=60, seed=1)
    w, b = float(got["w"][0]), float(got["b"][0])
    expect(abs(w - 2) < 1e-3 and abs(b - 1) < 1e-3,
           en=f"after 60 steps the line should be learned (w close to 2, b close to 1), got w={w:.4g}, b={b:.4g}",
           ko=f"60스텝이면 직선을 다 배워야 합니다 (w는 2, b는 1에 가깝게). 결과는 w={w:.4g}, b={b:.4g}입니다")
