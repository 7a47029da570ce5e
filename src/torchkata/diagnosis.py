"""Mutant-matched diagnosis: naming a mistake by finding the known-wrong solution that made it.

A kata's mutants are realistic wrong solutions, each with a diagnosis in kata.toml. When
a spec test fails, the calls it made of the learner's code are replayed on the reference
and on each mutant (instructor code, run confined like any implementation; never the
learner's code). A mutant *explains* the failure only when

1. it reproduces every one of the learner's results on those calls (:func:`same_outcome`:
   structure, shapes, dtypes, NaN and inf at the same places, finite values within the
   tolerances a spec uses; an exception of the same type, with the same message, surfacing
   at a learner-side line of the same form), and
2. where the learner's results differ from the reference's, the difference is *evidence*
   (:func:`evidence`): something a wrong answer does not share by coincidence. These are
   coincidences, and never select a mutant: NaN or inf where the reference is finite (every
   overflow gives them), an exception raised only in the grader's code (its follow-up on any
   wrong result), a result equal to one of the call's inputs, a sequence that stays at its
   starting value (parameters that never moved, whatever stopped them), and values that are
   the reference's in another, unstructured order (a shuffle).

When several mutants explain a test, the most specific is shown: the one that also reproduces
the learner's results on the most of this grading's other tests (the learner's whole run).
When that does not tell them apart, the feedback says "one of" and lists them.

Replays are cached by call sequence, so a class of learners or a learner saving again
and again costs each mutant's run once.
"""
from __future__ import annotations

import hashlib
import io
import keyword
import math
import tokenize
from typing import Any, Callable

from torchkata.catalogue import Mutant
from torchkata.i18n import t
from torchkata.launcher import Call, Outcome
from torchkata.numerics import close_mask, magnitude, tolerance, values_match

DIAGNOSABLE = ("failed", "error")

# A learner's exception no known-wrong (complete) solution raises: nothing to match.
UNMATCHABLE = ("MissingFunction", "NotImplementedError")


# --- where an exception surfaced ---------------------------------------------------------------

def origin(info: dict) -> str | None:
    """The learner-side place an exception surfaced: the innermost frame in the implementation's own
    file, as its function and the *form* of its line (names of local variables replaced, calls,
    attributes, operators and constants kept), hashed. None when no frame of the implementation's
    file is on the way: the exception came from the grader's own code (a harness working on a result).

    Two implementations are different files, so lines are compared by form, not by number:
    ``return W[:, ids]`` and ``return weight[:, ids]`` surface at the same place."""
    if "origin" in info:             # recorded (`kata release`, a shared cache): already reduced
        return info["origin"] or None
    frames = info.get("traceback")
    if not isinstance(frames, list) or not frames or not isinstance(frames[-1], dict):
        return None
    last = frames[-1]
    form = f"{last.get('function', '')}:{line_form(str(last.get('code', '')))}"
    return hashlib.sha256(form.encode("utf-8")).hexdigest()[:20]


def line_form(code: str) -> str:
    """A line of code with the names of its variables replaced by ``_``: the names after a dot
    (attributes, methods), the names called (functions) and keywords stay."""
    try:
        tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(code.strip()).readline)
                  if tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT,
                                      tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return " ".join(code.split())
    out = []
    for index, tok in enumerate(tokens):
        text = tok.string
        if tok.type == tokenize.NAME and not keyword.iskeyword(text):
            after_dot = index > 0 and tokens[index - 1].string == "."
            called = index + 1 < len(tokens) and tokens[index + 1].string == "("
            if not (after_dot or called):
                text = "_"
        out.append(text)
    return " ".join(out)


# --- one implementation's results against another's ------------------------------------------

def same_outcome(mine: Outcome, other: Outcome) -> bool:
    """Whether ``other`` reproduces ``mine``: the same value, or the same exception at the same place."""
    if mine.status != other.status:
        return False
    if mine.status == "ok":
        return values_match(mine.value, other.value)
    if mine.status == "raised":
        return same_exception(mine.info, other.info)
    return False


