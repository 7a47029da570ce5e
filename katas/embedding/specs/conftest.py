"""Shared by the embedding specs: grade one lookup and name the usual mistakes.

A lookup copies values, so results are compared with expect_close's defaults (an exact copy
passes, and so does one_hot(ids) @ weight, whose sums add only zeros to the picked value).
"""
import re

import pytest
import torch

from torchkata.spec import LearnerError, expect, expect_close, expect_tensor, fail


OUT_OF_BOUNDS = re.compile(r"index (-?\d+) is out of bounds for dimension \d+ with size (\d+)")
NOT_MULTIPLIABLE = re.compile(r"shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")
NOT_BROADCAST = re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\)")


def call(fn, ids, weight, *args):
    """Run fn(*args), whose third argument is padding_idx; turn the usual errors into a diagnosis, each only
    when the error's own message shows the cause it names (the sizes in it are the table's)."""
    try:
        return fn(*args)
    except LearnerError as exc:
        kind, message = exc.info.get("type", ""), str(exc.info.get("message", ""))
        num_embeddings, dim = weight.shape
        ids_list = set(ids.reshape(-1).tolist())
        bounds = OUT_OF_BOUNDS.search(message) if kind == "IndexError" else None
        if bounds and int(bounds.group(2)) == dim != num_embeddings and int(bounds.group(1)) in ids_list:
            fail("an id was used to index the dimension of the vector entries: ids are row numbers. The table "
                 "has one row per token and one column per vector entry, so pick rows with weight[ids], "
                 "not columns with weight[:, ids]",
                 "ID로 벡터 원소 쪽 차원을 인덱싱했습니다. ID는 행 번호입니다. 테이블은 토큰마다 행이 하나, "
                 "벡터 원소마다 열이 하나이므로, weight[:, ids]처럼 열을 고르지 말고 weight[ids]로 행을 고르세요",
                 [{"en": f"the table has {num_embeddings} rows and {dim} columns; the largest id is {int(ids.max())}",
                   "ko": f"테이블은 {num_embeddings}행 {dim}열이고, 가장 큰 ID는 {int(ids.max())}입니다"}])
        product = NOT_MULTIPLIABLE.search(message) if kind == "RuntimeError" else None
        if product:
            rows, inner, other_rows, other_columns = (int(g) for g in product.groups())
            if inner == num_embeddings and (other_rows, other_columns) == (dim, num_embeddings):
                fail("a matrix product with the wrong orientation: one_hot(ids, num_embeddings) has shape "
                     "(..., num_embeddings) and the table (num_embeddings, dim), so the product is one_hot @ weight, "
                     "with no transpose (nn.Linear stores its weight transposed; an embedding table does not)",
                     "행렬 곱의 방향이 틀렸습니다. one_hot(ids, num_embeddings)의 shape은 (..., num_embeddings)이고 "
                     "테이블은 (num_embeddings, dim)이므로 전치 없이 one_hot @ weight로 곱해야 합니다 "
                     "(가중치를 전치해서 저장하는 것은 nn.Linear이고, 임베딩 테이블은 그렇지 않습니다)")
            if inner == int(ids.max()) + 1 != num_embeddings and (other_rows, other_columns) == (num_embeddings, dim):
                fail("one_hot(ids) without num_classes has max(ids) + 1 columns, not one per row of the table: "
                     "pass num_classes=num_embeddings, one_hot(ids, num_embeddings)",
                     "num_classes 없이 one_hot(ids)를 쓰면 열이 테이블의 행 수가 아니라 max(ids) + 1개가 됩니다. "
                     "one_hot(ids, num_embeddings)처럼 num_classes=num_embeddings를 넘기세요")
        sizes = NOT_BROADCAST.search(message) if kind == "RuntimeError" and args[2] is not None else None
        if sizes and {int(sizes.group(1)), int(sizes.group(2))} == {dim, ids.shape[-1]} and dim != ids.shape[-1]:
            fail("the padding mask does not broadcast against the vectors: (ids == padding_idx) has the shape of "
                 "ids, the vectors one more dimension; add it with .unsqueeze(-1), so that one mask entry covers "
                 "a whole vector",
                 "패딩 마스크가 벡터에 맞게 브로드캐스팅되지 않습니다. (ids == padding_idx)는 ids와 shape이 같고 "
                 "벡터 텐서는 차원이 하나 더 있습니다. .unsqueeze(-1)로 마지막 차원을 추가해서 마스크 원소 하나가 "
                 "벡터 하나 전체를 덮게 하세요")
        raise


