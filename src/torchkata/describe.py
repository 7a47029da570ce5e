"""Describing a difference: the pattern between a learner's value and the expected one.

When no mutant explains a failure, the difference itself often tells the story: a loss that is
exactly N times too large (a sum for a mean), parameters that never moved, every row shifted by
the same constant, a transpose, the rows in another order, one step behind. :func:`describe`
looks for these patterns, on the trusted side, in values the grader computed or checked itself,
and names the first that holds *exactly* (within the comparison's tolerances, for every element):

    unchanged_input   the result is one of the call's inputs, unchanged
    zeros, constant   all zeros; one value everywhere while the expected values vary
    unchanged_start   a sequence that stays at its first value (weights that never moved)
    sign              result = -expected
    ratio             result = expected x c, with c named when it is one: the batch size, the size of
                      a dimension, the number of elements, an integer argument, 1/(1-p), N/(N-1)
    transposed, permuted_dims, flipped, behind, ahead, rows_permuted, reordered
    offset            result = expected + c (everywhere, per row or column, or exactly an input)
    extra_dim, missing_dim, reshaped, broadcast_pairs, reduced_other_dim   (shapes that differ)

A description has a *headline* that names the pattern and holds no value (shown under hidden
tests too: it reveals nothing of their inputs) and *details* with the values (public tests only).
Specs get descriptions through :func:`torchkata.spec.expect_close`; the inputs it relates a result
to (batch size, dimensions, p) are those of the calls the current test made (:func:`follow`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from torchkata.i18n import LANGS, t

MAX_LISTED = 6          # rows, offsets or permutation entries quoted in the details
MIN_COUNT = 3           # the smallest size or count a factor is named after
_COUNTS = ("batch", "dim", "numel", "integer", "result_dim")
MAX_ROWS = 512          # rows matched one by one
PAIRS_LIMIT = 4_000_000  # element pairs a search may compare (rows against rows, elements against an input)


@dataclass
class Description:
    key: str                                    # the pattern's name
    headline: dict[str, str]                    # names the pattern; no value (safe under hidden tests)
    details: list[dict[str, str]] = field(default_factory=list)     # the values (public tests only)


# --- the inputs of the current test --------------------------------------------------------------

_followed: list = []       # the TestSequence objects of the current test (learner's, then reference's)


def follow(*sequences) -> None:
    """Relate the next descriptions to the calls of these call sequences (the plugin calls this as each
    spec test starts, with the test's learner and reference sequences)."""
    _followed[:] = list(sequences)


@dataclass
class Input:
    """A value one of the current test's calls was given."""
    value: Any
    call: str          # the function called
    position: str      # "1", "2"... or a keyword's name

    @property
    def arg(self) -> dict[str, str]:
        key = "arg.position" if self.position.isdigit() else "arg.keyword"
        return {lang: t(key, lang, position=self.position) for lang in LANGS}


def current_inputs() -> list[Input]:
    """The tensors and numbers the current test's calls were given (the learner's calls, else the
    reference's), decoded from their plain data."""
    from torchkata import protocol
    for sequence in _followed:
        calls = getattr(sequence, "calls", None) or []
        found = []
        for call in calls:
            try:
                args, kwargs = protocol.decode(call.args), protocol.decode(call.kwargs)
            except Exception:  # noqa: BLE001 — inputs only name a pattern; without them it goes unnamed
                continue
            for index, value in enumerate(args, start=1):
                found += [Input(v, call.name, str(index)) for v in _leaves(value)]
            for key, value in kwargs.items():
                found += [Input(v, call.name, str(key)) for v in _leaves(value)]
        if found:
            return found
    return []


def _leaves(value: Any):
    import torch
    if type(value) is torch.Tensor or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)


# --- entry points --------------------------------------------------------------------------------

