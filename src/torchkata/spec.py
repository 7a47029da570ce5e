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

from torchkata.i18n import LANGS, fill, t
from torchkata.launcher import Call, LearnerError, ReferenceFailed
from torchkata.numerics import close_mask, distinguishing_format, magnitude, tolerance, values_match

__all__ = ["SpecFailure", "LearnerError", "ReferenceFailed", "fail", "expect", "expect_equal", "expect_tensor",
           "expect_close", "expect_unchanged", "count_ops", "expect_vectorised", "LoopsOverBatch", "tolerance",
           "values_match", "close_mask", "magnitude", "saved_bytes", "load_saved", "pickled_names", "refused_names",
           "first_difference", "source_mentions"]

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


def _mismatch(key: str, what: dict[str, str], got: Any, expected: Any) -> SpecFailure:
    """A headline naming what differs (shown for hidden tests too) and the values (public tests only)."""
    return SpecFailure(_message(key, what), [{lang: t("got_expected", lang, got=got, expected=expected)
                                              for lang in LANGS}])


def expect_equal(actual: Any, expected: Any, what: Words | None = None) -> None:
    """Plain values (numbers, strings, lists, tensors compared exactly): on failure, the headline names
    the pattern of the difference when there is one (off by one, a constant factor, another order)."""
    if _equal(actual, expected):
        return
    name = _words(what)
    found = _describe_plain(actual, expected, name)
    failure = _mismatch("not_equal", name, repr(actual), repr(expected))
    if found is not None:
        failure = SpecFailure(found.headline, found.details + failure.details)
    raise failure


def _equal(actual: Any, expected: Any) -> bool:
    import torch
    if type(actual) is torch.Tensor or type(expected) is torch.Tensor:
        return type(actual) is type(expected) and actual.shape == expected.shape and actual.dtype == expected.dtype \
            and bool(torch.equal(actual.detach().cpu(), expected.detach().cpu()))
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return type(actual) is type(expected) and len(actual) == len(expected) and \
            all(_equal(a, b) for a, b in zip(actual, expected))
    return bool(actual == expected)


def _describe_plain(actual: Any, expected: Any, name: dict[str, str]):
    import torch
    from torchkata import describe
    try:
        if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
            return describe.describe_number(actual, expected, name)
        if type(actual) is torch.Tensor and type(expected) is torch.Tensor:
            return describe.describe(actual, expected, name, rtol=0.0, atol=0.0)
        if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
            return describe.describe_sequence(list(actual), list(expected), name, 0.0, 0.0, describe.current_inputs())
    except Exception:  # noqa: BLE001 — a description is a bonus: the failure stands without it
        return None
    return None


def expect_tensor(actual: Any, what: Words | None = None) -> None:
    import torch
    if type(actual) is not torch.Tensor:
        raise SpecFailure(_message("not_tensor", _words(what), got=type(actual).__name__),
                          [{lang: t("got_value", lang, got=repr(actual)[:200]) for lang in LANGS}])


def expect_unchanged(after: Any, before: Any, what: Words | None = None) -> None:
    """An input the call must leave alone (``after``: the input as it was after the call, ``before``: as
    it was given), compared exactly (NaN where NaN was). On failure: "changed in place", and how."""
    import torch
    expect_tensor(after, what)
    a, b = after.detach().cpu(), before.detach().cpu()
    if a.shape == b.shape and a.dtype == b.dtype:
        same = a == b
        if a.is_floating_point() or a.is_complex():
            same |= torch.isnan(a) & torch.isnan(b)
        if bool(same.all()):
            return
    name = _words(what)
    headline = _message("pattern.in_place", name)
    details = []
    how = _describe(after, before, name, 0.0, 0.0)
    if how is not None:
        details.append(how.headline)
        details += how.details
    raise SpecFailure(headline, details)


