"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close

# 6 students x 3 features on very different scales: hours studied, exam score, attendance rate
FEATURES = torch.tensor([[1.0, 200.0, -0.5],
                         [2.0, 180.0, -0.1],
                         [3.0, 260.0, 0.3],
                         [4.0, 150.0, 0.2],
                         [5.0, 210.0, -0.4],
                         [6.0, 240.0, 0.9]])


@pytest.mark.public(points=2)
def test_feature_weights_on_a_batch_of_32(feature_weights, ref):
    gen = torch.Generator().manual_seed(0)
    batch = torch.randn(32, 10, generator=gen)      # 32 samples, 10 features each
    weights = torch.randn(10, generator=gen)        # one weight per feature
    expect_close(feature_weights(batch, weights), ref.apply_feature_weights(batch, weights))


@pytest.mark.public(points=3)
def test_standardize_features(standardize, check_standardized):
    check_standardized(standardize(FEATURES), FEATURES)


@pytest.mark.public(points=2)
def test_center_each_student(center, check_centered):
    scores = torch.tensor([[90.0, 70.0, 80.0],      # 4 students x 3 assignments
                           [60.0, 85.0, 75.0],
                           [100.0, 95.0, 40.0],
                           [55.0, 65.0, 70.0]])
    check_centered(center(scores), scores)


@pytest.mark.public(points=2)
def test_mse_loss_of_a_linear_models_output(sub, check_mse):
    pred = torch.tensor([[2.5], [0.0], [2.1], [7.8]])    # (4, 1): what X @ W + b returns
    target = torch.tensor([3.0, -0.5, 2.0, 7.5])         # (4,)
    check_mse(sub.mse_loss(pred, target), pred, target)


@pytest.mark.public(points=2)
def test_score_gaps(sub, ref):
    totals = torch.tensor([240.0, 220.0, 235.0])
    expect_close(sub.score_gaps(totals), ref.score_gaps(totals))