def describe(actual: Any, expected: Any, what: dict[str, str], rtol: float = 1.3e-6, atol: float = 1e-5,
             inputs: list[Input] | None = None) -> Description | None:
    """The pattern of the difference between two tensors (or sequences of them), or None."""
    import torch
    inputs = current_inputs() if inputs is None else inputs
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return describe_sequence(list(actual), list(expected), what, rtol, atol, inputs)
    if type(actual) is not torch.Tensor or type(expected) is not torch.Tensor:
        return None
    a, e = _plain(actual), _plain(expected)
    if a.shape != e.shape:
        return describe_shape(a, e, what, rtol, atol, inputs)
    if a.numel() == 0:
        return None
    return describe_values(a, e, what, rtol, atol, inputs, dtype=actual.dtype)


def describe_sequence(actual: list, expected: list, what: dict[str, str], rtol: float, atol: float,
                      inputs: list[Input]) -> Description | None:
    """Sequences (per-step values): a length that differs, one step behind or ahead, stuck at the start;
    else the first entry that differs, described on its own."""
    import torch
    if len(actual) != len(expected):
        return _found("length", what, [("length_detail", dict(got=len(actual), expected=len(expected)))])
    stacked = _stack(actual), _stack(expected)
    if stacked[0] is not None and stacked[1] is not None and stacked[0].shape == stacked[1].shape:
        a, e = stacked
        for check in (_unchanged_start, _shifted):
            found = check(a, e, what, rtol, atol)
            if found:
                return found
    for index, (mine, right) in enumerate(zip(actual, expected)):
        if type(mine) is torch.Tensor and type(right) is torch.Tensor and _close(_plain(mine), _plain(right), rtol, atol):
            continue
        part = {lang: t("entry", lang, what=what[lang], index=index) for lang in LANGS}
        return describe(mine, right, part, rtol, atol, inputs)
    return None


def _stack(values: list):
    import torch
    try:
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return torch.tensor([float(v) for v in values], dtype=torch.float64)
        if all(type(v) is torch.Tensor for v in values) and len({tuple(v.shape) for v in values}) == 1:
            return torch.stack([_plain(v) for v in values]) if values else None
    except (RuntimeError, TypeError, ValueError):
        return None
    return None


def _plain(tensor):
    """A float64 (or complex128) CPU copy, without autograd."""
    import torch
    value = tensor.detach().cpu()
    return value.to(torch.complex128) if value.is_complex() else value.double()


# --- values of the same shape ---------------------------------------------------------------------

def describe_values(a, e, what: dict[str, str], rtol: float, atol: float, inputs: list[Input],
                    dtype=None) -> Description | None:
    """Same shape, different values: the first pattern that holds for every element."""
    import torch
    if a.is_complex() or e.is_complex():
        return None
    if not bool(torch.isfinite(e).all()):
        return None                  # patterns are stated against finite expected values
    if not bool(torch.isfinite(a).all()):
        return _nonfinite(a, e, what, rtol, atol)
    if _close(a, e, rtol, atol):
        return None                  # a near miss, within the slack every pattern allows: no pattern is evidence
    for check in VALUE_CHECKS:
        found = check(a, e, what, rtol, atol, inputs) if check in _WITH_INPUTS else check(a, e, what, rtol, atol)
        if found:
            return found
    return None


def _close(a, b, rtol: float, atol: float, slack: float = 4.0) -> bool:
    """All elements close, allowing ``slack`` times the comparison's tolerance: a pattern is computed
    from the result with other roundings than the reference's."""
    import torch
    if a.shape != b.shape:
        return False
    return bool(torch.isclose(a, b, rtol=rtol * slack, atol=atol * slack).all())


def _scale(e) -> float:
    return float(e.abs().max()) if e.numel() else 0.0


def _found(key: str, what: dict[str, str], details: list[tuple[str, dict]] | None = None,
           **headline_values) -> Description:
    """A description: the headline ``pattern.<key>`` and the details, each a message key and its values
    (a value may be one text per language)."""
    return Description(key, _texts(f"pattern.{key}", what=what, **headline_values),
                       [_texts(name, **values) for name, values in (details or [])])


def _texts(key: str, **values) -> dict[str, str]:
    return {lang: t(key, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in values.items()})
            for lang in LANGS}


