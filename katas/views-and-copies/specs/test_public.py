"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

X = torch.tensor([[1.0, 2.0, 3.0],
                  [4.0, 5.0, 6.0]])


@pytest.mark.public(points=2)
def test_add_in_place_changes_x(check_add):
    check_add(X, 1.0, inplace=True)


@pytest.mark.public(points=1)
def test_add_out_of_place_leaves_x_alone(check_add):
    check_add(X, 1.0, inplace=False)


@pytest.mark.public(points=2)
def test_row_view_shares_memory(check_row):
    check_row(X, 1, copy=False)


@pytest.mark.public(points=1)
def test_row_copy_is_independent(check_row):
    check_row(X, 1, copy=True)


@pytest.mark.public(points=2)
def test_numpy_to_tensor_shared_and_copied(check_from_numpy):
    values = torch.tensor([1.0, 2.0, 3.0])
    check_from_numpy(values, copy=False)
    check_from_numpy(values, copy=True)


@pytest.mark.public(points=1)
def test_tensor_to_numpy_shares_memory(check_to_numpy):
    check_to_numpy(torch.ones(3))


@pytest.mark.public(points=2)
def test_total_as_a_python_number(check_total):
    check_total(torch.tensor([1.5, 2.0, 3.25]))     # 6.75, a float
    check_total(torch.tensor([1, 2, 3, 4]))          # 10, an int


@pytest.mark.public(points=1)
def test_cast_float_to_int64(check_cast):
    check_cast(torch.tensor([2.7, -1.5, 0.2, 3.0]), torch.int64)


@pytest.mark.public(points=2)
def test_clip_a_parameter_in_place(check_clip):
    check_clip(torch.tensor([-3.0, -0.5, 0.25, 2.0]), 1.0)


@pytest.mark.public(points=1)
def test_flags_left_out_mean_false(check_add, check_row, check_from_numpy):
    # Each flag given as False first, then left out: the default must behave the same.
    check_add(X, 2.0, inplace=False)
    check_add(X, 2.0)
    check_row(X, 0, copy=False)
    check_row(X, 0)
    values = torch.tensor([4.0, 5.0])
    check_from_numpy(values, copy=False)
    check_from_numpy(values)
