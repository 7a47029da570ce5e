"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect, expect_close


@pytest.mark.hidden(points=2)
def test_whole_pipeline_with_another_seed(sub, ref, seeding):
    got, expected = sub.harness.pipeline_twice(2024, 23, 5), ref.harness.pipeline_twice(2024, 23, 5)
    seeding.check_seeded(sub, got, expected)
    seeding.check_seed_used(got, sub.harness.pipeline_twice(31, with_loader=False), expected,
                            ref.harness.pipeline_twice(31, with_loader=False))
    seeding.check_batches([run["loader"] for run in got], [run["loader"] for run in expected],
                          "(after set_seed, in two runs)", "두 번의 실행에서 각각 set_seed를 호출한 뒤,")


@pytest.mark.hidden(points=1)
def test_different_seeds_shuffle_differently(sub, ref, seeding):
    got = [sub.harness.loader_epochs(16, 4, seed, 1) for seed in (1, 2, 3)]
    expected = [ref.harness.loader_epochs(16, 4, seed, 1) for seed in (1, 2, 3)]
    seeding.check_order_follows_seed(got, expected)
    for one, reference in zip(got, expected):
        seeding.check_batches(one, reference, "(one epoch for each of three seeds)", "시드 세 개로 한 에포크씩 돌렸을 때,")


@pytest.mark.hidden(points=1)
def test_order_is_that_of_a_generator_seeded_with_seed(sub, ref, seeding):
    seeding.check_batches(sub.harness.loader_epochs(12, 5, 99, 2), ref.harness.loader_epochs(12, 5, 99, 2),
                          "(two epochs)", "두 에포크를 돌렸을 때,")


@pytest.mark.hidden(points=1)
def test_tensor_dataset_keeps_pairs_together(sub, ref):
    x = torch.arange(10, dtype=torch.float32).reshape(10, 1)
    y = torch.arange(10) * 3
    batches, expected = sub.harness.tensor_dataset_epoch(x, y, 4, 11), ref.harness.tensor_dataset_epoch(x, y, 4, 11)
    expect(len(batches) == len(expected) and all(len(b) == 2 for b in batches),
           en="a loader over TensorDataset(x, y) must give (x, y) batches of batch_size items: "
              "pass the dataset to the DataLoader unchanged",
           ko="TensorDataset(x, y)로 만든 로더는 batch_size개씩 묶은 (x, y) 배치를 내놓아야 합니다. "
              "데이터셋을 바꾸지 말고 그대로 DataLoader에 넘기세요")
    for i, name in enumerate(("x", "y")):
        expect_close(torch.cat([b[i] for b in batches]), torch.cat([b[i] for b in expected]),
                     what={"en": f"the {name} of one epoch, batch after batch",
                           "ko": f"한 에포크 동안 배치마다 나온 {name}"})
