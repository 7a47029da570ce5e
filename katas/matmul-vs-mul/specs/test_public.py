"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect, expect_close

ELEMENTWISE = {"en": "the element-wise product (first of the pair)", "ko": "원소별 곱(쌍의 첫 번째 값)"}
MATRIX = {"en": "the matrix product (second of the pair)", "ko": "행렬 곱(쌍의 두 번째 값)"}


def check_pair(got, expected):
    expect(isinstance(got, tuple) and len(got) == 2,
           en="both_products must return a pair: (element-wise product, matrix product)",
           ko="both_products는 (원소별 곱, 행렬 곱) 두 값을 튜플로 돌려줘야 합니다")
    expect_close(got[0], expected[0], what=ELEMENTWISE)
    expect_close(got[1], expected[1], what=MATRIX)


@pytest.mark.public(points=2)
def test_both_products_of_the_notes_example(sub, ref):
    a = torch.tensor([[1, 2], [3, 4]])
    b = torch.tensor([[10, 20], [30, 40]])
    check_pair(sub.both_products(a, b), ref.both_products(a, b))
    # b = 10 * a above, so a @ b == b @ a there; with a permutation the order shows:
    # a @ swap swaps the columns of a, swap @ a swaps its rows.
    swap = torch.tensor([[0, 1], [1, 0]])
    check_pair(sub.both_products(a, swap), ref.both_products(a, swap))


@pytest.mark.public(points=2)
def test_weighted_totals_of_a_gradebook(sub, ref, check_product):
    scores = torch.tensor([[90.0, 70.0, 80.0],       # 4 students x 3 assignments
                           [60.0, 85.0, 75.0],
                           [100.0, 95.0, 40.0],
                           [55.0, 65.0, 70.0]])
    weights = torch.tensor([0.2, 0.3, 0.5])        # how much each assignment counts
    got = sub.weighted_totals(scores, weights)
    check_product(got, ref.weighted_totals(scores.double(), weights.double()), scores, weights, torch.float32)


@pytest.mark.public(points=2)
def test_linear_forward_y_equals_2x_plus_1(ref, linear_forward):
    X = torch.tensor([[0.0], [1.0], [2.0], [3.0]])   # 4 samples, 1 feature
    W = torch.tensor([[2.0]])                         # (1, 1)
    b = torch.tensor([1.0])                           # (1,)
    expect_close(linear_forward(X, W, b), ref.linear_forward(X, W, b))


@pytest.mark.public(points=2)
def test_linear_forward_3_features_to_2_outputs(ref, linear_forward, check_product):
    X = torch.tensor([[1.0, 2.0, 3.0],
                      [0.0, -1.0, 4.0],
                      [2.0, 2.0, 2.0],
                      [-3.0, 0.5, 1.0]])                 # (4, 3): 4 samples, 3 features
    W = torch.tensor([[0.5, -1.0], [2.0, 0.0], [-0.5, 1.5]])   # (3, 2)
    b = torch.tensor([0.1, -0.2])                        # (2,)
    got = linear_forward(X, W, b)
    check_product(got, ref.linear_forward(X.double(), W.double(), b.double()), X, W, torch.float32, extra_terms=1)


@pytest.mark.public(points=2)
def test_linear_with_the_nn_linear_weight_layout(sub, ref, check_product):
    X = torch.tensor([[1.0, 2.0, 3.0],
                      [0.0, -1.0, 4.0],
                      [2.0, 2.0, 2.0],
                      [-3.0, 0.5, 1.0]])                 # (4, 3)
    weight = torch.tensor([[0.5, 2.0, -0.5], [-1.0, 0.0, 1.5]])   # (2, 3): (out, in), as in nn.Linear
    bias = torch.tensor([0.1, -0.2])
    got = sub.linear_nn_layout(X, weight, bias)
    check_product(got, ref.linear_nn_layout(X.double(), weight.double(), bias.double()), X, weight.T,
                  torch.float32, extra_terms=1)


@pytest.mark.public(points=2)
def test_batched_products(sub, ref, check_product):
    A = torch.tensor([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
                      [[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]])              # (2, 2, 3)
    B = torch.tensor([[[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]],
                      [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]])            # (2, 3, 2)
    got = sub.batched_products(A, B)
    check_product(got, ref.batched_products(A.double(), B.double()), A, B, torch.float32)
