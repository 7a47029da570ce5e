"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import LoopsOverBatch, expect_vectorised, fail

# The notes' example: a vocabulary of 10 tokens, vectors of size 3 (row i is the vector of token i).
NOTES_TABLE = torch.tensor([[-0.2621, -0.6277, 0.5184],
                            [-0.4357, -0.2804, -0.1989],
                            [-0.2117, 0.2210, 1.5999],
                            [-0.6728, -0.1887, 1.3213],
                            [-0.4328, 0.4285, 0.5066],
                            [-0.0766, 0.2828, -1.1686],
                            [-0.4708, 0.2523, 1.1925],
                            [-0.1950, -1.7374, 0.9231],
                            [-0.8872, -0.2113, -0.2291],
                            [-0.1044, -1.0427, 1.3323]])


def _table(rows, dim, seed):
    return torch.randn(rows, dim, generator=torch.Generator().manual_seed(seed))


@pytest.mark.public(points=3)
def test_prompt_example_one_sentence_of_four_tokens(check_lookup):
    check_lookup(torch.tensor([[1, 5, 0, 8]]), NOTES_TABLE)


@pytest.mark.public(points=2)
def test_a_batch_of_two_sentences_with_repeated_ids(check_lookup):
    check_lookup(torch.tensor([[0, 2, 2, 5], [1, 1, 3, 0]]), _table(6, 4, seed=1))


@pytest.mark.public(points=3)
def test_padding_positions_give_zero_vectors(check_lookup):
    # Sentences of length 3 and 1, padded to 4 with id 0; row 0 of the table is not zero.
    check_lookup(torch.tensor([[4, 2, 3, 0], [1, 0, 0, 0]]), _table(5, 3, seed=2), padding_idx=0)


@pytest.mark.public(points=3)
def test_gradients_add_up_in_repeated_rows(check_gradient):
    # Token 1 appears three times and token 4 twice: their rows get the sum of those positions' gradients.
    ids = torch.tensor([[1, 1, 4], [1, 0, 4]])
    grad_out = torch.randn(2, 3, 3, generator=torch.Generator().manual_seed(3))
    check_gradient(ids, _table(5, 3, seed=4), None, grad_out)


@pytest.mark.rule(points=2)
def test_no_python_loop_over_the_tokens(sub):
    def make_args(n):
        gen = torch.Generator().manual_seed(n)
        return torch.randint(0, 12, (n, 6), generator=gen), torch.randn(12, 12, generator=gen), 0
    try:
        expect_vectorised(sub.embedding, make_args)
    except LoopsOverBatch as exc:
        fail("a Python loop over the tokens: index the table once with the whole id tensor, weight[ids], "
             "and let torch pick every row at the same time",
             "토큰마다 도는 Python 루프가 있습니다. ID 텐서 전체로 테이블을 한 번에 인덱싱하세요(weight[ids]). "
             "그러면 torch가 모든 행을 한꺼번에 골라 줍니다",
             [exc.headline])
