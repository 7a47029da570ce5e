"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _randn(*shape, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=dtype)


@pytest.mark.hidden(points=1)
def test_add_int64_and_float64(check_add):
    x = torch.arange(24).reshape(2, 3, 4)
    check_add(x, 5, inplace=True)
    check_add(x, -2, inplace=False)
    y = _randn(4, 2, seed=21, dtype=torch.float64)
    check_add(y, 0.5, inplace=False)
    check_add(y, 0.5, inplace=True)


@pytest.mark.hidden(points=1)
def test_row_of_a_3d_tensor(check_row):
    x = _randn(3, 2, 4, seed=22)
    check_row(x, 2, copy=False)
    check_row(x, 0, copy=True)


@pytest.mark.hidden(points=1)
def test_row_negative_index_int_tensor(check_row):
    x = torch.arange(12).reshape(4, 3)
    check_row(x, -1, copy=True)
    check_row(x, -2, copy=False)


@pytest.mark.hidden(points=2)
def test_numpy_int64_and_float64_arrays(check_from_numpy):
    ints = torch.tensor([[3, -1], [7, 0]])
    check_from_numpy(ints, copy=True)
    check_from_numpy(ints, copy=False)
    check_from_numpy(_randn(5, seed=23, dtype=torch.float64), copy=True)


@pytest.mark.hidden(points=1)
def test_tensor_to_numpy_2d_float64(check_to_numpy):
    check_to_numpy(_randn(3, 4, seed=24, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_total_more_dtypes(check_total):
    check_total(_randn(4, 5, seed=25, dtype=torch.float64))
    check_total(torch.tensor([True, False, True, True]))   # the count of True entries: 3, an int
    check_total(_randn(6, 2, seed=26))


@pytest.mark.hidden(points=1)
def test_cast_to_other_dtypes(check_cast):
    check_cast(torch.tensor([1, -2, 3]), torch.float32)
    check_cast(_randn(2, 3, seed=27), torch.float64)
    check_cast(torch.tensor([True, False]), torch.float32)


@pytest.mark.hidden(points=1)
def test_clip_a_matrix(check_clip):
    check_clip(_randn(3, 4, seed=28) * 2, 0.5)