def _nonfinite(a, e, what, rtol, atol) -> Description:
    import torch
    nan, inf = torch.isnan(a), torch.isinf(a)
    bad = nan | inf
    rest_right = _close(a[~bad], e[~bad], rtol, atol, slack=1.0)
    details = [("nonfinite_detail", dict(count=int(bad.sum()), total=a.numel()))]
    if bool((~bad).any()):
        details.append(("nonfinite_rest_right" if rest_right else "nonfinite_rest_wrong", {}))
    rows = _rows_with(bad)
    if rows is not None:
        details.append(("nonfinite_rows", dict(rows=rows)))
    return Description("nan" if bool(nan.any()) else "inf", _texts("nan" if bool(nan.any()) else "inf", what=what),
                       [_texts(name, **values) for name, values in details])


def _rows_with(mask):
    """The rows (first index) holding the masked elements, when they are whole rows of a 2-D+ tensor."""
    if mask.dim() < 2 or not bool(mask.any()):
        return None
    whole = mask.reshape(mask.shape[0], -1)
    rows = whole.any(dim=1)
    if not bool((whole.all(dim=1) == rows).all()):
        return None
    listed = [int(i) for i in rows.nonzero().reshape(-1)[:MAX_LISTED]]
    return listed


def _unchanged_input(a, e, what, rtol, atol, inputs) -> Description | None:
    import torch
    for item in inputs:
        value = item.value
        if type(value) is torch.Tensor and tuple(value.shape) == tuple(a.shape) and not value.is_complex():
            x = _plain(value)
            if bool(torch.isfinite(x).all()) and _close(a, x, rtol, atol, slack=1.0) \
                    and not _close(e, x, rtol, atol, slack=1.0):
                return _found("unchanged_input", what, [("input_detail", dict(arg=item.arg, call=item.call))])
    return None


def _zeros(a, e, what, rtol, atol) -> Description | None:
    if bool((a == 0).all()) and not bool((e == 0).all()):
        return _found("zeros", what)
    return None


def _constant(a, e, what, rtol, atol) -> Description | None:
    if a.numel() >= 2 and _distinct(e, rtol, atol) and not _distinct(a, rtol, atol):
        return _found("constant", what, [("constant_detail", dict(value=_number(float(a.reshape(-1)[0]))))])
    return None


def _distinct(x, rtol, atol) -> bool:
    """More than one value (beyond the tolerance)."""
    flat = x.reshape(-1)
    return not _close(flat, flat[:1].expand_as(flat), rtol, atol, slack=1.0)


def _unchanged_start(a, e, what, rtol, atol) -> Description | None:
    """Along dim 0 (the steps): every step equals the first, which is the expected start."""
    if a.dim() == 0 or a.shape[0] < 2:
        return None
    first = a[:1].expand_as(a)
    if _close(a, first, rtol, atol, slack=1.0) and _close(a[0], e[0], rtol, atol) \
            and not _close(e, e[:1].expand_as(e), rtol, atol, slack=1.0):
        return _found("unchanged_start", what, [("steps_detail", dict(steps=a.shape[0]))])
    return None


def _sign(a, e, what, rtol, atol) -> Description | None:
    if bool((e != 0).any()) and _close(a, -e, rtol, atol):
        return _found("sign", what)
    return None


def _ratio_value(a, e, rtol, atol) -> float | None:
    """c with a = c * e everywhere (c != 0, 1), when e has nonzero elements."""
    import torch
    big = e.abs() > max(atol, 1e-12) * 10
    if not bool(big.any()):
        return None
    c = float(torch.median(a[big] / e[big]))
    if not math.isfinite(c) or c == 0 or abs(c - 1) <= rtol * 8:
        return None
    if not bool(torch.isclose(a, c * e, rtol=rtol * 4, atol=atol * 4 * max(1.0, abs(c))).all()):
        return None
    return c


def _named_ratio(a, e, what, rtol, atol, inputs) -> Description | None:
    c = _ratio_value(a, e, rtol, atol)
    if c is None or c == -1 or (abs(c + 1) <= rtol * 8):
        return None
    for value, divide in ((c, False), (1 / c, True)):
        names = _named(value, inputs, e, rtol)
        if names:
            return _ratio_description(c, names, divide, what)
    return None


