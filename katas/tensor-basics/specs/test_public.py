"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close

WEIGHTS = {"en": "the weights", "ko": "가중치"}
NOISE = {"en": "the noise", "ko": "노이즈"}


@pytest.mark.public(points=2)
def test_from_data_gradebook_of_ints(sub, ref):
    data = [[90, 70, 80], [60, 85, 75]]          # 2 students x 3 assignments, whole points
    expect_close(sub.from_data(data), ref.from_data(data))


@pytest.mark.public(points=2)
def test_starting_gradebook(sub, ref):
    expect_close(sub.starting_gradebook(2, 3, 0.0), ref.starting_gradebook(2, 3, 0.0))
    expect_close(sub.starting_gradebook(2, 3, 100), ref.starting_gradebook(2, 3, 100))


@pytest.mark.public(points=2)
def test_random_weights_for_784_inputs_and_10_outputs(sub, ref, check_standard_normal):
    got = sub.harness.seeded_random_weights(0, 784, 10)
    check_standard_normal(got, ref.harness.seeded_random_weights(0, 784, 10), WEIGHTS)


@pytest.mark.public(points=2)
def test_blank_like_an_int_template(sub, ref):
    template = torch.tensor([[1, 2], [3, 4]])
    expect_close(sub.blank_like(template), ref.blank_like(template))


@pytest.mark.public(points=2)
def test_noise_like_an_int_template(sub, ref, check_standard_normal):
    template = torch.tensor([[1, 2], [3, 4]])
    got = sub.harness.seeded_noise_like(0, template)
    check_standard_normal(got, ref.harness.seeded_noise_like(0, template), NOISE)
    template = torch.tensor([[0.5, -1.0, 2.0]])        # already float32: the noise is still a new tensor
    got = sub.harness.seeded_noise_like(1, template)
    check_standard_normal(got, ref.harness.seeded_noise_like(1, template), NOISE)


@pytest.mark.public(points=2)
def test_describe_a_gradebook(sub, ref, check_description):
    scores = torch.tensor([[90.0, 70.0, 80.0], [60.0, 85.0, 75.0]])
    check_description(sub.describe(scores), ref.describe(scores))
    check_description(sub.describe(torch.zeros(2, 3)), ref.describe(torch.zeros(2, 3)))   # the prompt's example
