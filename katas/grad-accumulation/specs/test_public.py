"""Public specs: the learner sees these inputs and every detail of a failure.

Each test trains an nn.Linear with SGD through harness.train and compares every optimizer step with
the reference's, which equals one big-batch step over the same group of micro-batches (MSE loss,
equal-sized micro-batches).
"""
import pytest

from torchkata.spec import fail


@pytest.mark.public(points=3)
def test_two_groups_of_four(run_and_check):
    got, expected = run_and_check(seed=0, n=8, k=4)
    if got["returned"] != expected["returned"]:
        fail("train_accumulated returns nothing: its work is the optimizer steps it takes, so end it without a "
             "return value (or with a bare return)",
             "train_accumulated는 아무것도 반환하지 않습니다. 이 함수가 하는 일은 optimizer.step()으로 갱신하는 "
             "것이므로, 값을 돌려주지 말고(또는 값 없이 return만 쓰고) 끝내세요",
             [{"en": f"it returned a value of type {got['returned']}",
               "ko": f"{got['returned']} 타입의 값을 돌려주었습니다"}])


@pytest.mark.public(points=2)
def test_six_micro_batches_in_groups_of_three(run_and_check):
    run_and_check(seed=1, n=6, k=3, out_features=1)


@pytest.mark.public(points=2)
def test_k_of_one_steps_after_every_micro_batch(run_and_check):
    run_and_check(seed=2, n=4, k=1)


@pytest.mark.public(points=3)
def test_last_group_is_incomplete(run_and_check):
    # 7 micro-batches with k=3: groups of 3, 3 and 1 -> three steps, the last one on a single micro-batch.
    run_and_check(seed=3, n=7, k=3)