def same_exception(mine: dict, other: dict) -> bool:
    """Type, message and learner-side place: never the type alone (every IndexError is not one mistake)."""
    return (mine.get("type"), mine.get("message"), origin(mine)) == \
        (other.get("type"), other.get("message"), origin(other))


def outcomes_match(learner: list[Outcome], other: list[Outcome]) -> bool:
    """Every one of the learner's results reproduced, call by call."""
    return len(learner) == len(other) and all(same_outcome(a, b) for a, b in zip(learner, other))


def evidence(learner: list[Outcome], reference: list[Outcome], calls: list[Call]) -> int:
    """How much of the learner's difference from the reference is evidence of a particular mistake:
    differing finite elements and values, and exceptions raised in the learner's own code. 0 when
    every difference is a coincidence any wrong answer shares (see the module's docstring)."""
    total = 0
    for mine, right, call in zip(learner, reference, calls):
        total += call_evidence(mine, right, call)
    return total


def call_evidence(mine: Outcome, right: Outcome, call: Call | None = None) -> int:
    if mine.status == "raised":
        if right.status == "raised" and same_exception(mine.info, right.info):
            return 0
        return 1 if origin(mine.info) else 0      # no learner-side frame: the grader's code raised
    if mine.status != "ok":
        return 0
    if right.status != "ok":
        return _informative(mine.value)
    if values_match(mine.value, right.value):
        return 0
    # Numbers that stay at the start or are the reference's in a shuffled order are explained by that:
    # only the facts a harness reports beside them (flags, names) still tell one mistake from another.
    facts_only = stays_at_start(mine.value, right.value) or reordered(mine.value, right.value)
    return _differing(mine.value, right.value, _inputs(call), facts_only)


def _inputs(call: Call | None) -> list:
    """The tensors a call was given (decoded from its plain data)."""
    if call is None:
        return []
    from torchkata import protocol
    try:
        return list(tensors_in(protocol.decode(call.args))) + list(tensors_in(protocol.decode(call.kwargs)))
    except Exception:  # noqa: BLE001 — inputs only refine the evidence; without them, none is discounted
        return []


def tensors_in(value: Any):
    import torch
    if type(value) is torch.Tensor:
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from tensors_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from tensors_in(item)


def _informative(value: Any) -> int:
    """1 when a value the reference did not give holds something beyond NaN, inf and None."""
    import torch
    if value is None:
        return 0
    if type(value) is torch.Tensor:
        if value.is_floating_point() or value.is_complex():
            return int(bool(torch.isfinite(value).any()))
        return 1
    if isinstance(value, float):
        return int(math.isfinite(value))
    if isinstance(value, (list, tuple)):
        return int(any(_informative(v) for v in value))
    if isinstance(value, dict):
        return int(any(_informative(v) for v in value.values()))
    return 1


def _differing(mine: Any, right: Any, inputs: list, facts_only: bool = False) -> int:
    """Evidence in one value: the elements where it differs from the reference's, less coincidences
    (with ``facts_only``, only differing flags and strings count)."""
    import torch
    if facts_only:
        if isinstance(mine, (list, tuple)) and type(right) is type(mine) and len(right) == len(mine):
            return sum(_differing(a, b, inputs, True) for a, b in zip(mine, right))
        if isinstance(mine, dict) and isinstance(right, dict) and mine.keys() == right.keys():
            return sum(_differing(mine[k], right[k], inputs, True) for k in mine)
        return int(isinstance(mine, (bool, str)) and type(mine) is type(right) and mine != right)
    if type(mine) is torch.Tensor:
        if any(values_match(mine, x) for x in inputs if type(x) is torch.Tensor and x.shape == mine.shape):
            return 0                       # the input handed back: every do-nothing answer gives it
        if type(right) is not torch.Tensor or right.shape != mine.shape:
            return _informative(mine)
        if right.dtype != mine.dtype or right.device.type != mine.device.type:
            return _informative(mine)
        rtol, atol = tolerance(mine.dtype, 1.0, max(magnitude(mine), magnitude(right)))
        differ = ~close_mask(mine, right, rtol, atol)
        if mine.is_floating_point() or mine.is_complex():
            differ &= torch.isfinite(mine.detach().cpu())
        return int(differ.sum())
    if isinstance(mine, (list, tuple)) and type(right) is type(mine) and len(right) == len(mine):
        return sum(_differing(a, b, inputs) for a, b in zip(mine, right))
    if isinstance(mine, dict) and isinstance(right, dict) and mine.keys() == right.keys():
        return sum(_differing(mine[k], right[k], inputs) for k in mine)
    if values_match(mine, right):
        return 0
    return _informative(mine)


