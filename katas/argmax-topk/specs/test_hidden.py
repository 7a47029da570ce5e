"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


@pytest.mark.hidden(points=2)
def test_predicted_class_as_many_samples_as_classes(check_predicted, distinct):
    check_predicted(distinct((6, 6), seed=11))   # square: argmax along dim=0 has the right shape


@pytest.mark.hidden(points=1)
def test_predicted_class_float64_and_int64(check_predicted, distinct):
    check_predicted(distinct((7, 4), seed=12, dtype=torch.float64))
    check_predicted(distinct((3, 8), seed=13, dtype=torch.int64))


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("k, dim", [(2, 1), (1, -1), (3, 0)])
def test_top_k_of_a_3d_tensor(check_top_k, k, dim, distinct):
    check_top_k(distinct((3, 4, 5), seed=14), k, dim)


@pytest.mark.hidden(points=1)
def test_top_k_with_k_equal_to_the_size(check_top_k, distinct):
    check_top_k(distinct((4, 5), seed=15, dtype=torch.float64), 5)


@pytest.mark.hidden(points=2)
def test_accuracy_square_logits(check_accuracy, distinct):
    logits = distinct((6, 6), seed=16)
    targets = logits.argmax(dim=1)
    targets[[1, 4]] = (targets[[1, 4]] + 1) % 6        # 4 of 6 right
    check_accuracy(logits, targets)


@pytest.mark.hidden(points=1)
def test_accuracy_single_sample_and_float64(check_accuracy, distinct):
    logits = distinct((1, 4), seed=17, dtype=torch.float64)
    check_accuracy(logits, logits.argmax(dim=1))                     # 1 of 1 right
    logits = distinct((8, 3), seed=18, dtype=torch.float64)
    check_accuracy(logits, torch.tensor([0, 1, 2, 0, 1, 2, 0, 1]))


def _batch(n):
    gen = torch.Generator().manual_seed(n)
    return torch.randn(n, 6, generator=gen), torch.randint(0, 6, (n,), generator=gen)
