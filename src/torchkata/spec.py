"""What spec authors use: checks whose failures name the mistake, in both languages.

Specs are ordinary pytest tests, marked with their visibility and points::

    @pytest.mark.public(points=2)
    def test_large_values(sub, ref):
        x = torch.tensor([1000.0, 1001.0, 1002.0])
        expect_close(sub.stable_softmax(x), ref.stable_softmax(x), condition=float(x.abs().max()))

Fixtures (from :mod:`torchkata.plugin`): ``sub`` runs the learner's functions in a
confined child; ``ref`` runs the reference's (also confined; its plain-data results are
cached, and recorded by `kata release`); both offer ``.harness.fn(...)`` for the kata's
harness functions, which receive the module first. ``device`` is the device of a
device-parametrised test.

A failing check raises :class:`SpecFailure`: a *headline* (shown for every test) and
*details* (values; shown for public tests only, so hidden inputs stay hidden). When the
learner's results match one of the kata's mutants, the grader adds that mutant's
diagnosis on its own: checks only need to say *what* differs; kata.toml says *why*.
"""
from __future__ import annotations

from typing import Any, Callable, Union

from torchkata.i18n import LANGS, t
from torchkata.launcher import Call
from torchkata.launcher import LearnerError, ReferenceFailed  # noqa: F401  (re-exported for specs)
from torchkata.numerics import close_mask, distinguishing_format, magnitude, tolerance

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


def expect_close(actual: Any, expected: Any, *, condition: float = 1.0, rtol: float | None = None,
                 atol: float | None = None, dtype=None, what: Words | None = None, check_dtype: bool = True,
                 check_device: bool = True, check_requires_grad: bool = False, equal_nan: bool = False) -> None:
    """Compare tensors; on failure say exactly what differs.

    Tolerances follow from the dtype and the numerics (see :mod:`torchkata.numerics`):
    ``condition`` is how much the operation amplifies rounding (1 for elementwise maths,
    about max|x| for softmax/logsumexp, about the number of terms for long sums).
    ``dtype`` is the dtype the result must have, when ``expected`` is a float64 oracle
    (the reference run on float64 inputs): the tolerance is then that of ``dtype``.
    ``rtol``/``atol`` override the computed tolerance (rarely needed).

    Checks, in order: type, shape, dtype, device, requires_grad (when asked), NaN/inf where
    finite values are expected, then values (the largest error against what was allowed,
    and the first differing element with enough digits to see the difference).
    """
    import torch

    name = _words(what)
    expect_tensor(actual, what)
    want_dtype = dtype or expected.dtype
    if actual.shape != expected.shape:
        raise SpecFailure(_message("shape", name, got=tuple(actual.shape), expected=tuple(expected.shape)))
    if check_dtype and actual.dtype != want_dtype:
        raise SpecFailure(_message("dtype", name, got=actual.dtype, expected=want_dtype))
    if check_device and actual.device.type != expected.device.type:
        raise SpecFailure(_message("device", name, got=actual.device, expected=expected.device))
    if check_requires_grad and actual.requires_grad != expected.requires_grad:
        raise SpecFailure(_message("requires_grad", name, got=actual.requires_grad, expected=expected.requires_grad))
    default_rtol, default_atol = tolerance(want_dtype, condition, magnitude(expected))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    a, e = actual.detach().cpu(), expected.detach().cpu()
    floating = a.is_floating_point() or e.is_floating_point()
    if floating:
        a, e = a.double(), e.double()
        if not equal_nan and bool((torch.isnan(a) & ~torch.isnan(e)).any()):
            raise SpecFailure(_message("nan", name), [_first_difference(a, e, torch.isnan(a) & ~torch.isnan(e))])
        if bool((torch.isinf(a) & torch.isfinite(e)).any()):
            raise SpecFailure(_message("inf", name), [_first_difference(a, e, torch.isinf(a) & torch.isfinite(e))])
    close = close_mask(a, e, rtol, atol, equal_nan=equal_nan)
    if bool(close.all()):
        return
    wrong = ~close
    if floating:
        both = torch.isfinite(a) & torch.isfinite(e) & wrong
        errors = (a - e).abs()[both]
        allowed = (atol + rtol * e.abs())[both]
        worst = int(torch.argmax(errors / allowed)) if errors.numel() else 0
        detail = {lang: t("value_detail", lang, error=float(errors[worst]) if errors.numel() else float("nan"),
                          allowed=float(allowed[worst]) if errors.numel() else float("nan"),
                          count=int(wrong.sum()), total=wrong.numel()) for lang in LANGS}
    else:
        detail = {lang: t("count_detail", lang, count=int(wrong.sum()), total=wrong.numel()) for lang in LANGS}
    raise SpecFailure(_message("values", name), [detail, _first_difference(a, e, wrong)])


def _first_difference(a, e, mask) -> dict[str, str]:
    index = tuple(int(i) for i in mask.nonzero()[0]) if mask.dim() else ()
    got, expected = a[index].item(), e[index].item()
    if isinstance(got, float) and isinstance(expected, float):
        got_text, expected_text = distinguishing_format(got, expected)
    else:
        got_text, expected_text = repr(got), repr(expected)
    return {lang: t("first_index", lang, index=list(index), got=got_text, expected=expected_text) for lang in LANGS}


def count_ops(function: Callable, *args, **kwargs) -> tuple[Any, int]:
    """Call ``sub.fn`` (or ``sub.harness.fn``) counting the torch operations it dispatches
    inside the confined child: returns (result, count)."""
    proxy, name, harness = _target(function)
    outcome = proxy._outcome(Call.make(name, args, kwargs, harness=harness, count_ops=True))
    return proxy._unwrap(outcome), int(outcome.ops or 0)


def _target(function: Callable):
    target = getattr(function, "torchkata_target", None)
    if target is None:
        raise TypeError("count_ops and expect_vectorised take a learner function such as sub.gather_rows")
    return target


def expect_vectorised(function: Callable, make_args: Callable[[int], tuple], sizes: tuple[int, int] = (4, 32),
                      what: Words | None = None) -> None:
    """The measured rule "no Python loop over the batch".

    ``function`` is ``sub.fn`` (or ``sub.harness.fn``); ``make_args(n)`` builds its arguments
    for a batch of ``n``. The torch operations the call dispatches are counted in the
    confined child at both sizes: a vectorised implementation dispatches the same number
    for any batch, a Python loop over the rows dispatches more for the larger one.
    """
    _, name, _ = _target(function)
    label = _words(what, default_key="result") if what is not None else {lang: f"{name}()" for lang in LANGS}
    counts = []
    for size in sizes:
        _, ops = count_ops(function, *make_args(size))
        counts.append(ops)
    small, large = sizes
    if counts[0] == 0:
        raise SpecFailure({lang: t("no_ops", lang, what=label[lang]) for lang in LANGS})
    if counts[1] > counts[0]:
        raise SpecFailure({lang: t("loops", lang, what=label[lang], small=small, large=large, ops_small=counts[0],
                                   ops_large=counts[1]) for lang in LANGS})