def _ratio(a, e, what, rtol, atol) -> Description | None:
    """An unnamed constant ratio: stated only where it means something (two different nonzero values)."""
    c = _ratio_value(a, e, rtol, atol)
    nonzero = e[e != 0]
    if c is None or c == -1 or nonzero.numel() < 2 or not _distinct(nonzero, rtol, atol):
        return None
    return _ratio_description(c, [], False, what)


def _ratio_description(c: float, names: list, divide: bool, what) -> Description:
    factor = _factor(names)
    key = "ratio_divided" if divide else "ratio"
    description = Description(key, {lang: t(f"pattern.{key}", lang, what=what[lang], factor=factor[lang])
                                    for lang in LANGS},
                              [{lang: t("ratio_detail", lang, ratio=_number(c)) for lang in LANGS}])
    description.details += [_texts(name, **values) for name, values in _quantity_details(names)]
    return description


def _named(value: float, inputs: list[Input], expected, rtol: float) -> list:
    """The quantities equal to ``value`` as closely as the comparison's own tolerance: a factor that is
    only near a quantity is a coincidence, not its name."""
    slack = max(4 * rtol, 1e-12)
    return [q for q in quantities(inputs, expected) if abs(value - q.value) <= slack * abs(q.value)]


@dataclass
class Quantity:
    value: float
    label: dict[str, str]      # headline-safe: names the quantity, not its value
    where: dict[str, str]      # where it comes from (details: the input's shape, the argument)


def quantities(inputs: list[Input], expected) -> list[Quantity]:
    """The quantities a constant ratio is compared with, most telling first."""
    import torch
    found: list[Quantity] = []
    tensors = [i for i in inputs if type(i.value) is torch.Tensor]
    numbers = [i for i in inputs if type(i.value) is not torch.Tensor]

    def add(amount, key, where_key, **values):
        if key in _COUNTS and amount < MIN_COUNT:
            return                  # 2 is the size of too many things to name one
        if amount and amount not in (0, 1) and math.isfinite(amount):
            found.append(Quantity(float(amount), _texts(f"factor.{key}", **values), _texts(f"where.{where_key}", **values)))

    for item in tensors:
        shape = tuple(item.value.shape)
        if len(shape) >= 2:
            add(shape[0], "batch", "dim", dim=0, shape=shape, arg=item.arg, call=item.call)
    for item in tensors:
        shape = tuple(item.value.shape)
        for dim in range(1 if len(shape) >= 2 else 0, len(shape)):
            add(shape[dim], "dim", "dim", dim=dim, shape=shape, arg=item.arg, call=item.call)
        add(item.value.numel(), "numel", "numel", shape=shape, arg=item.arg, call=item.call)
    for item in numbers:
        if isinstance(item.value, int) and item.value >= 2:
            add(item.value, "integer", "argument", value=item.value, arg=item.arg, call=item.call)
    for item in numbers:
        if isinstance(item.value, float) and 0 < item.value < 1:
            p = item.value
            add(1 / (1 - p), "keep", "argument", value=_number(p), arg=item.arg, call=item.call)
            add(1 - p, "one_minus_p", "argument", value=_number(p), arg=item.arg, call=item.call)
    sizes = sorted({q.value for q in found if q.value == int(q.value) and q.value >= 2})
    for n in sizes:
        add(n / (n - 1), "unbiased", "count", n=int(n))
        add(math.sqrt(n / (n - 1)), "sqrt_unbiased", "count", n=int(n))
    named = {q.value for q in found}
    for dim, size in enumerate(tuple(expected.shape)):
        if float(size) not in named:
            add(size, "result_dim", "result", dim=dim, shape=tuple(expected.shape))
    return found


def _transposed(a, e, what, rtol, atol) -> Description | None:
    if a.dim() == 2 and a.shape[0] == a.shape[1] and a.shape[0] >= 2 and _close(a, e.T, rtol, atol):
        return _found("transposed", what)
    return None


def _shifted(a, e, what, rtol, atol, *_ignored) -> Description | None:
    """Along dim 0 (the steps): each entry is the expected one of the step before (behind) or after."""
    if a.dim() == 0 or a.shape[0] < 3 or _close(a, e, rtol, atol):
        return None
    if _close(a[1:], e[:-1], rtol, atol):
        return _found("behind", what)
    if _close(a[:-1], e[1:], rtol, atol):
        return _found("ahead", what)
    return None