def _describe(actual, expected, name, rtol, atol):
    from torchkata import describe
    try:
        return describe.describe(actual, expected, name, rtol=rtol, atol=atol)
    except Exception:  # noqa: BLE001 — a description is a bonus: the failure stands without it
        return None


def expect_close(actual: Any, expected: Any, *, condition: float = 1.0, rtol: float | None = None,
                 atol: float | None = None, dtype=None, what: Words | None = None, check_dtype: bool = True,
                 check_device: bool = True, check_requires_grad: bool = False, equal_nan: bool = False) -> None:
    """Compare tensors (or lists or tuples of them, entry by entry); on failure say exactly what differs.

    Tolerances follow from the dtype and the numerics (see :mod:`torchkata.numerics`):
    ``condition`` is how much the operation amplifies rounding (1 for elementwise maths,
    about max|x| for softmax/logsumexp, about the number of terms for long sums).
    ``dtype`` is the dtype the result must have, when ``expected`` is a float64 oracle
    (the reference run on float64 inputs): the tolerance is then that of ``dtype``.
    ``rtol``/``atol`` override the computed tolerance (rarely needed).

    Checks, in order: type, shape, dtype, device, requires_grad (when asked), NaN/inf where
    finite values are expected, then values (the largest error against what was allowed,
    and the first differing element with enough digits to see the difference). A failure's
    headline names the pattern of the difference when :mod:`torchkata.describe` finds one
    (a constant factor such as the batch size, a transpose, one step behind...), else what differs.
    """
    import torch

    name = _words(what)
    if isinstance(expected, (list, tuple)) and not isinstance(actual, torch.Tensor):
        return _expect_close_sequence(actual, expected, name, dict(
            condition=condition, rtol=rtol, atol=atol, dtype=dtype, check_dtype=check_dtype,
            check_device=check_device, check_requires_grad=check_requires_grad, equal_nan=equal_nan))
    expect_tensor(actual, what)
    want_dtype = dtype or expected.dtype
    if _identical(actual, expected, want_dtype, check_requires_grad):
        return             # every check below would pass: no tolerance to compute
    default_rtol, default_atol = tolerance(want_dtype, condition, magnitude(expected))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if actual.shape != expected.shape:
        raise _with_pattern(_mismatch("shape", name, tuple(actual.shape), tuple(expected.shape)),
                            _describe(actual, expected, name, rtol, atol))
    if check_dtype and actual.dtype != want_dtype:
        failure = _mismatch("dtype", name, actual.dtype, want_dtype)
        if _values_close(actual, expected, rtol, atol):
            failure.details.append({lang: t("values_right", lang) for lang in LANGS})
        raise failure
    if check_device and actual.device.type != expected.device.type:
        raise _mismatch("device", name, actual.device, expected.device)
    if check_requires_grad and actual.requires_grad != expected.requires_grad:
        raise _mismatch("requires_grad", name, actual.requires_grad, expected.requires_grad)
    a, e = actual.detach().cpu(), expected.detach().cpu()
    floating = a.is_floating_point() or e.is_floating_point()
    if floating:
        a, e = a.double(), e.double()
        for key, bad in (("nan", torch.isnan(a) & ~torch.isnan(e)), ("inf", torch.isinf(a) & torch.isfinite(e))):
            if (key == "inf" or not equal_nan) and bool(bad.any()):
                found = _describe(a, e, name, rtol, atol)
                extra = found.details if found is not None and found.key in ("nan", "inf") else []
                raise SpecFailure(_message(key, name), extra + [_first_difference(a, e, bad)])
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
    failure = SpecFailure(_message("values", name), [detail, _first_difference(a, e, wrong)])
    raise _with_pattern(failure, _describe(actual, expected, name, rtol, atol))


def _with_pattern(failure: SpecFailure, found) -> SpecFailure:
    """The failure with the pattern's headline (no value: shown under hidden tests too) and its details first."""
    if found is None:
        return failure
    return SpecFailure(found.headline, found.details + failure.details)


