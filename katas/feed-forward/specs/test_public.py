"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch


def _x(*shape, seed):
    # Inputs of about +-2 put the hidden features where GELU bends (and differs from ReLU).
    return 2 * torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.public(points=2)
def test_parameters_of_the_prompt_example(check_count):
    # FeedForward(8): layer1 (32, 8) + (32,), layer2 (8, 32) + (8,) = 552 parameters.
    check_count(8, None)


@pytest.mark.public(points=3)
def test_prompt_example_a_batch_of_sequences(check_block):
    # B = 2 sequences of T = 5 positions, d_model = 8, d_ff = 4 * 8 = 32; evaluation mode.
    check_block(8, None, _x(2, 5, 8, seed=1), seed=0)


@pytest.mark.public(points=2)
def test_an_explicit_d_ff(check_block):
    check_block(6, 10, _x(3, 4, 6, seed=2), seed=3)
