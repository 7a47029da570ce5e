"""Shared by the stable-softmax specs: grade one call against a float64 oracle.

The reference runs on float64 copies of the inputs, so the learner's float32 (or float16)
result is held to what a correct implementation in that dtype can achieve, not to the
reference's own rounding. softmax amplifies the rounding of its inputs by about their size
(a shift by a constant is free only in exact arithmetic), hence the condition below:
exp(x - logsumexp(x)) and exp(x - max) / sum both pass.
"""
import pytest
import torch

from torchkata.spec import LearnerError, expect_close, fail, tolerance


def condition(x: torch.Tensor) -> float:
    finite = x[torch.isfinite(x)]
    return 2 * float(finite.abs().max()) if finite.numel() else 1.0


@pytest.fixture
def check_softmax(sub, ref):
    def check(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
        try:
            got = sub.stable_softmax(x, dim=dim)
        except LearnerError as error:
            explain_lost_dimension(error, x, dim)
            explain_max_pair(error)
            raise
        expected = ref.stable_softmax(x.double(), dim=dim)
        explain_log_domain(got, expected, x)
        explain_overflow(got, expected, x, dim)
        expect_close(got, expected, dtype=x.dtype, condition=condition(x))
        return got
    return check


def explain_overflow(got, expected, x: torch.Tensor, dim: int) -> None:
    """Name the shift that went wrong only where it is the cause: the learner's result is NaN or inf
    (where the true softmax is finite) in exactly the slices where one known shift breaks in x's dtype,
    and in no other slice. Where no shift, or more than one, gives exactly those places, expect_close
    describes the difference instead."""
    if not isinstance(got, torch.Tensor) or got.shape != x.shape or not got.dtype.is_floating_point \
            or bool((got < 0).any()):
        return      # a ratio of exponentials is never negative: this result was not computed as one
    finite = torch.isfinite(expected)
    bad = _slices_with(~torch.isfinite(got) & finite, dim)
    if not bad.any():
        return
    causes = [words for shift, words in SHIFTS
              if torch.equal(bad, _slices_with(~torch.isfinite(_softmax_shifted_by(x, dim, shift)) & finite, dim))]
    if len(causes) == 1:
        fail(**causes[0])


def explain_log_domain(got, expected, x: torch.Tensor) -> None:
    """The learner's result is the log of the softmax (log-softmax): its exp is the softmax, within x's tolerance,
    where the softmax is not 0, and it is -inf where the softmax is 0."""
    if not isinstance(got, torch.Tensor) or got.shape != x.shape or not got.dtype.is_floating_point \
            or not bool((got < 0).any()):
        return
    got, positive = got.double(), expected > 0
    rtol, atol = tolerance(x.dtype, condition(x), 1.0)
    if torch.allclose(got[positive].exp(), expected[positive], rtol=rtol, atol=atol) \
            and bool((got[~positive] == float("-inf")).all()):
        fail(**LOG_DOMAIN)


# The log_softmax_returned mutant's diagnosis (kata.toml), said where exp of the result is checked to be the softmax.
LOG_DOMAIN = {"en": "your result is the log of the softmax (log-softmax: x - max - log(sum(exp(x - max)))): "
                    "return the probabilities themselves, exp(x - max) / sum(exp(x - max)) along `dim`.",
              "ko": "결과가 softmax의 로그(log-softmax: x - max - log(sum(exp(x - max))))입니다. `dim` 방향으로 "
                    "확률 자체, exp(x - max) / sum(exp(x - max))를 돌려주세요."}


def _slices_with(mask: torch.Tensor, dim: int) -> torch.Tensor:
    """Which slices along `dim` hold a True (formulas differ in where inside a slice the NaN lands)."""
    return mask.any(dim=dim) if mask.dim() else mask


def _softmax_shifted_by(x: torch.Tensor, dim: int, shift: str) -> torch.Tensor:
    """exp(x - c) / sum exp(x - c) in x's dtype, for a shift c that breaks on some inputs."""
    c = {"none": torch.zeros_like(x), "whole": x.max().expand_as(x),
         "min": x.amin(dim=dim, keepdim=True).expand_as(x)}[shift]
    exps = torch.exp(x - c)
    return exps * exps.sum(dim=dim, keepdim=True).reciprocal()     # where it is NaN or inf: that is all we use


def explain_lost_dimension(error: LearnerError, x: torch.Tensor, dim: int) -> None:
    """A broadcasting error is a reduction without keepdim only where x minus its maximum along `dim`
    without keepdim raises exactly the learner's error on this input."""
    info = error.info
    if info.get("type") != "RuntimeError" or not str(info.get("message", "")).startswith("The size of tensor"):
        return
    try:
        x - x.amax(dim=dim)
    except RuntimeError as ours:
        if str(ours) == info.get("message"):
            fail(**LOST_DIMENSION)


def explain_max_pair(error: LearnerError) -> None:
    """x.max(dim=...) used as a tensor: PyTorch names its type, torch.return_types.max, in the message."""
    info = error.info
    if info.get("type") == "TypeError" and "torch.return_types.max" in str(info.get("message", "")):
        fail(**MAX_PAIR)


# x.max(dim=...) returns a (values, indices) pair, not a tensor.
MAX_PAIR = {"en": "x.max(dim=...) returns a pair (values, indices), not a tensor: take its .values, or use "
                  "x.amax(dim=dim, keepdim=True), which returns the maxima only.",
            "ko": "x.max(dim=...)는 텐서가 아니라 (values, indices) 쌍을 반환합니다. .values를 꺼내 쓰거나, 최댓값만 "
                  "반환하는 x.amax(dim=dim, keepdim=True)를 쓰세요."}
# The no_max_subtraction mutant's diagnosis (kata.toml), said here only where the cause is checked.
OVERFLOW = {"en": "exp overflows for large inputs (and underflows to 0 for very negative ones): subtract the "
                  "maximum along `dim` before calling exp.",
            "ko": "입력이 크면 exp가 오버플로되고, 절댓값이 아주 큰 음수면 0으로 언더플로됩니다. exp를 계산하기 "
                  "전에 `dim` 방향의 최댓값을 빼세요."}
# The whole_tensor_max_shift mutant's diagnosis.
WHOLE_MAX = {"en": "NaN appears in exactly the slices whose values all lie far below the largest value of the whole "
                   "tensor: subtract each slice's own maximum, x.amax(dim=dim, keepdim=True), not the maximum of the "
                   "whole tensor, so that no slice underflows to 0 / 0.",
             "ko": "값이 모두 텐서 전체의 최댓값보다 훨씬 작은 슬라이스에서만 NaN이 나옵니다. 텐서 전체의 최댓값이 아니라 "
                   "슬라이스마다 자기 최댓값 x.amax(dim=dim, keepdim=True)를 빼야 어떤 슬라이스도 0 / 0으로 "
                   "언더플로되지 않습니다."}
# The min_shift mutant's diagnosis.
MIN_SHIFT = {"en": "NaN appears in exactly the slices whose values lie far apart (or hold -inf): after your shift, "
                   "some exponents are large and positive and exp overflows. Subtract each slice's maximum along "
                   "`dim`, so that every exponent is <= 0.",
             "ko": "값들이 서로 멀리 떨어져 있는(또는 -inf가 있는) 슬라이스에서만 NaN이 나옵니다. 값을 이동한 뒤에도 "
                   "지수 중 일부가 큰 양수라서 exp가 오버플로됩니다. `dim` 방향의 최댓값을 빼서 모든 지수가 0 이하가 "
                   "되게 하세요."}
SHIFTS = [("none", OVERFLOW), ("whole", WHOLE_MAX), ("min", MIN_SHIFT)]
# Said when a reduction along `dim` lost its dimension and no longer broadcasts against x (an error).
LOST_DIMENSION = {"en": "a reduction along `dim` (the maximum or the sum) lost its dimension (no keepdim=True), so it "
                        "does not broadcast against x: pass keepdim=True to both.",
                  "ko": "`dim` 방향의 축소 연산(최댓값이나 합)에서 keepdim=True를 빠뜨려 차원이 사라졌고, 그래서 x와 "
                        "브로드캐스팅되지 않습니다. 둘 다 keepdim=True를 주세요."}