# --- coincidences --------------------------------------------------------------------------

def _steps(value: Any) -> list | None:
    """The entries of a sequence of steps: a list of two or more, or a 1-D tensor's elements (a tuple is a
    record of different things, such as (result, input after the call), not a sequence)."""
    import torch
    if isinstance(value, list) and len(value) >= 2 and all(type(v) in (float, torch.Tensor) for v in value):
        return list(value)     # (a list of ints is a shape, lengths or counts more often than steps)
    if type(value) is torch.Tensor and value.dim() == 1 and value.shape[0] >= 2:
        return list(value.unbind(0))
    return None


def stays_at_start(mine: Any, right: Any) -> bool:
    """Somewhere in the result, a sequence never moves while the reference's does: training that never
    changed the parameters, whatever stopped it."""
    import torch
    mine_steps, right_steps = _steps(mine), _steps(right)
    if mine_steps is not None and right_steps is not None and len(mine_steps) == len(right_steps):
        # A list (a loss curve, learning rates) that never moves; a 1-D tensor only when it stays at the
        # reference's first value (a constant row of per-row results is a pattern of its own).
        start = mine_steps[0] if isinstance(mine, list) else right_steps[0]
        if all(_close(step, start) for step in mine_steps) and \
                not all(_close(step, right_steps[0]) for step in right_steps):
            return True
    if isinstance(mine, dict) and isinstance(right, dict):
        return any(stays_at_start(mine[k], right[k]) for k in mine.keys() & right.keys())
    if isinstance(mine, (list, tuple)) and type(right) is type(mine) and len(mine) == len(right):
        return any(stays_at_start(a, b) for a, b in zip(mine, right))
    return False


def _close(a: Any, b: Any) -> bool:
    import torch
    if type(a) is torch.Tensor and type(b) is torch.Tensor and a.dim() == 0 and b.dim() == 0:
        a, b = a.reshape(1), b.reshape(1)
    return values_match(a, b)


def reordered(mine: Any, right: Any) -> bool:
    """The learner's numbers are the reference's in another order with no structure a mistake gives
    (not a transpose, a flip, a shift by one, or two results swapped): the order of a shuffle."""
    import torch
    mine_numbers, right_numbers = _numbers(mine), _numbers(right)
    if mine_numbers is None or right_numbers is None or mine_numbers.numel() != right_numbers.numel() \
            or mine_numbers.numel() < 2:
        return False
    rtol, atol = tolerance(torch.float32, 1.0, max(magnitude(mine_numbers), magnitude(right_numbers)))
    if bool(close_mask(mine_numbers, right_numbers, rtol, atol).all()):
        return False                   # the same numbers in the same order: what differs is not the order
    a, b = torch.sort(mine_numbers).values, torch.sort(right_numbers).values
    if not bool(close_mask(a, b, rtol, atol).all()):
        return False
    return not _structured(mine, right)


def _numbers(value: Any):
    """Every nonzero number in a result, as one float64 tensor (zeros are padding more often than data)."""
    import torch
    parts = []

    def collect(v):
        if type(v) is torch.Tensor:
            if not v.is_complex():
                parts.append(v.detach().cpu().reshape(-1).double())
        elif isinstance(v, (bool, int, float)):
            parts.append(torch.tensor([float(v)], dtype=torch.float64))
        elif isinstance(v, (list, tuple)):
            for item in v:
                collect(item)
        elif isinstance(v, dict):
            for item in v.values():
                collect(item)
    collect(value)
    if not parts:
        return None
    numbers = torch.cat(parts)
    return numbers[numbers != 0]


