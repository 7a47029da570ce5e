"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect, expect_close

ELEMENTWISE = {"en": "the element-wise product (first of the pair)", "ko": "원소별 곱(쌍의 첫 번째 값)"}
MATRIX = {"en": "the matrix product (second of the pair)", "ko": "행렬 곱(쌍의 두 번째 값)"}


def _randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.hidden(points=1)
def test_both_products_of_float64_matrices(sub, ref, check_product):
    a, b = _randn(3, 3, seed=1, dtype=torch.float64), _randn(3, 3, seed=2, dtype=torch.float64)
    got = sub.both_products(a, b)
    expect(isinstance(got, tuple) and len(got) == 2,
           en="both_products must return a pair: (element-wise product, matrix product)",
           ko="both_products는 (원소별 곱, 행렬 곱) 두 값을 튜플로 돌려줘야 합니다")
    expected = ref.both_products(a, b)
    expect_close(got[0], expected[0], what=ELEMENTWISE)
    check_product(got[1], expected[1], a, b, torch.float64, what=MATRIX)


@pytest.mark.hidden(points=2)
def test_weighted_totals_with_as_many_students_as_assignments(sub, ref, check_product):
    gen = torch.Generator().manual_seed(3)
    scores = torch.randint(40, 101, (3, 3), generator=gen).float()
    weights = torch.tensor([0.5, 0.25, 0.25])
    got = sub.weighted_totals(scores, weights)
    check_product(got, ref.weighted_totals(scores.double(), weights.double()), scores, weights, torch.float32)


@pytest.mark.hidden(points=1)
def test_weighted_totals_of_one_student(sub, ref, check_product):
    scores = torch.tensor([[70.0, 80.0, 90.0, 100.0]])
    weights = torch.tensor([1.0, 2.0, 0.5, 1.5])    # credit units: they need not sum to 1
    got = sub.weighted_totals(scores, weights)
    check_product(got, ref.weighted_totals(scores.double(), weights.double()), scores, weights, torch.float32)


@pytest.mark.hidden(points=2)
def test_linear_forward_square(ref, linear_forward, check_product):
    X, W, b = _randn(3, 3, seed=4), _randn(3, 3, seed=5), _randn(3, seed=6)
    got = linear_forward(X, W, b)
    check_product(got, ref.linear_forward(X.double(), W.double(), b.double()), X, W, torch.float32, extra_terms=1)


@pytest.mark.hidden(points=1)
def test_linear_forward_keeps_float64(ref, linear_forward, check_product):
    X, W, b = _randn(5, 4, seed=7, dtype=torch.float64), _randn(4, 6, seed=8, dtype=torch.float64), \
        _randn(6, seed=9, dtype=torch.float64)
    check_product(linear_forward(X, W, b), ref.linear_forward(X, W, b), X, W, torch.float64, extra_terms=1)


@pytest.mark.hidden(points=2)
def test_linear_nn_layout_square(sub, ref, check_product):
    X, weight, bias = _randn(4, 3, seed=10), _randn(3, 3, seed=11), _randn(3, seed=12)
    got = sub.linear_nn_layout(X, weight, bias)
    check_product(got, ref.linear_nn_layout(X.double(), weight.double(), bias.double()), X, weight.T,
                  torch.float32, extra_terms=1)


@pytest.mark.hidden(points=1)
def test_batched_products_other_shapes(sub, ref, check_product):
    for seed, (batch, n, k, m) in enumerate([(1, 4, 2, 3), (5, 3, 3, 3)]):
        A, B = _randn(batch, n, k, seed=20 + seed), _randn(batch, k, m, seed=30 + seed)
        got = sub.batched_products(A, B)
        check_product(got, ref.batched_products(A.double(), B.double()), A, B, torch.float32)