def check_padding(got, ids, padding_idx):
    """Every position whose id is padding_idx must hold a vector of exact zeros."""
    if padding_idx is None or not isinstance(got, torch.Tensor) or tuple(got.shape[:-1]) != tuple(ids.shape):
        return
    at_padding = got.detach()[ids == padding_idx]
    if not bool((at_padding == 0).all()):
        fail("the positions whose id is padding_idx must give a vector of zeros, whatever that row of the table "
             "holds: zero them in the result, e.g. with masked_fill",
             "ID가 padding_idx인 위치에서는 테이블의 그 행에 무엇이 들어 있든 0 벡터가 나와야 합니다. "
             "결과에서 그 위치를 0으로 만드세요 (예: masked_fill)",
             [{"en": f"padding_idx is {padding_idx}", "ko": f"padding_idx는 {padding_idx}입니다"}])


@pytest.fixture
def check_lookup(sub, ref):
    """One lookup against the reference. With a padding_idx, the plain lookup of the same ids is checked
    first: a mistake in the lookup itself is then told apart from one in the padding."""
    def check(ids: torch.Tensor, weight: torch.Tensor, padding_idx=None) -> torch.Tensor:
        if padding_idx is not None:
            check(ids, weight)
        got = call(sub.embedding, ids, weight, ids, weight, padding_idx)
        expected = ref.embedding(ids, weight, padding_idx)
        expect_tensor(got)
        want = tuple(ids.shape) + (weight.shape[1],)
        if tuple(got.shape) == (weight.shape[1],) + tuple(ids.shape) and got.shape != expected.shape:
            fail("the result has its dimensions in the wrong order: you picked columns of the table "
                 "(weight[:, ids]); each token's vector is a row, weight[ids]",
                 "결과의 차원 순서가 틀렸습니다. 테이블의 열을 골랐습니다(weight[:, ids]). "
                 "토큰마다 벡터는 행에 들어 있으니 weight[ids]로 고르세요",
                 [{"en": f"the result has shape {tuple(got.shape)}, expected {want}",
                   "ko": f"결과 shape은 {tuple(got.shape)}이고, 기대한 shape은 {want}입니다"}])
        check_padding(got, ids, padding_idx)
        expect_close(got, expected)
        return got
    return check


@pytest.fixture
def check_gradient(sub, ref):
    """Backward through the lookup: each row's gradient is the sum over the positions holding its id."""
    def check(ids: torch.Tensor, weight: torch.Tensor, padding_idx, grad_out: torch.Tensor) -> None:
        if padding_idx is not None:
            check(ids, weight, None, grad_out)
        out, grad = call(sub.harness.lookup_and_grad, ids, weight, ids, weight, padding_idx, grad_out)
        expect(grad is not None,
               en="no gradient reached the table: compute the vectors from weight with differentiable torch "
                  "operations (no .detach(), .data, .item(), .tolist() or torch.no_grad())",
               ko="테이블까지 그래디언트가 전달되지 않았습니다. 벡터는 미분 가능한 torch 연산으로 weight에서 "
                  "계산하세요 (.detach(), .data, .item(), .tolist(), torch.no_grad()는 쓰지 마세요)")
        # float64 oracle: a row's gradient is a sum over the positions holding its id, in any order
        want_out, want_grad = ref.harness.lookup_and_grad(ids, weight.double(), padding_idx, grad_out.double())
        check_padding(out, ids, padding_idx)
        expect_close(out, want_out, dtype=weight.dtype)
        if padding_idx is not None and isinstance(grad, torch.Tensor) and grad.shape == weight.shape:
            expect(bool((grad[padding_idx] == 0).all()),
                   en="the padding row of the table received a gradient: the zero vectors at padding positions "
                      "must not depend on that row (zero them in the result, not in the table)",
                   ko="테이블의 패딩 행에 그래디언트가 들어왔습니다. 패딩 위치의 0 벡터는 그 행과 무관해야 합니다 "
                      "(테이블이 아니라 결과에서 0으로 만드세요)")
        expect_close(grad, want_grad, dtype=weight.dtype, condition=ids.numel(), what={"en": "the gradient of the table (weight.grad)",
                                            "ko": "테이블의 그래디언트 (weight.grad)"})
    return check
