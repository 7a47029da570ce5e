"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close, fail


@pytest.mark.hidden(points=2)
def test_whole_pipeline_with_another_seed(sub, seeding):
    seed = 2024
    first, second = sub.harness.pipeline_twice(seed, 23, 5)
    for name in ("python", "numpy", "torch"):
        seeding.check_source(name, first, second, seed)
    seeding.check_cuda_seeded(first, seed)
    seeding.check_epoch(first["loader"], 23, 5)
    seeding.check_same_order(first["loader"], second["loader"], "(after set_seed in two runs)",
                             "(두 번의 실행에서 각각 set_seed를 호출한 뒤)")


@pytest.mark.hidden(points=1)
def test_different_seeds_shuffle_differently(sub, seeding):
    orders = [sub.harness.loader_epochs(16, 4, seed, 1)[0] for seed in (1, 2, 3)]
    for order in orders:
        seeding.check_epoch(order, 16, 4)
    if orders[0] == orders[1] == orders[2]:
        fail("loaders built with different seeds all shuffle identically: the seed is ignored. "
             "Seed the generator with it: g.manual_seed(seed)",
             "서로 다른 시드로 만든 로더가 모두 똑같이 섞입니다. 시드가 무시되고 있습니다. "
             "g.manual_seed(seed)로 생성기에 시드를 설정하세요")


@pytest.mark.hidden(points=1)
def test_order_is_that_of_a_generator_seeded_with_seed(sub, ref, seeding):
    got = sub.harness.loader_epochs(12, 5, 99, 2)
    for epoch in got:
        seeding.check_epoch(epoch, 12, 5)
    seeding.check_same_order(got, sub.harness.loader_epochs(12, 5, 99, 2), "(two epochs each)", "(각각 두 에포크)")
    if got != seeding.expected_epochs(ref, 12, 5, 99, 2):
        fail("the shuffle repeats but is not that of DataLoader(dataset, batch_size=batch_size, shuffle=True, "
             "generator=g) with g = torch.Generator() seeded by g.manual_seed(seed): pass that generator to the "
             "DataLoader itself",
             "섞인 순서는 매번 같지만, g = torch.Generator()에 g.manual_seed(seed)로 시드를 설정하고 "
             "DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=g)로 만든 로더의 순서와 "
             "다릅니다. 그 생성기를 DataLoader에 직접 넘기세요")


@pytest.mark.hidden(points=1)
def test_tensor_dataset_keeps_pairs_together(sub):
    x = torch.arange(10, dtype=torch.float32).reshape(10, 1)
    y = torch.arange(10) * 3
    batches = sub.harness.tensor_dataset_epoch(x, y, 4, 11)
    again = sub.harness.tensor_dataset_epoch(x, y, 4, 11)
    if len(batches) != 3 or any(len(b) != 2 for b in batches):
        fail("a loader over TensorDataset(x, y) must give 3 batches of (x, y) for 10 items and batch_size=4: "
             "pass the dataset to the DataLoader unchanged",
             "TensorDataset(x, y)의 항목 10개를 batch_size=4로 나누면 (x, y) 배치 3개가 나와야 합니다. "
             "데이터셋을 바꾸지 말고 그대로 DataLoader에 넘기세요")
    xs = torch.cat([b[0] for b in batches]).reshape(-1)
    ys = torch.cat([b[1] for b in batches])
    expect_close(ys, (xs * 3).long(), what={"en": "the targets paired with each x", "ko": "각 x와 짝지어진 정답"})
    if [b[1].tolist() for b in batches] != [b[1].tolist() for b in again]:
        fail("two loaders over the same TensorDataset with the same seed shuffled differently: pass generator=g, "
             "seeded with g.manual_seed(seed), to the DataLoader",
             "같은 TensorDataset에 같은 시드로 만든 두 로더가 서로 다르게 섞였습니다. g.manual_seed(seed)로 "
             "시드를 설정한 generator=g를 DataLoader에 넘기세요")
