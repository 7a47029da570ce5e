"""Shared checks for the views-and-copies specs.

The harness returns what became of the tensors (see harness.py): the input after the call, and the
other side after a write on one side. Whether a call changed its input, or whether two tensors share
memory, is decided here from those values, the inputs the spec sent and the reference's observations;
when they differ the check says which fact is wrong, and the mutants in kata.toml then say why. Values are copies or exact arithmetic on
small numbers, so they must match exactly (expect_close's defaults).
"""
import pytest
import torch

from torchkata.spec import expect, expect_close, fail


def _same(a, b) -> bool:
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
        and a.dtype == b.dtype and bool(torch.equal(a, b))


def _signature(start: str, flag: str, value) -> str:
    """How the call reads, with the flag left out when the spec leaves it out (None: the default runs)."""
    return f"{start}, {flag}={value})" if value is not None else f"{start}) ({flag} left out)"


def _expect_kind(report, want, call):
    got = report["type"]
    expect(got == want,
           en=f"{call} returned a {got}, expected a {want}",
           ko=f"{call}의 반환값이 {want}가 아니라 {got}입니다")


@pytest.fixture
def check_add(sub, ref):
    def check(x, value, inplace=None):
        call = _signature("add_scalar(x, value", "inplace", inplace)
        got = sub.harness.add_report(x, value, inplace)
        want = ref.harness.add_report(x, value, inplace)
        _expect_kind(got, "Tensor", call)
        expect_close(got["result"], want["result"], what={"en": f"the result of {call}", "ko": f"{call}의 결과"})
        x_changed = not _same(got["x_after"], x)
        if inplace:
            expect(x_changed,
                   en=f"{call} left x unchanged: an in-place operation must change the caller's x itself",
                   ko=f"{call}를 호출했는데 x가 그대로입니다. in-place 연산은 호출한 쪽의 x 자체를 바꿔야 합니다")
            expect(got["returned_x"] is True and _same(got["x_after_writing_the_result"],
                                                       want["x_after_writing_the_result"]),
                   en=f"{call} changed x but returned another tensor: return x itself, as in-place methods such as "
                      "add_ do",
                   ko=f"{call}가 x를 바꾸긴 했지만 다른 텐서를 반환했습니다. add_ 같은 in-place 메서드처럼 x 자신을 "
                      "반환하세요")
        else:
            if inplace is None:   # the test checked inplace=False first: only the default can differ
                expect(not x_changed,
                       en=f"{call} changed its input x, though add_scalar(x, value, inplace=False) did not: the "
                          "default must be inplace=False, as in the signature add_scalar(x, value, inplace=False)",
                       ko=f"add_scalar(x, value, inplace=False)는 x를 바꾸지 않았는데 {call}는 입력 x를 "
                          "바꿨습니다. 시그니처 add_scalar(x, value, inplace=False)처럼 기본값이 inplace=False여야 "
                          "합니다")
            expect(not x_changed,
                   en=f"{call} changed its input x: an out-of-place operation must leave x as it was and return "
                      "a new tensor",
                   ko=f"{call}가 입력 x를 바꿨습니다. out-of-place 연산은 x를 그대로 두고 새 텐서를 반환해야 합니다")
            expect(_same(got["x_after_writing_the_result"], x),
                   en=f"the result of {call} shares memory with x: return a new tensor",
                   ko=f"{call}의 결과가 x와 메모리를 공유합니다. 새 텐서를 반환하세요")
        expect_close(got["x_after"], want["x_after"], what={"en": f"x after {call}", "ko": f"{call} 뒤의 x"})
    return check


