"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

# N = 3 samples, D_in = 2 inputs, D_out = 1 output
X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
W = torch.tensor([[0.5], [-0.25]])
B = torch.tensor([0.1])
Y = torch.tensor([[1.0], [0.0], [2.0]])


@pytest.mark.public(points=2)
def test_make_parameter_is_a_leaf(check_parameter):
    check_parameter(torch.tensor([0.5, -1.0, 2.0]), 0.1)


@pytest.mark.public(points=3)
def test_build_graph_notes_example(check_graph):
    # a = 2, b = 3, x = 4: y = a + b = 5, z = x * y = 20; dz/da = dz/db = x = 4, dz/dx = y = 5
    check_graph(2.0, 3.0, 4.0)


@pytest.mark.public(points=3)
def test_linear_grads_example(check_linear):
    check_linear(X, W, B, Y)


@pytest.mark.public(points=3)
def test_per_batch_gradients_three_batches(check_per_batch):
    w = torch.tensor([1.0, -1.0])
    batches = [(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, 1.0])),
               (torch.tensor([[2.0, 1.0]]), torch.tensor([0.0])),
               (torch.tensor([[1.0, 1.0], [1.0, -1.0], [0.0, 2.0]]), torch.tensor([1.0, 0.0, -1.0]))]
    check_per_batch(w, batches)
