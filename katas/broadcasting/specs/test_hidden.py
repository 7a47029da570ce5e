"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close


def _randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.hidden(points=1)
def test_feature_weights_square_batch(sub, ref):
    # as many samples as features: weights lined up with the wrong axis still broadcast
    batch, weights = _randn(4, 4, seed=1), _randn(4, seed=2)
    expect_close(sub.apply_feature_weights(batch, weights), ref.apply_feature_weights(batch, weights))


@pytest.mark.hidden(points=1)
def test_feature_weights_float64(feature_weights, ref):
    batch, weights = _randn(7, 3, seed=3, dtype=torch.float64), _randn(3, seed=4, dtype=torch.float64)
    expect_close(feature_weights(batch, weights), ref.apply_feature_weights(batch, weights))


@pytest.mark.hidden(points=2)
def test_standardize_features_square(sub, check_standardized):
    # as many samples as features: statistics taken along the wrong dim still broadcast
    data = _randn(4, 4, seed=5) * torch.tensor([1.0, 10.0, 0.1, 3.0]) + torch.tensor([5.0, -20.0, 0.0, 1.0])
    check_standardized(sub.standardize_features(data), data)


@pytest.mark.hidden(points=1)
def test_standardize_features_many_samples_float64(standardize, check_standardized):
    data = _randn(100, 5, seed=6, dtype=torch.float64) * 4 + 2      # the notes' (100, 5)
    check_standardized(standardize(data), data)


@pytest.mark.hidden(points=2)
def test_center_each_student_square(sub, check_centered):
    gen = torch.Generator().manual_seed(7)
    scores = torch.randint(30, 101, (4, 4), generator=gen).float()
    check_centered(sub.center_each_student(scores), scores)


@pytest.mark.hidden(points=1)
def test_center_one_assignment_each(center, check_centered):
    scores = torch.tensor([[70.0], [85.0], [40.0]])        # (3, 1): every row is its own mean
    check_centered(center(scores), scores)


@pytest.mark.hidden(points=2)
def test_mse_loss_other_batches(sub, check_mse):
    for seed, n in enumerate([1, 8, 50]):
        pred, target = _randn(n, 1, seed=10 + seed), _randn(n, seed=20 + seed)
        check_mse(sub.mse_loss(pred, target), pred, target)


@pytest.mark.hidden(points=1)
def test_score_gaps_other_sizes(sub, ref):
    for totals in (torch.tensor([5.0]), _randn(6, seed=8, dtype=torch.float64)):
        expect_close(sub.score_gaps(totals), ref.score_gaps(totals))
