"""Public specs: the learner sees these inputs and every detail of a failure.

set_seed runs only inside the worker (a fresh process per test): harness.pipeline_twice seeds,
draws, disturbs every generator and does it again, and says whether each generator gave what
seeding it with `seed` gives, in both runs.
"""
import pytest
import torch

from torchkata.spec import expect


@pytest.mark.public(points=2)
def test_python_random_repeats_after_set_seed(sub, ref, seeding):
    seeding.check_seeded(sub, sub.harness.pipeline_twice(7, with_loader=False),
                         ref.harness.pipeline_twice(7, with_loader=False), ["python"])


@pytest.mark.public(points=2)
def test_numpy_repeats_after_set_seed(sub, ref, seeding):
    seeding.check_seeded(sub, sub.harness.pipeline_twice(7, with_loader=False),
                         ref.harness.pipeline_twice(7, with_loader=False), ["numpy"])


@pytest.mark.public(points=2)
def test_torch_repeats_after_set_seed(sub, ref, seeding):
    seeding.check_seeded(sub, sub.harness.pipeline_twice(7, with_loader=False),
                         ref.harness.pipeline_twice(7, with_loader=False), ["torch", "cuda"])


@pytest.mark.public(points=2)
def test_deterministic_algorithms_and_cudnn_flags(sub, ref, seeding):
    seeding.check_flags(sub, sub.harness.flags_after_set_seed(3), ref.harness.flags_after_set_seed(3),
                        ["deterministic_algorithms", "cudnn_deterministic", "cudnn_benchmark"])


@pytest.mark.public(points=1)
def test_cublas_workspace_config(sub, ref, seeding):
    seeding.check_flags(sub, sub.harness.flags_after_set_seed(3), ref.harness.flags_after_set_seed(3),
                        ["cublas_workspace_config"])


@pytest.mark.public(points=2)
def test_loader_shuffles_reproducibly(sub, ref, seeding):
    expected = ref.harness.loader_epochs(20, 6, 5)
    for _ in range(2):   # two loaders, one after the other, two epochs each
        seeding.check_batches(sub.harness.loader_epochs(20, 6, 5), expected,
                              "(two epochs of 20 items, batch_size=6, seed=5)",
                              "항목 20개, batch_size=6, seed=5로 두 에포크를 돌렸을 때,")


@pytest.mark.public(points=2)
def test_loader_ignores_the_global_rng(sub, ref, seeding):
    *orders, after = sub.harness.loaders_around_global_draws(20, 6, 5)
    *expected, expected_after = ref.harness.loaders_around_global_draws(20, 6, 5)
    expect(len(after) == len(expected_after) and all(torch.equal(a, e) for a, e in zip(after, expected_after)),
           en="building or iterating seeded_loader changed the global torch RNG: use only your own torch.Generator, "
              "so that loading data leaves the rest of the run alone",
           ko="seeded_loader를 만들거나 돌리는 동안 torch의 전역 난수 생성기 상태가 바뀌었습니다. 직접 만든 "
              "torch.Generator만 쓰세요. 그래야 데이터 로딩이 나머지 학습 과정에 영향을 주지 않습니다")
    seeding.check_batches(orders, expected,
                          "(two loaders with seed=5, built after torch.manual_seed(0) and torch.manual_seed(1), "
                          "iterated after torch.manual_seed(100) and torch.manual_seed(3))",
                          "seed=5인 로더 두 개를 torch.manual_seed(0)과 torch.manual_seed(1) 뒤에 만들고, "
                          "torch.manual_seed(100)과 torch.manual_seed(3) 뒤에 돌렸을 때,")