def _identical(actual, expected, dtype, check_requires_grad: bool) -> bool:
    """The same shape, dtype (the one wanted), device and values (NaN never is identical)."""
    return (actual.dtype == dtype and actual.device == expected.device
            and not (check_requires_grad and actual.requires_grad != expected.requires_grad)
            and _equal(actual, expected))


def _values_close(actual, expected, rtol: float, atol: float) -> bool:
    try:
        return bool(close_mask(actual, expected, rtol, atol, equal_nan=True).all())
    except (RuntimeError, TypeError):
        return False


def _expect_close_sequence(actual: Any, expected: Any, name: dict[str, str], options: dict) -> None:
    """Entry by entry; a failing entry is reported with the pattern of the whole sequence when there is
    one (one step behind, never moving from the start), else with its own."""
    if not isinstance(actual, (list, tuple)):
        raise SpecFailure(_message("not_tensor", name, got=type(actual).__name__),
                          [{lang: t("got_value", lang, got=repr(actual)[:200]) for lang in LANGS}])
    if len(actual) != len(expected):
        raise SpecFailure({lang: t("pattern.length", lang, what=name[lang]) for lang in LANGS},
                          [{lang: t("length_detail", lang, got=len(actual), expected=len(expected)) for lang in LANGS}])
    for index, (mine, right) in enumerate(zip(actual, expected)):
        part = {lang: t("entry", lang, what=name[lang], index=index) for lang in LANGS}
        try:
            expect_close(mine, right, what=part, **options)
        except SpecFailure as failure:
            whole = _describe(list(actual), list(expected), name, *_sequence_tolerance(expected, options))
            if whole is not None and whole.key in ("behind", "ahead", "unchanged_start", "length"):
                raise SpecFailure(whole.headline, whole.details + [failure.headline] + failure.details) from None
            raise


def _sequence_tolerance(expected: Any, options: dict) -> tuple[float, float]:
    import torch
    first = next((e for e in expected if type(e) is torch.Tensor), None)
    dtype = options.get("dtype") or (first.dtype if first is not None else torch.float32)
    scale = max((magnitude(e) for e in expected if type(e) is torch.Tensor), default=0.0)
    rtol, atol = tolerance(dtype, options.get("condition", 1.0), scale)
    return (options.get("rtol") or rtol), (options.get("atol") or atol)


def _first_difference(a, e, mask) -> dict[str, str]:
    index = tuple(int(i) for i in mask.nonzero()[0]) if mask.dim() else ()
    got, expected = a[index].item(), e[index].item()
    if isinstance(got, float) and isinstance(expected, float):
        got_text, expected_text = distinguishing_format(got, expected)
    else:
        got_text, expected_text = repr(got), repr(expected)
    return {lang: t("first_index", lang, index=list(index), got=got_text, expected=expected_text) for lang in LANGS}


def count_ops(function: Callable, *args, **kwargs) -> tuple[Any, dict]:
    """Call ``sub.fn`` (or ``sub.harness.fn``) measuring, inside the confined child, the torch
    operations it dispatches and the lines of the learner's file it runs: (result, {"torch", "lines"}).

    Both the result and the counts come from the learner's process: they are *claims*. A spec may use
    the counts only to take points away (as :func:`expect_vectorised` does), never to give them."""
    proxy, name, harness = _target(function)
    outcome = proxy._outcome(Call.make(name, args, kwargs, harness=harness, count_ops=True))
    result = proxy._unwrap(outcome)
    ops = outcome.ops if isinstance(outcome.ops, dict) else {}
    return result, {kind: _count(ops.get(kind)) for kind in ("torch", "lines")}