def _structured(mine: Any, right: Any) -> bool:
    """A rearrangement with a shape of its own: every part that differs is its counterpart transposed,
    flipped or shifted by one, or the parts of a tuple are the reference's, swapped."""
    import torch
    if type(mine) is torch.Tensor and type(right) is torch.Tensor:
        return bool(rearrangements(mine, right))
    if isinstance(mine, tuple) and isinstance(right, tuple) and len(mine) == len(right) and _swapped(mine, right):
        return True
    if isinstance(mine, (list, tuple)) and type(mine) is type(right) and len(mine) == len(right):
        differing = [(a, b) for a, b in zip(mine, right) if not values_match(a, b)]
        return bool(differing) and all(_structured(a, b) for a, b in differing)
    if isinstance(mine, dict) and isinstance(right, dict) and mine.keys() == right.keys():
        differing = [(mine[k], right[k]) for k in mine if not values_match(mine[k], right[k])]
        return bool(differing) and all(_structured(a, b) for a, b in differing)
    return False


def _swapped(mine: tuple, right: tuple) -> bool:
    used = set()
    for item in mine:
        found = next((i for i, other in enumerate(right) if i not in used and values_match(item, other)), None)
        if found is None:
            return False
        used.add(found)
    return True


def rearrangements(mine, right) -> list[str]:
    """The simple rearrangements of ``right`` that give ``mine``: "transposed", "flipped:d", "shifted:d:±1"."""
    import torch
    found = []
    a, b = mine.detach().cpu(), right.detach().cpu()
    if a.dim() == 2 and b.dim() == 2 and a.shape == b.T.shape and a.numel() > 1 and _same(a, b.T) \
            and not _same(a, b):
        found.append("transposed")
    if a.shape == b.shape:
        for d in range(a.dim()):
            if a.shape[d] >= 2 and _same(a, b.flip(d)) and not _same(a, b):
                found.append(f"flipped:{d}")
            if a.shape[d] >= 3:
                for shift in (1, -1):
                    if _same(a, b.roll(shift, d)) and not _same(a, b):
                        found.append(f"shifted:{d}:{shift}")
    return found