@pytest.fixture
def check_row(sub, ref):
    def check(x, i, copy=None):
        call = _signature("get_row(x, i", "copy", copy)
        got = sub.harness.row_report(x, i, copy)
        want = ref.harness.row_report(x, i, copy)
        _expect_kind(got, "Tensor", call)
        expect(_same(got["x_after_the_call"], x),
               en=f"{call} changed x: reading a row must not modify the tensor",
               ko=f"{call}가 x를 바꿨습니다. 행을 읽기만 해야지 텐서를 수정하면 안 됩니다")
        expect_close(got["row"], want["row"], what={"en": f"the row from {call}", "ko": f"{call}가 반환한 행"})
        if copy:
            expect(_same(got["x_after_writing_the_row"], x),
                   en=f"the row from {call} still shares memory with x: writing into it changed x. A copy must be "
                      "independent",
                   ko=f"{call}가 반환한 행이 여전히 x와 메모리를 공유합니다. 행에 값을 쓰자 x도 바뀌었습니다. "
                      "복사본은 x와 독립적이어야 합니다")
        else:
            if copy is None:   # the test checked copy=False first: only the default can differ
                expect(_same(got["x_after_writing_the_row"], want["x_after_writing_the_row"]),
                       en=f"the row from {call} does not share memory with x, though get_row(x, i, copy=False) "
                          "gives a view: the default must be copy=False, as in the signature "
                          "get_row(x, i, copy=False)",
                       ko=f"get_row(x, i, copy=False)는 뷰를 반환하는데 {call}가 반환한 행은 x와 메모리를 "
                          "공유하지 않습니다. 시그니처 get_row(x, i, copy=False)처럼 기본값이 copy=False여야 합니다")
            expect(_same(got["x_after_writing_the_row"], want["x_after_writing_the_row"]),
                   en=f"the row from {call} does not share memory with x: writing into it left x unchanged. A view "
                      "must share x's memory",
                   ko=f"{call}가 반환한 행이 x와 메모리를 공유하지 않습니다. 행에 값을 써도 x가 바뀌지 않았습니다. "
                      "뷰는 x와 메모리를 공유해야 합니다")
    return check


@pytest.fixture
def check_from_numpy(sub, ref):
    def check(values, copy=None):
        call = _signature("numpy_to_tensor(a", "copy", copy)
        got = sub.harness.from_numpy_report(values, copy)
        want = ref.harness.from_numpy_report(values, copy)
        _expect_kind(got, "Tensor", call)
        expect_close(got["tensor"], want["tensor"],
                     what={"en": f"the tensor from {call}", "ko": f"{call}가 반환한 텐서"})
        follows = not _same(got["tensor_after_changing_the_array"], got["tensor"])
        if copy:
            expect(not follows,
                   en=f"the tensor from {call} changed when the array was changed in place: it shares the array's "
                      "memory, but a copy was asked for",
                   ko=f"배열을 in-place로 바꾸자 {call}가 반환한 텐서도 바뀌었습니다. 배열과 메모리를 공유하고 "
                      "있는데, 여기서는 복사본이 필요합니다")
        else:
            if copy is None:   # the test checked copy=False first: only the default can differ
                expect(follows,
                       en=f"the tensor from {call} did not change when the array was changed in place, though "
                          "numpy_to_tensor(a, copy=False) shares the array's memory: the default must be copy=False, "
                          "as in the signature numpy_to_tensor(a, copy=False)",
                       ko=f"numpy_to_tensor(a, copy=False)는 배열과 메모리를 공유하는데, 배열을 in-place로 바꿔도 "
                          f"{call}가 반환한 텐서는 그대로입니다. 시그니처 numpy_to_tensor(a, copy=False)처럼 "
                          "기본값이 copy=False여야 합니다")
            expect(follows and _same(got["tensor_after_changing_the_array"], want["tensor_after_changing_the_array"]),
                   en=f"the tensor from {call} did not change when the array was changed in place: it is a copy, "
                      "but it must share the array's memory",
                   ko=f"배열을 in-place로 바꿨는데 {call}가 반환한 텐서는 그대로입니다. 복사본을 만든 것인데, "
                      "여기서는 배열과 메모리를 공유해야 합니다")
    return check