def _flipped(a, e, what, rtol, atol) -> Description | None:
    for dim in range(a.dim()):
        if a.shape[dim] >= 2 and _close(a, e.flip(dim), rtol, atol):
            return _found("flipped", what, dim=dim)
    return None


def _rows_permuted(a, e, what, rtol, atol) -> Description | None:
    """Every row (along dim 0) of the result is a different row of the expected values."""
    import torch
    if a.dim() < 2 or a.shape[0] < 2 or a.shape[0] > MAX_ROWS or a.shape[0] * a.numel() > PAIRS_LIMIT:
        return None
    rows_a, rows_e = a.reshape(a.shape[0], -1), e.reshape(e.shape[0], -1)
    order, used = [], torch.zeros(rows_e.shape[0], dtype=torch.bool)
    for row in rows_a[:MAX_ROWS]:
        candidates = torch.isclose(rows_e, row, rtol=rtol * 4, atol=atol * 4).all(dim=1) & ~used
        if not bool(candidates.any()):
            return None
        match = int(candidates.nonzero()[0])
        used[match] = True
        order.append(match)
    if order == list(range(len(order))):
        return None
    return _found("rows_permuted", what, [("permutation_detail", dict(order=_listed(order)))])


def _reordered(a, e, what, rtol, atol) -> Description | None:
    import torch
    if a.numel() < 2 or _close(a, e, rtol, atol):      # close in place: a small error, not another order
        return None
    sorted_a, sorted_e = torch.sort(a.reshape(-1)).values, torch.sort(e.reshape(-1)).values
    if _close(sorted_a, sorted_e, rtol, atol):
        return _found("reordered", what)
    return None


def _offset(a, e, what, rtol, atol, inputs) -> Description | None:
    import torch
    if a.numel() < 2 or not _distinct(e, rtol, atol):
        return None
    d = a - e
    tol = atol * 4 + rtol * 4 * float(e.abs().max())
    for item in inputs:
        value = item.value
        if type(value) is torch.Tensor and not value.is_complex() and value.numel() >= 2 \
                and _broadcasts(tuple(value.shape), tuple(d.shape)):
            x = _plain(value)
            for sign, name in ((1.0, "+"), (-1.0, "−")):
                if bool(((d - sign * x).abs() <= tol).all()):
                    return _found("offset_input", what, [("input_detail", dict(arg=item.arg, call=item.call))],
                                  sign=name)
    c = float(torch.median(d))
    if abs(c) > tol and bool(((d - c).abs() <= tol).all()):
        return _found("offset", what, [("offset_detail", dict(offset=_number(c)))])
    if d.dim() == 2 and min(d.shape) >= 2:
        rows = d.median(dim=1, keepdim=True).values
        if bool(((d - rows).abs() <= tol).all()) and _distinct(rows, rtol, atol):
            return _found("offset_rows", what, [("offsets_detail", dict(offsets=_listed(rows.reshape(-1).tolist())))])
        columns = d.median(dim=0, keepdim=True).values
        if bool(((d - columns).abs() <= tol).all()) and _distinct(columns, rtol, atol):
            return _found("offset_columns", what,
                          [("offsets_detail", dict(offsets=_listed(columns.reshape(-1).tolist())))])
    return None


def _broadcasts(small: tuple, big: tuple) -> bool:
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(reversed(small), reversed(big))) and small != ()


