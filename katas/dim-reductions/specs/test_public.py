"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

# 4 students (dim=0) x 3 assignments (dim=1)
SCORES = torch.tensor([[90.0, 70.0, 80.0],
                       [60.0, 85.0, 75.0],
                       [100.0, 95.0, 40.0],
                       [55.0, 65.0, 70.0]])


@pytest.mark.public(points=2)
def test_per_student_totals(check_totals):
    check_totals(SCORES)


@pytest.mark.public(points=2)
def test_per_assignment_means(check_means):
    check_means(SCORES)


@pytest.mark.public(points=2)
def test_best_assignment_of_each_student(check_best):
    check_best(SCORES)


@pytest.mark.public(points=2)
def test_masked_mean_of_submitted_work(check_masked_mean):
    submitted = torch.tensor([[True, True, False],
                              [True, False, True],
                              [True, True, True],
                              [False, False, True]])
    check_masked_mean(SCORES, submitted, 1)


@pytest.mark.public(points=2)
def test_normalize_features_columns(check_normalize):
    # 6 samples x 3 features on very different scales
    x = torch.tensor([[1.0, 200.0, -0.5],
                      [2.0, 180.0, -0.1],
                      [3.0, 260.0, 0.3],
                      [4.0, 150.0, 0.2],
                      [5.0, 210.0, -0.4],
                      [6.0, 240.0, 0.9]])
    check_normalize(x, 0)