@pytest.fixture
def check_to_numpy(sub, ref):
    def check(values):
        call = "tensor_to_numpy(t)"
        got = sub.harness.to_numpy_report(values)
        want = ref.harness.to_numpy_report(values)
        _expect_kind(got, "ndarray", call)
        expect_close(got["array"], want["array"],
                     what={"en": f"the array from {call}", "ko": f"{call}가 반환한 배열"})
        expect(_same(got["array_after_changing_the_tensor"], want["array_after_changing_the_tensor"])
               and not _same(got["array_after_changing_the_tensor"], got["array"]),
               en=f"the array from {call} did not change when the tensor was changed in place: it is a copy, but "
                  "it must share the tensor's memory",
               ko=f"텐서를 in-place로 바꿨는데 {call}가 반환한 배열은 그대로입니다. 복사본을 만든 것인데, "
                  "여기서는 텐서와 메모리를 공유해야 합니다")
    return check


@pytest.fixture
def check_total(sub, ref):
    def check(t):
        got = sub.total(t)
        want = ref.total(t)
        if isinstance(got, torch.Tensor):
            fail("total() returned a tensor: return a Python number, with .item() on the one-element sum",
                 "total()이 텐서를 반환했습니다. 원소가 하나인 합계 텐서에 .item()을 호출해서 파이썬 숫자로 "
                 "반환하세요")
        expect(type(got) is type(want),
               en=f"total() of a {t.dtype} tensor returned a Python {type(got).__name__}, expected a "
                  f"{type(want).__name__}: .item() gives int for integer and bool tensors and float for floating ones",
               ko=f"{t.dtype} 텐서에 대한 total()이 파이썬 {type(got).__name__}를 반환했는데, "
                  f"{type(want).__name__}여야 합니다. .item()은 정수나 bool 텐서에서는 int, 실수 텐서에서는 "
                  "float를 돌려줍니다")
        # compared as tensors in the input's dtype: a float32 sum may be rounded once per term
        dtype = torch.float64 if isinstance(want, float) else torch.int64
        expect_close(torch.tensor(got, dtype=dtype), torch.tensor(want, dtype=dtype),
                     dtype=t.dtype if t.is_floating_point() else torch.int64, check_dtype=False,
                     condition=t.numel(), what={"en": "the total", "ko": "합계"})
    return check


@pytest.fixture
def check_cast(sub, ref):
    def check(x, dtype):
        got = sub.cast(x, dtype)
        if isinstance(got, torch.Tensor) and got.dtype != dtype:
            fail(f"cast(x, {dtype}) returned a {got.dtype} tensor: convert to the `dtype` you were given, x.to(dtype)",
                 f"cast(x, {dtype})가 {got.dtype} 텐서를 반환했습니다. 인자로 받은 `dtype`으로 변환하세요: x.to(dtype)")
        expect_close(got, ref.cast(x, dtype),
                     what={"en": f"cast(x, {dtype})", "ko": f"cast(x, {dtype})의 결과"})
    return check


@pytest.fixture
def check_clip(sub, ref):
    def check(values, max_abs):
        call = "clip_(w, max_abs)"
        got = sub.harness.clip_report(values, max_abs)
        if got["error"] == "leaf in place":
            fail(f"{call} raised RuntimeError: autograd does not allow an in-place operation on a leaf that "
                     "requires grad. Do the update inside a `with torch.no_grad():` block",
                     f"{call}에서 RuntimeError가 발생했습니다. autograd는 requires_grad=True인 리프 텐서에 대한 "
                     "in-place 연산을 허용하지 않습니다. `with torch.no_grad():` 블록 안에서 값을 바꾸세요")
        want = ref.harness.clip_report(values, max_abs)
        expect_close(got["w"], want["w"], what={"en": f"w after {call}", "ko": f"{call} 뒤의 w"})
        expect(got["is_leaf"] and got["requires_grad"],
               en=f"after {call}, w is no longer a leaf that requires grad: it must stay a trainable parameter",
               ko=f"{call} 뒤에 w가 더 이상 requires_grad=True인 리프 텐서가 아닙니다. w는 계속 학습 가능한 "
                  "파라미터로 남아 있어야 합니다")
    return check