def _count(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else 0


def _target(function: Callable):
    target = getattr(function, "torchkata_target", None)
    if target is None:
        raise TypeError("count_ops and expect_vectorised take a learner function such as sub.gather_rows")
    return target


class LoopsOverBatch(SpecFailure):
    """expect_vectorised found a Python loop over the batch (in the source, or in the measured work)."""


def expect_vectorised(function: Callable, make_args: Callable[[int], tuple], sizes: tuple[int, int] = (4, 32),
                      what: Words | None = None) -> None:
    """The rule "no Python loop over the batch".

    ``function`` is ``sub.fn`` (or ``sub.harness.fn``); ``make_args(n)`` builds its positional
    arguments for a batch of ``n``. The points are decided on the trusted side:

    1. the learner's source is read (:mod:`torchkata.rules`): no route the analysis cannot follow,
       and no loop over the batch in ``fn`` nor in any function of theirs it calls (an argument's
       dimension is "the batch" when its size differs between the two batches);
    2. the learner's results at both sizes must match the reference's: the rule's points go to a
       correct implementation only;
    3. the torch operations and lines of the learner's file the call runs are counted in the
       learner's child at both sizes: a claim, so it can only fail the rule (work that grows with the
       batch), never pass it.
    """
    proxy, name, harness = _target(function)
    label = _words(what, default_key="result") if what is not None else {lang: f"{name}()" for lang in LANGS}
    small, large = sizes
    arguments = [tuple(make_args(size)) for size in sizes]
    _expect_no_loops_in_source(proxy, name, harness, arguments, max(sizes), label)
    measured = [count_ops(function, *args) for args in arguments]
    for size, args, (result, _) in zip(sizes, arguments, measured):
        if not _agrees(result, _reference_answer(proxy, name, harness, args)):
            raise SpecFailure({lang: t("loop_rule_wrong", lang, what=label[lang], size=size) for lang in LANGS})
    counts = [ops for _, ops in measured]
    if counts[0]["torch"] == 0 and counts[0]["lines"] == 0:
        raise SpecFailure({lang: t("no_ops", lang, what=label[lang]) for lang in LANGS})
    for kind in ("torch", "lines"):
        if counts[1][kind] > counts[0][kind]:
            raise LoopsOverBatch({lang: t(f"loops_{kind}", lang, what=label[lang], small=small, large=large,
                                          ops_small=counts[0][kind], ops_large=counts[1][kind]) for lang in LANGS})


def _expect_no_loops_in_source(proxy, name: str, harness: bool, arguments: list[tuple], large: int,
                               label: dict[str, str]) -> None:
    """Steps 1 of expect_vectorised: the learner's file, read on the trusted side."""
    from torchkata.rules import argument, find_batch_loops, routes_of

    run = proxy._run
    source = run.submission.text
    # A forbidden API named outright is code the analysis follows (the forbidden-API rule refuses it
    # on its own): only routes it cannot follow leave the loops unchecked.
    routes = [f for f in routes_of(source, tuple(run.kata.forbidden)) if f.kind != "forbidden"]
    if routes:
        raise SpecFailure({lang: t("loop_rule_routes", lang, what=label[lang]) for lang in LANGS},
                          [f.messages() for f in routes])
    values = tuple(argument(a, b) for a, b in zip(*arguments)) if len(arguments) == 2 else ()
    harness_source = _harness_source(run.kata.harness) if harness else None
    loops = find_batch_loops(source, name, values, large, harness=name if harness else None,
                             harness_source=harness_source)
    if loops:
        raise LoopsOverBatch({lang: t("loop_rule_failed", lang, what=label[lang]) for lang in LANGS},
                             [f.messages() for f in loops] + [{lang: t("loop_rule_advice", lang) for lang in LANGS}])


def _harness_source(path) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _reference_answer(proxy, name: str, harness: bool, args: tuple) -> Any:
    from torchkata.plugin import ReferenceProxy
    reference = ReferenceProxy(proxy._run, proxy._state, harness=harness)
    return getattr(reference, name)(*args)


def _agrees(got: Any, want: Any) -> bool:
    """The same result, loosely (any dtype, a generous tolerance): the rule checks that the work was
    done, the other specs how precisely."""
    import math

    import torch
    if isinstance(want, torch.Tensor):
        if type(got) is not torch.Tensor or got.shape != want.shape:
            return False
        a, e = got.detach().cpu(), want.detach().cpu()
        if a.is_complex() or e.is_complex():
            a, e = a.to(torch.complex128), e.to(torch.complex128)
        elif a.is_floating_point() or e.is_floating_point():
            a, e = a.double(), e.double()
        else:
            return bool((a == e).all())
        return bool(torch.isclose(a, e, rtol=1e-3, atol=1e-5, equal_nan=True).all())
    if isinstance(want, (list, tuple)):
        return isinstance(got, (list, tuple)) and len(got) == len(want) and all(map(_agrees, got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(_agrees(got[k], want[k]) for k in want)
    if isinstance(want, float) or isinstance(got, float):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return False
        return (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-6)
    return type(got) is type(want) and got == want




# --- What decides a point: artefacts and the source, checked on the trusted side ----------------
#
# Whatever the learner's child returns is a claim: the learner's module can reach the harness that
# runs beside it and make it report anything. A file the learner's code wrote is therefore sent
# back as its bytes (a uint8 tensor) and loaded here; the learner's source is read here, from the
# submission the grader itself read. See docs/authoring.md, "What decides a point".

MAX_SAVED_BYTES = 16 << 20      # a checkpoint of a kata's small models is a few kilobytes


def saved_bytes(data: Any) -> bytes:
    """The bytes of a file as a harness returns them: a 1-D uint8 tensor (or bytes, for tests).

    In harness.py, ``torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.uint8)``."""
    import torch
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if type(data) is torch.Tensor and data.dtype == torch.uint8 and data.dim() == 1:
        return data.numpy().tobytes() if data.numel() else b""
    raise SpecFailure({"en": "the harness did not return a file's bytes", "ko": "하니스가 파일의 바이트를 돌려주지 않았습니다"})


def _zip_problem(data: bytes) -> dict[str, str] | None:
    """Why ``data`` is not an archive torch.save writes that is safe to open here (None when it is)."""
    import io
    import zipfile
    if len(data) > MAX_SAVED_BYTES:
        return {"en": f"the file has {len(data)} bytes, more than a checkpoint here can need ({MAX_SAVED_BYTES})",
                "ko": f"파일이 {len(data)}바이트로, 여기서 체크포인트에 필요한 크기({MAX_SAVED_BYTES})보다 큽니다"}
    not_torch_save = {"en": "it is not the zip archive torch.save writes (its format since PyTorch 1.6)",
                      "ko": "torch.save가 쓰는 zip 아카이브(PyTorch 1.6부터의 형식)가 아닙니다"}
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return not_torch_save
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return not_torch_save
    if not any(m.filename == "data.pkl" or m.filename.endswith("/data.pkl") for m in members) \
            or any(m.compress_type != zipfile.ZIP_STORED for m in members) \
            or sum(m.file_size for m in members) > MAX_SAVED_BYTES:
        return not_torch_save     # torch.save never compresses, and always writes data.pkl
    return None


def pickled_names(data: Any) -> list[str]:
    """The classes and functions (``module.name``) the pickle in a torch.save file refers to, in order, each once.

    Read with :mod:`pickletools`, never unpickled: a spec can say *what* a file holds that
    ``weights_only=True`` refuses (a whole ``nn.Module``, an optimizer object) without running it."""
    import io
    import pickletools
    import zipfile
    raw = saved_bytes(data)
    if _zip_problem(raw) is not None:
        return []
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        member = next(m for m in archive.infolist() if m.filename.endswith("data.pkl"))
        pickle = archive.read(member)
    names: list[str] = []
    strings: list[str] = []
    memo: dict[int, Any] = {}
    try:
        for opcode, argument, _ in pickletools.genops(pickle):
            if opcode.name == "GLOBAL":
                names.append(str(argument).replace(" ", "."))
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                names.append(f"{strings[-2]}.{strings[-1]}")
            elif "UNICODE" in opcode.name or opcode.name.endswith("STRING"):
                strings.append(str(argument))
            elif opcode.name in ("BINPUT", "LONG_BINPUT", "PUT") and strings:
                memo[int(argument)] = strings[-1]
            elif opcode.name == "MEMOIZE" and strings:
                memo[len(memo)] = strings[-1]
            elif opcode.name in ("BINGET", "LONG_BINGET", "GET") and isinstance(memo.get(int(argument)), str):
                strings.append(memo[int(argument)])
    except Exception:  # noqa: BLE001 — a damaged pickle: the names read so far are all there is
        pass
    return list(dict.fromkeys(names))


def load_saved(data: Any, what: Words | None = None) -> Any:
    """What a file written with torch.save holds, loaded *here* with ``torch.load(..., weights_only=True)``.

    ``data`` is the file's bytes as the harness returned them (see :func:`saved_bytes`). Only the
    zip archive torch.save writes is opened (uncompressed, bounded in size: the legacy format
    allocates what its header claims before reading it), and the weights-only unpickler rebuilds
    tensors and plain containers only: a forged file can at worst hold wrong numbers. A file it
    refuses fails the test with the reason, naming the classes the file would have unpickled.
    """
    import io

    import torch
    name = _words(what) if what is not None else {"en": "the file", "ko": "파일"}
    raw = saved_bytes(data)
    problem = _zip_problem(raw)
    if problem is None:
        try:
            return torch.load(io.BytesIO(raw), weights_only=True, map_location="cpu")
        except Exception as exc:  # noqa: BLE001 — the unpickler refused it: say what it holds
            held = ", ".join(refused_names(raw)[:5])
            problem = ({"en": f"it holds objects that weights_only=True refuses to unpickle: {held}",
                        "ko": f"weights_only=True로는 unpickle할 수 없는 객체가 들어 있습니다: {held}"} if held else
                       {"en": f"the weights-only unpickler refused it ({type(exc).__name__})",
                        "ko": f"weights-only unpickler가 읽기를 거부했습니다 ({type(exc).__name__})"})
    raise SpecFailure({"en": f"{name['en']} cannot be read with torch.load(..., weights_only=True)",
                       "ko": fill("{what:은} torch.load(..., weights_only=True)로 읽을 수 없습니다", what=name["ko"])},
                      [problem])


def refused_names(data: Any) -> list[str]:
    """Of :func:`pickled_names`, those the weights-only unpickler refuses: what makes a file unsafe to load."""
    try:
        from torch._weights_only_unpickler import _get_allowed_globals
        allowed = set(_get_allowed_globals())
    except Exception:  # noqa: BLE001 — a torch without it: name everything but tensors' own machinery
        allowed = {"collections.OrderedDict"}
    return [name for name in pickled_names(data)
            if name.replace("__builtin__.", "builtins.") not in allowed
            and not name.startswith("torch._utils._rebuild_") and not name.endswith("Storage")]


def first_difference(actual: Any, expected: Any, path: str = "") -> str | None:
    """Where two nested values (dicts, lists, tuples, tensors, numbers, strings) first differ, exactly:
    ``'["model"]["0.weight"]'``; ``None`` when they are identical (tensors: same dtype, shape and values,
    NaN where NaN is). For things that must come back bit for bit, such as a saved state_dict."""
    import math

    import torch
    if isinstance(expected, torch.Tensor) or isinstance(actual, torch.Tensor):
        if not (type(actual) is torch.Tensor and isinstance(expected, torch.Tensor)):
            return path or "(the value)"
        if actual.dtype != expected.dtype or actual.shape != expected.shape:
            return path or "(the value)"
        a, e = actual.detach().cpu(), expected.detach().cpu()
        same = torch.equal(a, e) or (a.is_floating_point() and bool(((a == e) | (a.isnan() & e.isnan())).all()))
        return None if same else (path or "(the value)")
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or list(actual.keys()) != list(expected.keys()) \
                and set(actual.keys()) != set(expected.keys()):
            return path or "(the keys)"
        for key in expected:
            found = first_difference(actual[key], expected[key], f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return path or "(the value)"
        for index, (a, e) in enumerate(zip(actual, expected)):
            found = first_difference(a, e, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if type(actual) is not type(expected):
        return path or "(the value)"
    if isinstance(expected, float) and math.isnan(expected):
        return None if math.isnan(actual) else (path or "(the value)")
    return None if actual == expected else (path or "(the value)")


def source_mentions(sub: Any, names: Any, within: str | None = None) -> set[str]:
    """Which of ``names`` the learner's source uses as code, read on the trusted side.

    A name counts where it is an identifier (a variable, an attribute, a keyword argument, an
    imported name) or a string constant (``os.environ["CUBLAS_WORKSPACE_CONFIG"]``,
    ``setattr(cudnn, "benchmark", False)``), never in a comment, a docstring or an annotation.
    ``within`` limits the search to what that function uses: its body, and the bodies of the
    functions and the values of the names of the file it uses, transitively (so a helper or a
    module-level constant counts, unrelated code elsewhere in the file does not); a name bound by
    assignment (a lambda, functools.partial) counts with the expression it is bound to. A file
    that does not parse mentions nothing.

    For properties only the learner's process could show (a flag it set, an argument it passed,
    a device it used): their points also need the source to say so, so that a forged report
    alone earns nothing.
    """
    import ast
    wanted = {names} if isinstance(names, str) else set(names)
    run = getattr(sub, "_run", None)
    source = getattr(getattr(run, "submission", None), "text", None)
    if not isinstance(source, str):
        raise TypeError("source_mentions takes the sub fixture")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    roots = [tree] if within is None else _what_runs(tree, within)
    found: set[str] = set()
    for root in roots:
        skip = _docstrings_and_annotations(root)
        for node in ast.walk(root):
            if id(node) not in skip:
                found.update(word for word in _words_of(node) if word in wanted)
    return found


def _what_runs(tree, name: str) -> list:
    """The code ``name`` runs: the bodies of the definitions (or bound expressions) of ``name``, and of the
    file's functions and module-level values it uses by name or as attributes (``_helper()``,
    ``self._helper()``, ``**OPTIONS``), transitively."""
    import ast
    definitions: dict[str, list] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            definitions.setdefault(node.name, []).append(_body_only(node))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    definitions.setdefault(target.id, []).append(node.value)
    seen, roots, todo = set(), [], [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for root in definitions.get(current, []):
            roots.append(root)
            for node in ast.walk(root):
                used = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
                if used in definitions:
                    todo.append(used)
    return roots


def _body_only(function) -> Any:
    import ast
    return ast.Module(body=list(function.body), type_ignores=[])


def _docstrings_and_annotations(root) -> set[int]:
    """The ids of every node inside a docstring or an annotation under ``root``."""
    import ast
    skipped: set[int] = set()

    def skip(node):
        if node is not None:
            skipped.update(id(n) for n in ast.walk(node))
    for node in ast.walk(root):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            skip(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            skip(node.returns)
            for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                             node.args.vararg, node.args.kwarg]:
                if argument is not None:
                    skip(argument.annotation)
        elif isinstance(node, ast.AnnAssign):
            skip(node.annotation)
    return skipped


def _words_of(node) -> list[str]:
    import ast
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.keyword) and node.arg:
        return [node.arg]
    if isinstance(node, ast.alias):
        return [part for part in (node.asname, *node.name.split(".")) if part]
    if isinstance(node, ast.ImportFrom) and node.module:
        return node.module.split(".")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return []
