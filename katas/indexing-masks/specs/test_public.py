"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close

X = torch.tensor([[0, 1, 2, 3],
                  [4, 5, 6, 7],
                  [8, 9, 10, 11]])

NAN = float("nan")


@pytest.mark.public(points=3)
def test_pick_row_column_element(check_pick):
    check_pick(X, 1, 2)          # row 1, column 2, and the element at (1, 2)
    check_pick(X, 1, 3)          # the element at (1, 3) is 7


@pytest.mark.public(points=2)
def test_sub_block(sub, ref):
    # rows 0 and 1, columns 1 and 2: [[1, 2], [5, 6]]
    expect_close(sub.sub_block(X, 0, 2, 1, 3), ref.sub_block(X, 0, 2, 1, 3))


@pytest.mark.public(points=2)
def test_passing_scores(sub, ref):
    scores = torch.tensor([[90.0, 55.0, 60.0],
                           [45.0, 85.0, 75.0]])
    expect_close(sub.passing_scores(scores, 60.0), ref.passing_scores(scores, 60.0))


@pytest.mark.public(points=2)
def test_fill_missing_work(check_fill_missing):
    scores = torch.tensor([[80.0, NAN, 60.0],
                           [NAN, 90.0, 70.0]])        # NaN: not handed in
    check_fill_missing(scores, 0.0)


@pytest.mark.public(points=2)
def test_replace_above_the_notes_example(check_replace_above):
    x = torch.arange(10)                              # tensor([0, 1, ..., 9])
    check_replace_above(x, 4, -1)                     # tensor([0, 1, 2, 3, 4, -1, -1, -1, -1, -1])