def _update_ratio(a, e, what, rtol, atol, inputs, named_only: bool = False) -> Description | None:
    """Relative to an input of the same shape (the parameters before a step): the change the result
    made is a constant multiple of the expected change (a step N times too large, or the wrong way)."""
    import torch
    for item in inputs:
        value = item.value
        if type(value) is not torch.Tensor or tuple(value.shape) != tuple(a.shape) or value.is_complex() \
                or a.numel() < 2:
            continue
        x = _plain(value)
        if not bool(torch.isfinite(x).all()):
            continue
        step_a, step_e = a - x, e - x
        scale = max(_scale(e), _scale(x))
        if _close(e, x, rtol, atol, slack=1.0) or step_e.unique().numel() < 3:
            continue                   # (two values, such as a mask's, make a ratio of steps a coincidence)
        if _scale(step_e) > 0.5 * _scale(x):
            continue                   # not a step from the input (an update) but another value altogether
        c = _ratio_value(step_a, step_e, rtol, atol * 4 + rtol * 4 * scale)
        if c is None:
            continue
        where = [("input_detail", dict(arg=item.arg, call=item.call)), ("step_ratio_detail", dict(ratio=_number(c)))]
        if abs(c + 1) <= 1e-3:
            return _found("step_reversed", what, where)
        for amount, divide in ((c, False), (1 / c, True)):
            names = _named(amount, inputs, e, rtol)
            if names:
                factor = _factor(names)
                return _found("step_ratio_divided" if divide else "step_ratio", what,
                              where + _quantity_details(names), factor=factor)
        if not named_only:
            return _found("step_ratio", what, where, factor=_factor([]))
    return None


def _named_update_ratio(a, e, what, rtol, atol, inputs) -> Description | None:
    return _update_ratio(a, e, what, rtol, atol, inputs, named_only=True)


def _factor(names: list) -> dict[str, str]:
    """The most telling name of a factor (the details list the others with the same value)."""
    return {lang: names[0].label[lang] if names else t("factor.constant", lang) for lang in LANGS}


def _quantity_details(names: list) -> list[tuple[str, dict]]:
    """Each differently named quantity of that value (at most three), with where it comes from."""
    seen, out = set(), []
    for q in names:
        if q.label["en"] not in seen and len(out) < 3:
            seen.add(q.label["en"])
            out.append(("quantity_detail", dict(name=q.label, value=_number(q.value), where=q.where)))
    return out


def _picked_elsewhere(a, e, what, rtol, atol, inputs) -> Description | None:
    """Every element of the result and of the expected values is an element of one input, taken from
    other positions (indexing or gathering along the wrong dimension)."""
    import torch
    for item in inputs:
        value = item.value
        if type(value) is not torch.Tensor or value.numel() < 2 or value.is_complex():
            continue
        pool = _plain(value).reshape(-1)
        if pool.numel() * a.numel() > PAIRS_LIMIT:
            continue                        # an element-by-element search this large costs more than it tells
        if not bool(torch.isfinite(pool).all()) or pool.unique().numel() != pool.numel():
            continue                        # repeated values: positions cannot be told
        found_a, found_e = _positions(a, pool), _positions(e, pool)
        if found_a is None or found_e is None:
            continue
        differ = (found_a != found_e).nonzero()
        if differ.numel() == 0:
            continue
        first = int(differ[0])
        shape = tuple(value.shape)
        return _found("picked_elsewhere", what, [
            ("input_detail", dict(arg=item.arg, call=item.call)),
            ("picked_detail", dict(index=list(_unravel(first, tuple(a.shape))),
                                   got=list(_unravel(int(found_a[first]), shape)),
                                   expected=list(_unravel(int(found_e[first]), shape))))])
    return None


def _positions(x, pool):
    """For each element of x, its flat index in pool (exact values), or None if one is not there."""
    flat = x.reshape(-1)
    if flat.numel() == 0:
        return None
    equal = flat.unsqueeze(1) == pool.unsqueeze(0)
    if not bool(equal.any(dim=1).all()):
        return None
    return equal.float().argmax(dim=1)


def _unravel(index: int, shape: tuple) -> tuple:
    out = []
    for size in reversed(shape):
        out.append(index % size)
        index //= size
    return tuple(reversed(out))


def _per_slice(a, e, what, rtol, atol) -> Description | None:
    """2-D: each column (or row) is its own rescaled, or rescaled and shifted, copy of the expected one:
    statistics computed over other elements, or a missing per-feature scale and shift."""
    if a.dim() < 2 or min(a.shape) < 2:
        return None
    a, e = a.reshape(-1, a.shape[-1]), e.reshape(-1, e.shape[-1])      # rows: everything but the last dim
    tol = atol * 4 + rtol * 4 * max(_scale(e), _scale(a))
    for dim, key in ((0, "columns"), (1, "rows")):
        length = a.shape[dim]                       # elements in each slice
        mine, right = (a, e) if dim == 0 else (a.T, e.T)          # slices are columns of these
        scale = _slice_ratio(mine, right, tol)
        if scale is not None and _distinct(scale, rtol, atol):
            return _found(f"ratio_{key}", what, [("factors_detail", dict(factors=_listed(scale.tolist())))])
        if length >= 3:
            fit = _slice_affine(mine, right, tol)
            if fit is not None:
                return _found(f"affine_{key}", what)
    return None


