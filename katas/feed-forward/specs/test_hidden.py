"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _x(*shape, seed):
    return 2 * torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.hidden(points=2)
def test_other_sizes(check_block):
    check_block(16, None, _x(2, 7, 16, seed=10), seed=11)


@pytest.mark.hidden(points=1)
def test_a_2d_input(check_block):
    # (N, d_model): nn.Linear works on the last dimension, whatever comes before it.
    check_block(5, 12, _x(9, 5, seed=12), seed=13)


@pytest.mark.hidden(points=1)
def test_parameters_with_an_explicit_d_ff(check_count):
    check_count(4, 6)


@pytest.mark.hidden(points=2)
def test_dropout_in_training_mode(check_block):
    check_block(8, None, _x(2, 3, 8, seed=14), seed=15, dropout=0.3, training=True)


@pytest.mark.hidden(points=2)
def test_no_dropout_in_evaluation_mode(check_block):
    check_block(8, 24, _x(4, 3, 8, seed=16), seed=17, dropout=0.5, training=False)


@pytest.mark.hidden(points=1)
def test_the_default_dropout_drops_nothing(check_block):
    # FeedForward(d_model) in training mode: dropout defaults to 0.0, so nothing is dropped or rescaled.
    check_block(6, None, _x(3, 2, 6, seed=18), seed=19, training=True)
