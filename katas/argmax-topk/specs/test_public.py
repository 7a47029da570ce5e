"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

# 4 samples x 3 classes (the course notes' example): argmax along dim=1 gives tensor([1, 0, 2, 2])
PRED = torch.tensor([[0.1, 0.7, 0.2],
                     [0.9, 0.05, 0.05],
                     [0.2, 0.1, 0.7],
                     [0.3, 0.3, 0.4]])

# 2 items x 5 candidates (the course notes' example): top 3 along dim=1
SCORES = torch.tensor([[10, 0, 5, 20, 1],
                       [1, 30, 2, 5, 0]])


@pytest.mark.public(points=2)
def test_predicted_class_example(check_predicted):
    check_predicted(PRED)


@pytest.mark.public(points=3)
def test_top_3_scores_of_each_item(check_top_k):
    check_top_k(SCORES, 3)


@pytest.mark.public(points=2)
def test_top_2_along_dim_0(check_top_k, distinct):
    # 5 candidates (rows) x 3 items (columns): the best two candidates of each item
    check_top_k(distinct((5, 3), seed=1), 2, dim=0)


@pytest.mark.public(points=2)
def test_accuracy_example(check_accuracy):
    targets = torch.tensor([1, 0, 1, 2])   # predictions [1, 0, 2, 2]: 3 of 4 right
    check_accuracy(PRED, targets)