def _slice_ratio(mine, right, tol):
    """Per column c_j with mine[:, j] = c_j * right[:, j], or None."""
    import torch
    big = right.abs() > tol
    if not bool(big.any(dim=0).all()):
        return None
    ratios = torch.where(big, mine / torch.where(big, right, torch.ones_like(right)), torch.nan)
    c = torch.nanmedian(ratios, dim=0).values
    if not bool(((mine - c * right).abs() <= tol * torch.clamp(c.abs(), min=1)).all()):
        return None
    return c


def _slice_affine(mine, right, tol):
    """Per column (g_j, h_j) with mine[:, j] = g_j * right[:, j] + h_j, not all (1, 0), or None."""
    import torch
    centred = right - right.mean(dim=0, keepdim=True)
    spread = (centred * centred).sum(dim=0)
    if not bool((spread > tol * tol).all()):
        return None
    g = (centred * (mine - mine.mean(dim=0, keepdim=True))).sum(dim=0) / spread
    h = mine.mean(dim=0) - g * right.mean(dim=0)
    if not bool(((mine - (g * right + h)).abs() <= tol * torch.clamp(g.abs(), min=1)).all()):
        return None
    if bool(((g - 1).abs() <= 1e-3).all()) and bool((h.abs() <= tol).all()):
        return None
    if bool((g.abs() <= 1e-6).any()):
        return None                  # a constant, not a rescaled copy
    return g, h


def _expected_input(a, e, what, rtol, atol, inputs) -> Description | None:
    """The expected result is one of the inputs unchanged (an identity case, such as evaluation mode),
    and the result is not."""
    import torch
    for item in inputs:
        value = item.value
        if type(value) is torch.Tensor and tuple(value.shape) == tuple(e.shape) and not value.is_complex() \
                and _close(e, _plain(value), rtol, atol, slack=1.0):
            return _found("expected_input", what, [("input_detail", dict(arg=item.arg, call=item.call))])
    return None


def _diverges(a, e, what, rtol, atol) -> Description | None:
    """Along dim 0 (the steps): right for the first steps, then different at every step after."""
    import torch
    if a.dim() == 0 or a.shape[0] < 3:
        return None
    rows = torch.isclose(a, e, rtol=rtol, atol=atol).reshape(a.shape[0], -1).all(dim=1)
    if bool(rows.all()) or not bool(rows[0]):
        return None
    first_wrong = int((~rows).nonzero()[0])
    if bool((~rows[first_wrong:]).all()) and first_wrong >= 1:
        return _found("diverges", what, [("diverges_detail", dict(step=first_wrong))])
    return None


def _confined(a, e, what, rtol, atol) -> Description | None:
    """2-D: the differences fill some whole columns (or rows), and the others are right."""
    import torch
    if a.dim() != 2 or min(a.shape) < 2:
        return None
    wrong = ~torch.isclose(a, e, rtol=rtol, atol=atol)
    for dim, key in ((0, "columns"), (1, "rows")):
        lines = wrong.any(dim=dim)
        if not bool(lines.all()) and bool(lines.any()) and bool(torch.equal(wrong.all(dim=dim), lines)):
            listed = [int(i) for i in lines.nonzero().reshape(-1)]
            return _found(f"confined_{key}", what, [("lines_detail", dict(lines=_listed(listed)))])
    return None


def _affine(a, e, what, rtol, atol) -> Description | None:
    """The whole result is a rescaled and shifted copy of the expected values (three or more distinct)."""
    flat_a, flat_e = a.reshape(-1, 1), e.reshape(-1, 1)
    if flat_e.unique().numel() < 3:
        return None
    tol = atol * 4 + rtol * 4 * max(_scale(e), _scale(a))
    if _slice_affine(flat_a, flat_e, tol) is not None:
        return _found("affine", what)
    return None


