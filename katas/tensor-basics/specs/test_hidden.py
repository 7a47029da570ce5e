"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close, fail

WEIGHTS = {"en": "the weights", "ko": "가중치"}
NOISE = {"en": "the noise", "ko": "노이즈"}


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("data", [
    [[0.5, 1.5], [2.0, -3.25]],                 # floats: float32
    [[1, 2.5], [3, 4]],                         # ints and floats mixed: float32
    [True, False, True],                        # bools: bool
    [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],       # three dimensions of ints: int64
], ids=["floats", "mixed", "bools", "3d-ints"])
def test_from_data_infers_the_dtype(sub, ref, data):
    expect_close(sub.from_data(data), ref.from_data(data))


@pytest.mark.hidden(points=1)
def test_starting_gradebook_other_shapes(sub, ref):
    for students, assignments, value in [(4, 2, 60), (1, 5, -1.5), (3, 3, 7)]:
        expect_close(sub.starting_gradebook(students, assignments, value),
                     ref.starting_gradebook(students, assignments, value))


@pytest.mark.hidden(points=1)
def test_random_weights_other_shapes(sub, ref, check_standard_normal):
    for seed, (n_in, n_out) in enumerate([(1, 5000), (3, 2), (40, 60)]):
        got = sub.harness.seeded_random_weights(seed, n_in, n_out)
        check_standard_normal(got, ref.harness.seeded_random_weights(seed, n_in, n_out), WEIGHTS)


@pytest.mark.hidden(points=1)
def test_random_weights_follow_the_seed_set_before_the_call(sub, ref, check_standard_normal):
    """The same seed gives the same weights, another seed other weights: the draws come from torch's default
    generator, seeded by the caller. Compared on the trusted side, from the learner's own draws."""
    first, again, other = (sub.harness.seeded_random_weights(seed, 6, 5) for seed in (11, 11, 12))
    for got in (first, again, other):
        check_standard_normal(got, ref.harness.seeded_random_weights(11, 6, 5), WEIGHTS)
    if torch.equal(first, other):
        fail("random_weights gives the same weights whatever seed torch's default generator was given before the "
             "call: it sets a seed itself or draws from a generator of its own. Draw from the default generator "
             "(torch.randn) and leave the seeding to the caller",
             "random_weights는 호출 전에 torch의 기본 난수 생성기에 어떤 시드를 설정하든 같은 가중치를 돌려줍니다. "
             "함수 안에서 시드를 설정하거나 별도의 생성기에서 값을 뽑고 있습니다. 기본 난수 생성기(torch.randn)에서 "
             "뽑고, 시드 설정은 호출하는 쪽에 맡기세요")
    if not torch.equal(first, again):
        fail("random_weights gives different weights after the same seed: its numbers do not come from torch's "
             "default generator alone, which the caller seeded. Draw from it (torch.randn), not from a generator "
             "of your own",
             "random_weights는 같은 시드를 설정한 뒤에도 매번 다른 가중치를 돌려줍니다. 호출하는 쪽이 시드를 설정한 "
             "torch의 기본 난수 생성기만으로 값을 뽑지 않기 때문입니다. 별도의 생성기가 아니라 기본 난수 생성기"
             "(torch.randn)에서 뽑으세요")


@pytest.mark.hidden(points=1)
def test_blank_like_keeps_every_dtype(sub, ref):
    gen = torch.Generator().manual_seed(5)
    for template in (torch.randn(3, 4, generator=gen, dtype=torch.float64),
                     torch.randn(2, 3, 4, generator=gen),
                     torch.tensor([True, False])):
        expect_close(sub.blank_like(template), ref.blank_like(template))


@pytest.mark.hidden(points=1)
def test_noise_like_a_float64_template(sub, ref, check_standard_normal):
    template = torch.zeros(50, 40, dtype=torch.float64)
    got = sub.harness.seeded_noise_like(3, template)
    check_standard_normal(got, ref.harness.seeded_noise_like(3, template), NOISE)


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("x", [
    torch.tensor(3.5),                                  # a 0-dim tensor: shape (), one element
    torch.zeros(2, 3, 4, dtype=torch.float64),
    torch.zeros(0, 3, dtype=torch.int64),               # empty
], ids=["scalar", "3d-float64", "empty"])
def test_describe_other_tensors(sub, ref, check_description, x):
    check_description(sub.describe(x), ref.describe(x))


@pytest.mark.hidden(points=1)
def test_like_keeps_the_device(sub, ref, check_standard_normal, check_description, device):
    template = torch.tensor([[1, 2, 3], [4, 5, 6]], device=device)
    expect_close(sub.blank_like(template), ref.blank_like(template))
    got = sub.harness.seeded_noise_like(1, template)
    check_standard_normal(got, ref.harness.seeded_noise_like(1, template), NOISE)
    check_description(sub.describe(template), ref.describe(template))
