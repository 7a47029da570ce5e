"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close

NAN = float("nan")


def _scores(rows, cols, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 101, (rows, cols), generator=gen).to(dtype)


@pytest.mark.hidden(points=2)
def test_pick_from_a_square_gradebook(check_pick):
    scores = _scores(4, 4, seed=1)      # square: a row and a column have the same shape
    check_pick(scores, 0, 3)
    check_pick(scores, 2, 1)


@pytest.mark.hidden(points=1)
def test_pick_with_negative_indices(check_pick):
    check_pick(_scores(3, 5, seed=2, dtype=torch.float64), -1, -2)


@pytest.mark.hidden(points=2)
def test_sub_block_other_shapes(sub, ref):
    scores = _scores(6, 5, seed=3)
    for bounds in [(1, 4, 2, 5), (0, 6, 0, 1), (3, 5, 1, 3), (2, 3, 0, 5)]:
        expect_close(sub.sub_block(scores, *bounds), ref.sub_block(scores, *bounds))


@pytest.mark.hidden(points=1)
def test_passing_scores_edge_cases(sub, ref):
    scores = _scores(5, 4, seed=4, dtype=torch.float64)
    for pass_mark in (50.0, 101.0, 0.0):            # some, none, and every score passes
        expect_close(sub.passing_scores(scores, pass_mark), ref.passing_scores(scores, pass_mark))
    scores = torch.tensor([[60.0, 59.5], [60.5, 60.0]])   # scores right at the pass mark count
    expect_close(sub.passing_scores(scores, 60.0), ref.passing_scores(scores, 60.0))


@pytest.mark.hidden(points=1)
def test_fill_missing_edge_cases(check_fill_missing):
    check_fill_missing(_scores(3, 4, seed=5), -1.0)                          # nothing missing
    check_fill_missing(torch.full((2, 2), NAN, dtype=torch.float64), 50.0)   # everything missing
    scores = torch.tensor([[[1.0, NAN], [NAN, 4.0]], [[NAN, 6.0], [7.0, 8.0]]])
    check_fill_missing(scores, 0.5)                                           # three dimensions
    inf = float("inf")
    check_fill_missing(torch.tensor([[inf, NAN, 70.0], [-inf, 55.0, NAN]]), 0.0)   # only NaN is missing


@pytest.mark.hidden(points=2)
def test_replace_above_floats_and_the_boundary(check_replace_above):
    gen = torch.Generator().manual_seed(6)
    x = torch.randn(5, 6, generator=gen)
    check_replace_above(x, 0.5, 0.0)
    check_replace_above(torch.tensor([3.0, 4.0, 4.0, 5.0, 4.5]), 4.0, -1.0)   # equal to the threshold: kept