_WITH_INPUTS = (_unchanged_input, _named_ratio, _offset, _update_ratio, _named_update_ratio, _picked_elsewhere,
                _expected_input)

VALUE_CHECKS = (_unchanged_input, _expected_input, _zeros, _unchanged_start, _sign, _named_ratio, _named_update_ratio, _transposed,
                _shifted, _flipped, _rows_permuted, _reordered, _picked_elsewhere, _ratio, _update_ratio, _offset,
                _confined, _per_slice, _affine, _diverges, _constant)


# --- shapes that differ ---------------------------------------------------------------------------

def describe_shape(a, e, what: dict[str, str], rtol: float, atol: float, inputs: list[Input]) -> Description | None:
    import itertools

    import torch
    shapes = [("shape_detail", dict(got=tuple(a.shape), expected=tuple(e.shape)))]
    if a.dim() == e.dim() and 2 <= a.dim() <= 4 and sorted(a.shape) == sorted(e.shape):
        for perm in itertools.permutations(range(e.dim())):
            if list(perm) != list(range(e.dim())) and tuple(e.permute(perm).shape) == tuple(a.shape) \
                    and _close(a, e.permute(perm), rtol, atol):
                if a.dim() == 2:
                    return _found("transposed", what, shapes)
                return _found("permuted_dims", what, shapes, perm=tuple(perm))
    if a.numel() == e.numel() and a.numel() > 0:
        if _squeezed(a) == _squeezed(e) and _close(a.reshape(e.shape), e, rtol, atol):
            return _found("extra_dim" if a.dim() > e.dim() else "missing_dim", what, shapes)
        if _close(a.reshape(e.shape), e, rtol, atol):
            return _found("reshaped", what, shapes)
    n = e.numel()
    if n >= 2 and a.dim() == 2 and tuple(a.shape) == (n, n) and len(_squeezed(e)) == 1:
        return _found("broadcast_pairs", what, shapes)
    for item in inputs:
        value = item.value
        if type(value) is not torch.Tensor or value.dim() < 2 or len(set(value.shape)) != value.dim():
            continue
        shape = tuple(value.shape)
        without = {d: shape[:d] + shape[d + 1:] for d in range(len(shape))}
        got = [d for d, s in without.items() if s == tuple(a.shape)]
        want = [d for d, s in without.items() if s == tuple(e.shape)]
        if len(got) == 1 and len(want) == 1 and got != want:
            return _found("reduced_other_dim", what, shapes, got=got[0], want=want[0])
    return None


def _squeezed(x) -> tuple:
    return tuple(s for s in x.shape if s != 1)


# --- numbers --------------------------------------------------------------------------------------

def describe_number(actual: float, expected: float, what: dict[str, str],
                    inputs: list[Input] | None = None) -> Description | None:
    """Two numbers (a count, a length): off by one, the opposite sign, a named ratio."""
    if isinstance(actual, bool) or isinstance(expected, bool) or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in (actual, expected)) or actual == expected:
        return None
    inputs = current_inputs() if inputs is None else inputs
    if isinstance(actual, int) and isinstance(expected, int) and abs(actual - expected) == 1:
        return _found("off_by_one_less" if actual < expected else "off_by_one_more", what)
    if expected != 0 and math.isclose(actual, -expected, rel_tol=1e-6):
        return _found("sign", what)
    if expected != 0 and actual != 0:
        import torch
        e = torch.tensor([float(expected)], dtype=torch.float64)
        c = actual / expected
        for value, divide in ((c, False), (1 / c, True)):
            names = [q for q in quantities(inputs, e) if abs(value - q.value) <= 1e-6 * abs(q.value)]
            if names:
                return _ratio_description(c, names, divide, what)
    return None


# --- formatting -----------------------------------------------------------------------------------

def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _listed(values: list) -> str:
    shown = [_number(v) if isinstance(v, float) else str(v) for v in values[:MAX_LISTED]]
    return "[" + ", ".join(shown) + (", ...]" if len(values) > MAX_LISTED else "]")
