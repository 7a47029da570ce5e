"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch


def _problem(n, d_in, d_out, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d_in, generator=gen, dtype=torch.float64)
    W = torch.randn(d_in, d_out, generator=gen, dtype=torch.float64) / d_in ** 0.5
    b = torch.randn(d_out, generator=gen, dtype=torch.float64)
    y = torch.randn(n, d_out, generator=gen, dtype=torch.float64)
    return tuple(t.to(dtype) for t in (X, W, b, y))


def _batches(sizes, d, seed, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(d, generator=gen, dtype=torch.float64).to(dtype)
    batches = [(torch.randn(n, d, generator=gen, dtype=torch.float64).to(dtype),
                torch.randn(n, generator=gen, dtype=torch.float64).to(dtype)) for n in sizes]
    return w, batches


@pytest.mark.hidden(points=1)
def test_make_parameter_matrix_float64(check_parameter):
    gen = torch.Generator().manual_seed(31)
    check_parameter(torch.randn(3, 4, generator=gen, dtype=torch.float64), 0.01)


@pytest.mark.hidden(points=2)
def test_build_graph_other_values(check_graph):
    check_graph(-1.5, 0.25, 3.0)
    check_graph(0.5, 0.5, -2.0)


@pytest.mark.hidden(points=2)
def test_linear_grads_random_float64(check_linear):
    check_linear(*_problem(8, 3, 2, seed=32, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_linear_grads_random_float32(check_linear):
    check_linear(*_problem(5, 4, 3, seed=33))


@pytest.mark.hidden(points=2)
def test_per_batch_gradients_four_batches_float64(check_per_batch):
    check_per_batch(*_batches([4, 2, 5, 3], 3, seed=34, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_per_batch_gradients_single_batch(check_per_batch):
    check_per_batch(*_batches([6], 4, seed=35))
