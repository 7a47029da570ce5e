"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _scores(students, assignments, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 101, (students, assignments), generator=gen).float()


def _distinct_scores(students, assignments, seed):
    """No ties within a row, so the index of the maximum is unambiguous."""
    gen = torch.Generator().manual_seed(seed)
    return (torch.randperm(students * assignments, generator=gen).reshape(students, assignments) * 0.5).float()


@pytest.mark.hidden(points=2)
def test_square_scores(check_totals, check_means):
    scores = _scores(5, 5, seed=11)   # square: swapping dim=0 and dim=1 still gives the right shape
    check_totals(scores)
    check_means(scores)


@pytest.mark.hidden(points=1)
def test_many_students_few_assignments(check_totals, check_means):
    scores = _scores(9, 2, seed=12)
    check_totals(scores)
    check_means(scores)


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("shape", [(6, 4), (5, 5)], ids=["6x4", "5x5"])
def test_best_assignment_random(check_best, shape):
    check_best(_distinct_scores(*shape, seed=13))


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("dim", [0, -1])
def test_masked_mean_any_dim(check_masked_mean, dim):
    gen = torch.Generator().manual_seed(14)
    scores = torch.rand(5, 5, generator=gen) * 100
    mask = torch.rand(5, 5, generator=gen) < 0.6
    mask[:, 0] = True
    mask[0, :] = True      # every slice keeps at least one entry
    check_masked_mean(scores, mask, dim)


@pytest.mark.hidden(points=2)
def test_masked_mean_ignores_nan_in_missing_entries(check_masked_mean):
    nan = float("nan")
    scores = torch.tensor([[80.0, nan, 60.0, nan],
                           [nan, 90.0, 70.0, 50.0],
                           [40.0, 45.0, nan, 100.0]])
    check_masked_mean(scores, ~torch.isnan(scores), 1)


@pytest.mark.hidden(points=1)
def test_masked_mean_student_with_nothing_submitted(check_masked_mean):
    scores = torch.tensor([[80.0, 70.0, 60.0],
                           [0.0, 0.0, 0.0],
                           [40.0, 45.0, 90.0]])
    submitted = torch.tensor([[True, False, True],
                              [False, False, False],
                              [True, True, True]])
    check_masked_mean(scores, submitted, 1)


@pytest.mark.hidden(points=2)
def test_normalize_features_along_rows_of_a_square_matrix(check_normalize):
    gen = torch.Generator().manual_seed(15)
    x = torch.randn(4, 4, generator=gen) * torch.tensor([[1.0], [10.0], [0.1], [3.0]]) + torch.arange(4.0)[:, None]
    check_normalize(x, 1)


@pytest.mark.hidden(points=1)
@pytest.mark.parametrize("dim", [1, -1])
def test_normalize_features_3d(check_normalize, dim):
    gen = torch.Generator().manual_seed(16)
    check_normalize(torch.randn(2, 5, 3, generator=gen) * 4 + 2, dim)


@pytest.mark.hidden(points=1)
def test_keeps_float64(check_totals, check_means, check_normalize):
    scores = _scores(3, 4, seed=17).double()
    check_totals(scores)
    check_means(scores)
    check_normalize(scores, 0)


@pytest.mark.hidden(points=1)
def test_on_device(device, check_totals, check_means, check_best, check_masked_mean, check_normalize):
    scores = _distinct_scores(4, 3, seed=18).to(device)
    mask = torch.tensor([[True, False, True], [True, True, True], [False, True, False], [True, True, False]],
                        device=device)
    check_totals(scores)
    check_means(scores)
    check_best(scores)
    check_masked_mean(scores, mask, 1)
    check_normalize(scores, 0)
