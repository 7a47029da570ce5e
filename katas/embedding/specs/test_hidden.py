"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect, expect_close


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _table(rows, dim, seed, dtype=torch.float32):
    return torch.randn(rows, dim, generator=_gen(seed), dtype=dtype)


def _ids(high, shape, seed):
    return torch.randint(0, high, shape, generator=_gen(seed))


@pytest.mark.hidden(points=2)
def test_a_square_table(check_lookup):
    # num_embeddings == dim: rows and columns have the same length, only the orientation tells them apart.
    check_lookup(torch.tensor([[3, 0, 1], [2, 2, 3]]), _table(4, 4, seed=10))


@pytest.mark.hidden(points=2)
def test_ids_of_other_shapes(check_lookup):
    table = _table(7, 5, seed=11)
    check_lookup(torch.tensor([6, 0, 3, 3, 1]), table)
    check_lookup(_ids(7, (2, 3, 2), seed=12), table)


@pytest.mark.hidden(points=1)
def test_float64_table_stays_float64(check_lookup):
    check_lookup(_ids(9, (3, 4), seed=13), _table(9, 6, seed=14, dtype=torch.float64))


@pytest.mark.hidden(points=1)
def test_a_larger_vocabulary(check_lookup):
    check_lookup(_ids(1000, (8, 12), seed=15), _table(1000, 16, seed=16))


@pytest.mark.hidden(points=2)
def test_padding_row_gets_no_gradient(check_gradient):
    # padding_idx is the last row; the padded positions sit at the end of each sentence.
    ids = torch.tensor([[2, 5, 1, 5], [0, 2, 5, 5], [3, 3, 3, 5]])
    grad_out = torch.randn(3, 4, 4, generator=_gen(17))
    check_gradient(ids, _table(6, 4, seed=18), 5, grad_out)


@pytest.mark.hidden(points=1)
def test_padding_in_the_middle_of_a_3d_batch(check_lookup):
    ids = _ids(6, (2, 3, 4), seed=19)
    check_lookup(ids, _table(6, 3, seed=20), padding_idx=2)


@pytest.mark.hidden(points=1)
def test_the_table_is_not_modified(sub, ref, check_lookup):
    ids, table = torch.tensor([[1, 3, 0, 0], [2, 0, 0, 0]]), _table(4, 3, seed=21)
    check_lookup(ids, table)
    out, table_after, ids_after = sub.harness.table_after_call(ids, table, 0)
    expect_close(out, ref.harness.table_after_call(ids, table, 0)[0])
    expect(all(isinstance(t, torch.Tensor) and t.shape == given.shape and t.dtype == given.dtype
               and torch.equal(t, given) for t, given in ((table_after, table), (ids_after, ids))),
           en="the call changed the table (or the ids) it was given: the table belongs to the caller, so zero the "
              "padding positions in the result, never with weight[padding_idx] = 0",
           ko="받은 테이블(또는 ID)이 호출 뒤에 바뀌었습니다. 테이블은 호출한 쪽의 것이므로 weight[padding_idx] = 0처럼 "
              "고치지 말고, 결과에서 패딩 위치를 0으로 만드세요")
