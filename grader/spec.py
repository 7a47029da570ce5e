"""What spec authors use: checks whose failures name the mistake, in both languages.

Specs are ordinary pytest tests. The fixtures ``sub`` (the learner's module,
running in the confined worker), ``ref`` (the reference solution, here), and
``device`` come from :mod:`grader.plugin`. Mark every test with its visibility
and points::

    @pytest.mark.public(points=2)
    def test_seed_example(sub, ref):
        x = torch.tensor([1000.0, 1001.0, 1002.0])
        got = sub.stable_softmax(x)
        expect(torch.isfinite(got).all(),
               en="exp(1000) overflows: subtract the maximum before exponentiating",
               ko="exp(1000)이 오버플로됩니다. 지수를 취하기 전에 최댓값을 빼세요")
        expect_close(got, ref.stable_softmax(x))

``sub.f()`` raises ``LearnerError`` (its ``info`` dict has ``type``, ``message`` and
the learner's ``traceback``) when the learner's code raises; a spec may catch it
to turn, say, a shape error into a diagnosis.

A failure has a *headline* (the diagnosis, shown for every test) and *details*
(values; shown for public tests only, so hidden inputs stay hidden).
"""
from __future__ import annotations

from typing import Any, Union

from grader.i18n import LANGS, t
from grader.launcher import SubmissionRaised as LearnerError  # noqa: F401  (re-exported for specs)

Words = Union[str, dict]   # one text for all languages, or {"en": ..., "ko": ...}


class SpecFailure(AssertionError):
    """A failed check. ``headline`` and ``details`` hold one text per language."""

    def __init__(self, headline: dict[str, str], details: list[dict[str, str]] | None = None):
        self.headline, self.details = headline, details or []
        super().__init__(headline["en"])

    def render(self, lang: str, with_details: bool = True) -> str:
        lines = [self.headline.get(lang, self.headline["en"])]
        if with_details:
            lines += [d.get(lang, d["en"]) for d in self.details]
        return "\n".join(lines)


def _words(value: Words | None, default_key: str = "result") -> dict[str, str]:
    if value is None:
        return {lang: t(default_key, lang) for lang in LANGS}
    if isinstance(value, str):
        return {lang: value for lang in LANGS}
    return {lang: value.get(lang, value["en"]) for lang in LANGS}


def _message(key: str, what: dict[str, str], **values) -> dict[str, str]:
    return {lang: t(key, lang, what=what[lang], **values) for lang in LANGS}


def fail(en: str, ko: str, details: list[dict[str, str]] | None = None) -> None:
    """Fail the test with a diagnosis in both languages."""
    raise SpecFailure({"en": en, "ko": ko}, details)


def expect(condition: Any, en: str, ko: str) -> None:
    """Fail with the given diagnosis unless ``condition`` holds."""
    if not bool(condition):
        fail(en, ko)


def expect_equal(actual: Any, expected: Any, what: Words | None = None) -> None:
    if actual != expected:
        raise SpecFailure(_message("not_equal", _words(what), got=actual, expected=expected))


def expect_tensor(actual: Any, what: Words | None = None) -> None:
    import torch
    if type(actual) is not torch.Tensor:
        got = type(actual).__name__ if not isinstance(actual, (int, float)) else repr(actual)
        raise SpecFailure(_message("not_tensor", _words(what), got=got))


def expect_close(actual: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-6,
                 what: Words | None = None, check_dtype: bool = True, check_device: bool = True,
                 check_requires_grad: bool = False, equal_nan: bool = False) -> None:
    """Compare tensors; on failure say exactly what differs.

    Checks, in order: type, shape, dtype, device, requires_grad (when asked),
    NaN/inf where finite values are expected, then values (max absolute and
    relative error, and the first differing index with both values).
    """
    import torch

    name = _words(what)
    expect_tensor(actual, what)
    if actual.shape != expected.shape:
        raise SpecFailure(_message("shape", name, got=tuple(actual.shape), expected=tuple(expected.shape)))
    if check_dtype and actual.dtype != expected.dtype:
        raise SpecFailure(_message("dtype", name, got=actual.dtype, expected=expected.dtype))
    if check_device and actual.device.type != expected.device.type:
        raise SpecFailure(_message("device", name, got=actual.device, expected=expected.device))
    if check_requires_grad and actual.requires_grad != expected.requires_grad:
        raise SpecFailure(_message("requires_grad", name, got=actual.requires_grad, expected=expected.requires_grad))
    a = actual.detach().to("cpu", torch.float64) if actual.is_floating_point() else actual.detach().cpu()
    e = expected.detach().to("cpu", torch.float64) if expected.is_floating_point() else expected.detach().cpu()
    if a.is_floating_point() or e.is_floating_point():
        a, e = a.double(), e.double()
        finite = torch.isfinite(e)
        if not equal_nan and bool((torch.isnan(a) & ~torch.isnan(e)).any()):
            raise SpecFailure(_message("nan", name), [_first_difference(a, e, torch.isnan(a) & ~torch.isnan(e))])
        if bool((torch.isinf(a) & finite).any()):
            raise SpecFailure(_message("inf", name), [_first_difference(a, e, torch.isinf(a) & finite)])
        close = torch.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        close = a == e
    if bool(close.all()):
        return
    wrong = ~close
    both_finite = torch.isfinite(a) & torch.isfinite(e) if a.is_floating_point() else torch.ones_like(close)
    diff = (a - e).abs()[both_finite & wrong] if a.is_floating_point() else (a != e)[wrong].double()
    abs_err = float(diff.max()) if diff.numel() else float("nan")
    denom = e.abs()[both_finite & wrong] if a.is_floating_point() else torch.ones_like(diff)
    rel_err = float((diff / denom.clamp_min(1e-12)).max()) if diff.numel() else float("nan")
    detail = {lang: t("value_detail", lang, abs_err=abs_err, rel_err=rel_err, rtol=rtol, atol=atol,
                      count=int(wrong.sum()), total=wrong.numel()) for lang in LANGS}
    raise SpecFailure(_message("values", name), [detail, _first_difference(a, e, wrong)])


def _first_difference(a, e, mask) -> dict[str, str]:
    index = tuple(int(i) for i in mask.nonzero()[0]) if mask.dim() else ()
    got, expected = a[index].item(), e[index].item()
    return {lang: t("first_index", lang, index=list(index), got=_fmt(got), expected=_fmt(expected)) for lang in LANGS}


def _fmt(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else repr(value)