def _same(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and values_match(a.contiguous(), b.contiguous())


# --- giving diagnoses ----------------------------------------------------------------------

def diagnose(run, known: Callable[[], dict] | None = None) -> None:
    """Give each failing test of ``run`` (a :class:`torchkata.plugin.KataRun`) the diagnosis of the
    mutant that explains it (see the module's docstring). ``known()`` gives each test's calls with a
    correct solution, having run them through the reference and every mutant (once per kata: a child
    each); a learner whose calls are the beginning of those is then answered from the cache."""
    if not run.mutants:
        return
    replays = _Replays(run, known)
    for planned in run.to_run():
        nodeid = planned.item.nodeid
        result = run.results.get(nodeid)
        if result is None or result.status not in DIAGNOSABLE or not replays.matchable(nodeid):
            continue
        mine = run.states[nodeid].outcomes
        calls = run.states[nodeid].learner.calls
        right = replays.outcomes(run.reference, nodeid)
        if evidence(mine, right, calls) == 0:
            continue                    # the same as the reference, or a coincidence: nothing names a mistake
        matched = [(mutant, runner) for mutant, runner in run.mutants
                   if replays.reproduces(runner, nodeid) and not contradicted(runner, replays, nodeid)]
        chosen = most_specific(matched, replays, nodeid)
        result.diagnosis = diagnosis_text([mutant for mutant, _ in chosen], run.lang)


def contradicted(runner, replays: "_Replays", nodeid: str) -> bool:
    """Whether the learner's run shows they did not make this mutant's mistake: in another test, a call
    gave a result where the mutant's mistake shows (it differs from the reference's) and the learner's
    result is not the mutant's. A learner with two mistakes, both showing in some calls, then gets no
    diagnosis from these mutants: silence, rather than a diagnosis that may be wrong (one mask drawn with
    torch.bernoulli equals another mistake's for p = 0.5, and no other p)."""
    for other in replays.nodeids():
        if other == nodeid or not replays.matchable(other):
            continue
        theirs, right = replays.outcomes(runner, other), replays.outcomes(replays.run.reference, other)
        shown = replays.same(runner, other, replays.run.reference)      # the mutant's mistake shows nowhere
        learner_made = replays.same(runner, other)
        for mutant, reference, unshown, made in zip(theirs, right, shown, learner_made):
            if {mutant.status, reference.status} - {"ok", "raised"}:
                continue               # not answered (a timeout, not recorded): says nothing either way
            if not unshown and not made:
                return True
    return False


def most_specific(matched: list, replays: "_Replays", nodeid: str) -> list:
    """Of the mutants that explain a test, those that reproduce the learner's results on the most of
    the run's other tests (ties: all of them)."""
    if len(matched) <= 1:
        return matched
    others = [other for other in replays.nodeids() if other != nodeid and replays.matchable(other)]
    scores = [sum(replays.reproduces(runner, other) for other in others) for _, runner in matched]
    best = max(scores)
    return [pair for pair, score in zip(matched, scores) if score == best]


def diagnosis_text(mutants: list[Mutant], lang: str) -> str:
    texts = list(dict.fromkeys(m.diagnosis.get(lang) for m in mutants))
    if not texts:
        return ""
    if len(texts) == 1:
        return t("likely_mistake", lang, text=texts[0])
    return "\n".join([t("likely_one_of", lang)] + [f"- {text}" for text in texts])


class _Replays:
    """Each implementation's outcomes on the learner's calls of each test, computed once."""

    def __init__(self, run, known: Callable[[], dict] | None):
        self.run, self.known = run, known
        self._sequences: dict | None = None
        self._outcomes: dict[tuple[int, str], list[Outcome]] = {}
        self._same: dict[tuple[int, str, int], list[bool]] = {}

    def nodeids(self) -> list[str]:
        return [planned.item.nodeid for planned in self.run.to_run()]

    def matchable(self, nodeid: str) -> bool:
        """The test's calls all answered (a value or an exception a complete solution may raise)."""
        state = self.run.states.get(nodeid)
        if state is None or not state.outcomes:
            return False
        return all(o.status in ("ok", "raised") and o.info.get("type") not in UNMATCHABLE for o in state.outcomes)

    def outcomes(self, runner, nodeid: str) -> list[Outcome]:
        key = (id(runner), nodeid)
        if key not in self._outcomes:
            calls = self.run.states[nodeid].learner.calls
            if self._sequences is None:
                self._sequences = self.known() if self.known is not None else {}
            replay = _extended(calls, self._sequences.get(nodeid))
            self._outcomes[key] = runner.outcomes(replay)[:len(calls)]
        return self._outcomes[key]

    def reproduces(self, runner, nodeid: str) -> bool:
        mine = self.run.states[nodeid].outcomes
        return len(self.outcomes(runner, nodeid)) == len(mine) and all(self.same(runner, nodeid))

    def same(self, runner, nodeid: str, against=None) -> list[bool]:
        """Call by call, whether ``runner`` reproduces the learner's outcomes in a test (or ``against``'s, an
        implementation's): computed once, since every mutant is compared with every test's several times."""
        key = (id(runner), nodeid, id(against))
        if key not in self._same:
            mine = self.run.states[nodeid].outcomes if against is None else self.outcomes(against, nodeid)
            self._same[key] = [same_outcome(a, b) for a, b in zip(mine, self.outcomes(runner, nodeid))]
        return self._same[key]


def _extended(calls: list, full: list | None) -> list:
    """``full`` when ``calls`` are its beginning (the same inputs), else ``calls`` themselves."""
    if full and len(full) >= len(calls) and all(a.digest() == b.digest() for a, b in zip(calls, full)):
        return full
    return calls
