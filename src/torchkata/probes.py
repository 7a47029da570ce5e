"""The engine's generic probes: a requirement of the prompt checked with no code of the kata's own.

A ``[[requires]]`` table of kata.toml may list probes (``probes = [{ kind = "unchanged", points = 1 }]``).
Each probe is an ordinary scored test, run after the spec tests in the same grading and reported
under its requirement's sentence. It needs no code from the kata: its inputs are the calls the
kata's specs made of the learner's functions in this grading (a public probe draws on the public
specs, a hidden one on every spec), changed as the property asks, and run on the learner's code
and on the reference; the trusted side compares.

========== ==================================================================================
kind       what it checks, on each call the specs made
========== ==================================================================================
unchanged  every tensor argument is as it was after the call (the child returns the arguments)
           wherever the reference leaves it so
dtypes     with float tensor arguments in each of ``dtypes``, the result has the reference's
           dtypes and values within that dtype's tolerance of a float64 oracle
defaults   each default argument of the stub's signature, left out of a call that passed it,
           gives what the reference gives without it (the learner's own parameter names,
           read from the AST here, pass the arguments that follow)
stability  with ``offsets`` (1e3, 1e4) added to the float arguments (``args``, else the first),
           the result is within tolerance of a float64 oracle
repeated   every call made twice, after the others, gives the reference's answer every time, and
           a result read again after the next call is unchanged (no state kept or shared
           between calls)
device     the device arguments set to a second device the grader simulates on the CPU
           (:mod:`torchkata.simdevice`), the result is where the reference puts it, the work
           runs on that device, and the values agree
same-device  tensor arguments on that simulated device: the result stays where the
           reference's does, with no mixing of devices
========== ==================================================================================

Where the learner's answer to a spec call is already wrong (the specs fail it), that call tells
nothing about the property and is left out, and so is one the learner answers differently when
asked again (their function keeps state between calls). A probe left with no call to check fails,
saying why (with the learner's own error where their code raised): a probe never passes what it
did not check, and a wrong solution earns no probe's points. Tolerances are those of
:mod:`torchkata.numerics`, with ``condition`` (default: the size of the call's float inputs);
against a float64 oracle a result may also be :data:`REFERENCE_SLACK` times as far off as the
reference is on the same inputs (how hard they are in that dtype, as a correct implementation shows).
"""
from __future__ import annotations

import ast
import contextlib
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from torchkata import protocol
from torchkata.catalogue import Kata, Probe, Requirement, Text
from torchkata.launcher import Call, LearnerError, Outcome, ReferenceFailed, unwrap
from torchkata.numerics import close_mask, distinguishing_format, magnitude, tolerance

CALLS_PER_TEST = 2        # distinct calls of a function taken from each spec test (its first ones)
SAMPLES = 2               # spec calls of each function a probe starts from (one of each kind first)
REFERENCE_SLACK = 8.0     # against a float64 oracle, a result may be this many times as far off as the reference
KIND_NAMES = {"unchanged": ("inputs unchanged", "입력 보존"), "dtypes": ("dtypes", "dtype 유지"),
              "defaults": ("default arguments", "기본값 인자"), "stability": ("inputs far from zero", "0에서 먼 입력"),
              "repeated": ("repeated calls", "반복 호출"), "device": ("a second device", "두 번째 디바이스"),
              "same-device": ("the input's device", "입력의 디바이스")}


class _Skip(Exception):
    """A call that cannot show the property (the learner's function keeps state): left out."""


# --- signatures, read from source on the trusted side (never executed) -------------------------

@dataclass
class Signature:
    name: str
    positional: list[str]                  # positional(-or-keyword) parameters, in order
    keyword_only: list[str]
    defaults: dict[str, str]               # parameter -> its default, as source text
    variadic: bool = False                 # takes *args


def signatures(source: str, skip_first: bool = False) -> dict[str, Signature]:
    """The module-level functions of ``source`` (``skip_first``: a harness's module parameter)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        a = node.args
        positional = [p.arg for p in a.posonlyargs + a.args]
        defaults = dict(zip(positional[len(positional) - len(a.defaults):], (ast.unparse(d) for d in a.defaults)))
        defaults.update({p.arg: ast.unparse(d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
        if skip_first and positional:
            defaults.pop(positional[0], None)
            positional = positional[1:]
        found[node.name] = Signature(node.name, positional, [p.arg for p in a.kwonlyargs], defaults,
                                     a.vararg is not None)
    return found


def kata_signatures(kata: Kata) -> dict[str, Signature]:
    """The promised signatures: the stub's functions, and the harness's as 'harness.name'."""
    found = signatures(kata.stub.read_text(encoding="utf-8"))
    if kata.harness is not None:
        found.update({f"harness.{n}": s for n, s in
                      signatures(kata.harness.read_text(encoding="utf-8"), skip_first=True).items()})
    return found


def probe_functions(kata: Kata, probe: Probe) -> list[str]:
    """The functions a probe checks: those it names, else every function of the stub."""
    return list(probe.functions) or [n for n in signatures(kata.stub.read_text(encoding="utf-8"))]


# --- collection: one pytest item per probe, from kata.toml ---------------------------------------

class RequirementsFile(pytest.File):
    """kata.toml, seen by pytest: it holds the kata's probes."""

    def __init__(self, *, kata: Kata, plugin, **kwargs):
        super().__init__(**kwargs)
        self.kata, self.plugin = kata, plugin

    def collect(self):
        released = self.kata.reference is None     # a released course holds no hidden probe
        for requirement in self.kata.requires:
            for number, probe in enumerate(requirement.probes):
                if probe.hidden and released:
                    continue
                yield ProbeItem.from_parent(self, name=f"requires-{requirement.index + 1}-{probe.kind}-{number + 1}",
                                            requirement=requirement, probe=probe, plugin=self.plugin)


class ProbeItem(pytest.Item):
    """One probe of one requirement: a test like a spec's, run by :meth:`runtest`."""

    fixturenames = ("sub",)       # counts as calling the learner's code (the engine skips it after timeouts)

    def __init__(self, *, requirement: Requirement, probe: Probe, plugin, **kwargs):
        super().__init__(**kwargs)
        self.requirement, self.probe, self.plugin = requirement, probe, plugin
        marker = pytest.mark.hidden if probe.hidden else pytest.mark.public
        self.add_marker(marker(points=probe.points))

    @property
    def title(self) -> Text:
        """The name learners see: the requirement's sentence (with the probe's kind when it has several)."""
        text = self.requirement.text
        if len(self.requirement.probes) == 1:
            return text
        en, ko = KIND_NAMES[self.probe.kind]
        return Text(f"{text.en} ({en})", f"{text.ko} ({ko})" if text.ko else "")

    def runtest(self) -> None:
        run, _ = self.plugin._lookup(self)
        state = run.states[self.nodeid]
        try:
            ProbeRun(run, state, self.probe, self.nodeid).check()
        finally:
            state.output = run.learner.end_test()

    def reportinfo(self):
        return self.path, max(self.requirement.line - 1, 0), self.name


def is_probe(item) -> bool:
    return isinstance(item, ProbeItem)


# --- running a probe ---------------------------------------------------------------------------

@dataclass(eq=False)
class Sample:
    """One spec call of a function, decoded, with the learner's own answer to it in the specs."""
    function: str                 # "name" or "harness.name"
    args: list
    kwargs: dict
    call: Call
    answer: Outcome | None        # the learner's outcome in the spec test


class ProbeRun:
    """A probe's work in one grading: it asks the learner and the reference, and decides."""

    def __init__(self, run, state, probe: Probe, nodeid: str):
        self.run, self.state, self.probe, self.nodeid = run, state, probe, nodeid
        self.kata: Kata = run.kata
        self.lang: str = run.lang
        self.promised = kata_signatures(self.kata)
        self.learners = signatures(run.submission.text)
        self.checked: dict[str, int] = {}            # function -> calls checked
        self.unclear: dict[str, str] = {}            # function -> why no call could be checked
        self.raised: dict[str, Outcome] = {}         # function -> the learner's first failure on a spec call
        self._samples: dict[str, list[Sample]] = {}
        self._found: dict[str, list[Sample]] = {}    # function -> every spec call considered

    # the two implementations, one call each
    def learner(self, function: str, args: list, kwargs: dict, probe: str = "") -> Any:
        harness, name = _split(function)
        outcome = self.run.learner_outcome(self.state, Call.make(name, tuple(args), kwargs, harness=harness,
                                                                 probe=probe))
        return unwrap(outcome)

    def reference(self, function: str, args: list, kwargs: dict, probe: str = "") -> Any:
        from torchkata.implementations import TestSequence, copied
        harness, name = _split(function)
        sequence = TestSequence()
        sequence.add(Call.make(name, tuple(args), kwargs, harness=harness, probe=probe))
        outcome = self.run.reference.outcome(sequence)
        if outcome.status == "ok":
            return copied(outcome.value)
        if outcome.status == "missing":
            raise ReferenceFailed(f"no recorded reference value for the probe's call of {name}() (the specs' inputs "
                                  "differ from those `kata release` recorded)")
        detail = outcome.info.get("type", "") + ": " + str(outcome.info.get("message", outcome.info.get("detail", "")))
        raise ReferenceFailed(f"the reference's {name}() failed under the {self.probe.kind} probe ({detail.strip()})")

    # the calls the specs made
    def samples(self, function: str) -> list[Sample]:
        """Up to SAMPLES spec calls of ``function``: one of each kind first (shapes, dtypes, other
        arguments), in the order of the specs, from the first CALLS_PER_TEST calls of each spec test."""
        if function in self._samples:
            return self._samples[function]
        harness, name = _split(function)
        seen, found = set(), []
        for planned in self.run.to_run():
            if is_probe(planned.item) or planned.kind != "spec" or \
                    (planned.visibility == "hidden" and not self.probe.hidden):
                continue
            state = self.run.states.get(planned.item.nodeid)
            if state is None:
                continue
            taken = 0
            for index, call in enumerate(state.learner.calls):
                if (call.harness, call.name) != (harness, name) or call.count_ops or call.probe or \
                        call.digest() in seen or taken >= CALLS_PER_TEST:
                    continue
                seen.add(call.digest())
                taken += 1
                answer = state.outcomes[index] if index < len(state.outcomes) else None
                found.append(Sample(function, list(protocol.decode(call.args)), dict(protocol.decode(call.kwargs)),
                                    call, answer))
        self._found[function] = found
        kinds: dict = {}
        for sample in found:
            kinds.setdefault(_form(sample), sample)
        chosen = {id(s) for s in list(kinds.values())[:SAMPLES]}
        for sample in found:
            if len(chosen) >= SAMPLES:
                break
            chosen.add(id(sample))
        self._samples[function] = [s for s in found if id(s) in chosen]
        return self._samples[function]

    def baseline_ok(self, sample: Sample, again: bool = False) -> bool:
        """The learner's answer to the spec call itself was right (and, ``again``, is still right when asked
        here, after the probe's other calls): the call can show the property. Notes why not."""
        if sample.answer is None or sample.answer.status != "ok":
            self.note(sample.function, "wrong")
            if sample.answer is not None:
                self.raised.setdefault(sample.function, sample.answer)
            return False
        try:
            expected = self.reference(sample.function, sample.args, sample.kwargs)
        except ReferenceFailed:
            self.note(sample.function, "none")
            return False          # a call the specs expect to raise: it shows nothing here
        condition = self.condition(sample.args, sample.kwargs)
        if compare(sample.answer.value, expected, condition=condition) is not None:
            self.note(sample.function, "wrong")
            return False
        if again:
            try:
                now = self.learner(sample.function, sample.args, sample.kwargs)
            except LearnerError:
                now = None
            if compare(now, expected, condition=condition) is not None:
                self.note(sample.function, "stateful")
                return False
        return True

    def fail(self, sample: Sample, key: str, details: list[dict], **values) -> None:
        """Fail the probe, unless the learner no longer answers the spec call itself correctly: then the
        function keeps state between calls, and this call is left out (see :meth:`skipping`)."""
        if not self.baseline_ok(sample, again=True):
            raise _Skip()
        _fail(MESSAGES[key], self.lang, self.details(sample, details), **values)

    @contextlib.contextmanager
    def skipping(self, function: str):
        """Around the check of one call: a call :meth:`fail` left out ends here."""
        try:
            yield
        except _Skip:
            pass

    def condition(self, args, kwargs) -> float:
        if self.probe.condition is not None:
            return self.probe.condition
        return max([1.0] + [magnitude(t) for t in _tensors((args, kwargs)) if t.is_floating_point()])

    def check(self) -> None:
        CHECKS[self.probe.kind](self)
        missing = [f for f in self.functions() if not self.checked.get(f)]
        if missing:
            function = missing[0]
            reason = self.unclear.get(function, "none")
            if function in self.raised:
                unwrap(self.raised[function])      # the learner's own error on the specs' calls: the test errs
            _fail(MESSAGES["unchecked_" + reason], self.lang, function=_display(function),
                  kind=KIND_NAMES[self.probe.kind][0], kind_ko=KIND_NAMES[self.probe.kind][1])

    def functions(self) -> list[str]:
        return probe_functions(self.kata, self.probe)

    def note(self, function: str, reason: str) -> None:
        self.unclear.setdefault(function, reason)

    def done(self, function: str) -> None:
        self.checked[function] = self.checked.get(function, 0) + 1

    def parameter(self, function: str, position: int | str) -> str:
        if isinstance(position, str):
            return position
        signature = self.promised.get(function)
        if signature is not None and position < len(signature.positional):
            return signature.positional[position]
        return f"#{position + 1}"

    def details(self, sample: Sample, extra: list[str] | None = None) -> list[dict]:
        """Public details: the spec call the probe started from (hidden probes show none)."""
        arguments = ", ".join([_short(a) for a in sample.args] + [f"{k}={_short(v)}" for k, v in sample.kwargs.items()])
        lines = [{"en": f"starting from the spec call {sample.function}({arguments})",
                  "ko": f"출발점이 된 스펙 호출: {sample.function}({arguments})"}]
        return lines + [d for d in (extra or [])]


# --- each kind ---------------------------------------------------------------------------------
# Each check walks the spec calls of each function; a call whose check is finished marks the function
# done. A failure is raised by run.fail(), which first makes sure the learner still answers the spec call
# itself correctly: if not, their function keeps state between calls, and the call is left out (noted).

def _check_unchanged(run: ProbeRun) -> None:
    for function in run.functions():
        samples = [s for s in run.samples(function) if _tensors((s.args, s.kwargs))]
        if not samples:
            run.note(function, "no_tensor_calls")
        for sample in samples:
            if not run.baseline_ok(sample, again=False):
                continue          # a wrong answer: whether the inputs survive says little
            with run.skipping(function):
                before = (protocol.decode(sample.call.args), protocol.decode(sample.call.kwargs))
                try:
                    got = run.learner(function, sample.args, sample.kwargs, probe="args")
                except LearnerError:
                    run.note(function, "raised")
                    continue
                want = run.reference(function, sample.args, sample.kwargs, probe="args")
                if not (isinstance(got, tuple) and len(got) == 3 and isinstance(got[1], list)
                        and isinstance(got[2], dict)):
                    _fail(MESSAGES["garbled"], run.lang, function=_display(function))
                leaves = [*_leaves(before[0], got[1], want[1]), *_leaves(before[1], got[2], want[2])]
                for where, old, mine, theirs in leaves:
                    if not isinstance(old, _torch().Tensor):
                        continue
                    fine = _same(old, mine) if _same(old, theirs) else compare(mine, theirs) is None
                    if not fine:
                        name = run.parameter(function, where[0]) + "".join(f"[{w!r}]" for w in where[1:])
                        _fail(MESSAGES["changed"], run.lang, run.details(sample), function=_display(function),
                              arg=name)
                run.done(function)


def _check_dtypes(run: ProbeRun) -> None:
    torch = _torch()
    for function in run.functions():
        samples = [s for s in run.samples(function) if any(t.is_floating_point() for t in _tensors((s.args, s.kwargs)))]
        if not samples:
            run.note(function, "no_float_calls")
        for sample in samples:
            if not run.baseline_ok(sample):
                continue
            with run.skipping(function):
                for name in run.probe.dtypes:
                    dtype = getattr(torch, name)
                    args, kwargs = _convert((sample.args, sample.kwargs), lambda t: t.to(dtype))
                    oracle = None if dtype == torch.float64 else \
                        run.reference(function, *_convert((args, kwargs), lambda t: t.to(torch.float64)))
                    want = run.reference(function, args, kwargs)
                    try:
                        got = run.learner(function, args, kwargs)
                    except LearnerError as exc:
                        run.fail(sample, "dtype_raised", _raised(exc), dtype=name, function=_display(function),
                                 type=exc.info.get("type", "Exception"))
                    problem = compare(got, want, oracle, condition=run.condition(args, kwargs))
                    if problem is not None:
                        key = "dtype_kept" if problem.kind == "dtype" else \
                            "dtype_values_float64" if dtype == torch.float64 else "dtype_values"
                        run.fail(sample, key, problem.details,
                                 dtype=name, function=_display(function), what=problem.what, got=problem.got,
                                 expected=problem.expected)
                run.done(function)


def _check_defaults(run: ProbeRun) -> None:
    any_default = False
    for function in run.functions():
        signature = run.promised.get(function)
        if signature is None:
            run.note(function, "no_signature")
            continue
        defaulted = [p for p in signature.positional + signature.keyword_only if p in signature.defaults]
        any_default = any_default or bool(defaulted)
        if all(_default_checked(run, function, signature, parameter) for parameter in defaulted):
            run.done(function)
    if not any_default:
        _fail(MESSAGES["no_defaults"], run.lang)


def _default_checked(run: ProbeRun, function: str, signature: Signature, parameter: str) -> bool:
    """Leave ``parameter`` out of the spec calls that passed it (or repeat those that already left it out)."""
    harness, name = _split(function)
    mine = None if harness else run.learners.get(name)
    samples = run.samples(function)
    passing = [s for s in samples if _passes(s, parameter, signature)]
    variants = [(s, *_omit(s, parameter, signature, mine)) for s in passing] or \
        [(s, s.args, s.kwargs, s.args, s.kwargs) for s in samples]
    if not variants:
        run.note(function, "none")
    checked = False
    default = signature.defaults[parameter]
    for sample, args, kwargs, ref_args, ref_kwargs in variants:
        if not run.baseline_ok(sample):
            continue
        with run.skipping(function):
            want = run.reference(function, ref_args, ref_kwargs)
            try:
                got = run.learner(function, args, kwargs)
            except LearnerError as exc:
                run.fail(sample, "default_missing" if _missing_argument(exc) else "default_raised",
                         _raised(exc), function=_display(function), param=parameter, default=default,
                         type=exc.info.get("type", "Exception"))
            problem = compare(got, want, condition=run.condition(ref_args, ref_kwargs))
            if problem is not None:
                run.fail(sample, "default_values", problem.details, function=_display(function), param=parameter,
                         default=default, what=problem.what)
            checked = True
    return checked


def _missing_argument(exc: LearnerError) -> bool:
    """Whether Python refused the call for a missing argument (a TypeError raised in the function's own
    code, e.g. `None + tensor` when the default is None, is not one: the advice would be false)."""
    message = str(exc.info.get("message", ""))
    return exc.info.get("type") == "TypeError" and "missing" in message and "required" in message


def _check_stability(run: ProbeRun) -> None:
    for function in run.functions():
        signature = run.promised.get(function)
        samples = run.samples(function)
        if not samples:
            run.note(function, "none")
        for sample in samples:
            targets = _offset_targets(sample, run.probe.args, signature)
            if not targets:
                run.note(function, "no_float_calls")
                continue
            if not run.baseline_ok(sample):
                continue
            with run.skipping(function):
                for offset in run.probe.offsets:
                    args, kwargs = _shifted(sample, targets, offset)
                    want = run.reference(function, args, kwargs)
                    oracle = run.reference(function, *_convert((args, kwargs), lambda t: t.double()))
                    names = ", ".join(run.parameter(function, t) for t in targets)
                    try:
                        got = run.learner(function, args, kwargs)
                    except LearnerError as exc:
                        run.fail(sample, "stability_raised", _raised(exc), function=_display(function), args=names,
                                 offset=f"{offset:g}", type=exc.info.get("type", "Exception"))
                    problem = compare(got, want, oracle, condition=run.condition(args, kwargs))
                    if problem is not None:
                        run.fail(sample, "stability", problem.details, function=_display(function), args=names,
                                 offset=f"{offset:g}", what=problem.what)
                run.done(function)


def _check_repeated(run: ProbeRun) -> None:
    for function in run.functions():
        samples = [s for s in run.samples(function) if run.baseline_ok(s, again=False)]
        if not samples:
            run.note(function, "none")
            continue
        for _ in (1, 2):                          # every call again, after the others
            for sample in samples:
                want = run.reference(function, sample.args, sample.kwargs)
                got = run.learner(function, sample.args, sample.kwargs)
                problem = compare(got, want, condition=run.condition(sample.args, sample.kwargs))
                if problem is not None:
                    _fail(MESSAGES["repeated"], run.lang, run.details(sample, problem.details),
                          function=_display(function), what=problem.what)
        # Read the first result again after a second call (of the same kind, if the specs made one: a buffer is
        # often reused only for the same shape): it must not be a tensor the function reuses.
        first = samples[0]
        second = next((s for s in run._found[function] if s is not first and _form(s) == _form(first)
                       and run.baseline_ok(s)), samples[-1])
        got = run.learner(function, [first.args, first.kwargs, second.args, second.kwargs], {}, probe="reread")
        if not (isinstance(got, tuple) and len(got) == 3):
            _fail(MESSAGES["garbled"], run.lang, function=_display(function))
        if not _same_values(got[0], got[1]):
            _fail(MESSAGES["reread"], run.lang, run.details(first), function=_display(function))
        run.done(function)


def _same_values(a: Any, b: Any) -> bool:
    """Exactly the same structure and values (tensors bit for bit, NaN equal to NaN)."""
    torch = _torch()
    if isinstance(a, torch.Tensor):
        return _same(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_values(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _check_device(run: ProbeRun, same_device: bool = False) -> None:
    from torchkata.simdevice import SECOND_DEVICE
    torch = _torch()
    kind = "same-device" if same_device else "device"
    prefix = "same_device" if same_device else "device"
    for function in run.functions():
        signature = run.promised.get(function)
        samples = run.samples(function)
        if not samples:
            run.note(function, "none")
        for sample in samples:
            if same_device:
                if not _tensors((sample.args, sample.kwargs)):
                    run.note(function, "no_tensor_calls")
                    continue
                args, kwargs = sample.args, sample.kwargs
            else:
                args, kwargs, moved = _on_second_device(sample, signature, torch.device(SECOND_DEVICE))
                if not moved:
                    run.note(function, "no_device_calls")
                    continue
            if not run.baseline_ok(sample):
                continue
            with run.skipping(function):
                values = dict(function=_display(function), device=SECOND_DEVICE)
                want = run.reference(function, args, kwargs, probe=kind)
                try:
                    got = run.learner(function, args, kwargs, probe=kind)
                except LearnerError as exc:
                    run.fail(sample, f"{prefix}_raised", _raised(exc), type=exc.info.get("type", "Exception"),
                             **values)
                if not (isinstance(got, tuple) and len(got) == 3):
                    _fail(MESSAGES["garbled"], run.lang, function=_display(function))
                place = _first_placement_difference(got[1], want[1])
                if place is not None:
                    run.fail(sample, f"{prefix}_place", [], what=place[0], got=place[1], expected=place[2], **values)
                if sorted(got[2]) != sorted(want[2]):
                    run.fail(sample, f"{prefix}_used", [], got=", ".join(sorted(got[2])) or "cpu",
                             expected=", ".join(sorted(want[2])) or "cpu", **values)
                problem = compare(got[0], want[0], condition=run.condition(args, kwargs))
                if problem is not None:
                    run.fail(sample, f"{prefix}_values", problem.details, what=problem.what, **values)
                run.done(function)


CHECKS: dict[str, Callable[[ProbeRun], None]] = {
    "unchanged": _check_unchanged, "dtypes": _check_dtypes, "defaults": _check_defaults,
    "stability": _check_stability, "repeated": _check_repeated, "device": _check_device,
    "same-device": lambda run: _check_device(run, same_device=True)}


# --- comparing results ---------------------------------------------------------------------------

@dataclass
class Difference:
    kind: str                 # "type", "shape", "dtype", "device", "length", "keys", "nonfinite", "values"
    what: str                 # where in the result: "" (all of it), "[1]", "['loss']"
    got: str = ""
    expected: str = ""
    details: list[dict] = field(default_factory=list)


def compare(got: Any, expected: Any, oracle: Any = None, condition: float = 1.0, what: str = ""
            ) -> Difference | None:
    """The first way ``got`` differs from ``expected`` (the reference's answer on the same inputs),
    or None. With ``oracle`` (the reference on float64 copies of the inputs), float values are held
    to it, within the tolerance of ``expected``'s dtype: a correct implementation's rounding, never
    the reference's."""
    torch = _torch()
    if isinstance(expected, torch.Tensor):
        if type(got) is not torch.Tensor:
            return Difference("type", what, type(got).__name__, "Tensor")
        if got.shape != expected.shape:
            return Difference("shape", what, str(tuple(got.shape)), str(tuple(expected.shape)))
        if got.dtype != expected.dtype:
            return Difference("dtype", what, str(got.dtype), str(expected.dtype))
        if got.device.type != expected.device.type:
            return Difference("device", what, str(got.device), str(expected.device))
        target = oracle if isinstance(oracle, torch.Tensor) and oracle.shape == expected.shape else expected
        return _values(got, expected, target, condition, what)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return None if got == expected and type(got) is type(expected) else \
            Difference("values", what, repr(got)[:80], repr(expected)[:80])
    if isinstance(expected, (int, float)):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return Difference("type", what, type(got).__name__, type(expected).__name__)
        reference = oracle if isinstance(oracle, (int, float)) and not isinstance(oracle, bool) else expected
        if isinstance(expected, int) and isinstance(reference, int):
            return None if got == reference else Difference("values", what, repr(got), repr(reference))
        if math.isnan(reference) or math.isinf(reference):
            same = (math.isnan(got) and math.isnan(reference)) or got == reference
            return None if same else Difference("values", what, repr(got), repr(reference))
        rtol, atol = tolerance(torch.float32, condition, abs(reference))
        if math.isfinite(got) and abs(got - reference) <= atol + rtol * abs(reference):
            return None
        shown = distinguishing_format(float(got), float(reference))
        return Difference("values", what, shown[0], shown[1])
    if isinstance(expected, (list, tuple)):
        if type(got) is not type(expected):
            return Difference("type", what, type(got).__name__, type(expected).__name__)
        if len(got) != len(expected):
            return Difference("length", what, str(len(got)), str(len(expected)))
        oracles = oracle if isinstance(oracle, (list, tuple)) and len(oracle) == len(expected) else [None] * len(got)
        for index, (g, e, o) in enumerate(zip(got, expected, oracles)):
            found = compare(g, e, o, condition, f"{what}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Difference("type", what, type(got).__name__, "dict")
        if sorted(map(str, got)) != sorted(map(str, expected)):
            return Difference("keys", what, str(sorted(map(str, got))), str(sorted(map(str, expected))))
        oracles = oracle if isinstance(oracle, dict) else {}
        for key in expected:
            found = compare(got[key], expected[key], oracles.get(key), condition, f"{what}[{key!r}]")
            if found is not None:
                return found
        return None
    return None if got == expected else Difference("values", what, repr(got)[:80], repr(expected)[:80])


def _values(got, expected, target, condition: float, what: str) -> Difference | None:
    torch = _torch()
    g, e, o = got.detach().cpu(), expected.detach().cpu(), target.detach().cpu()
    if not (e.is_floating_point() or e.is_complex()):
        same = g == e
        return None if bool(same.all()) else Difference("values", what, details=_count(~same))
    g64, e64, o64 = g.double(), e.double(), o.double()
    # Where the answer cannot be represented (overflow, NaN) a correct result may be what the reference gives.
    unrepresentable = ~torch.isfinite(o64) | ~torch.isfinite(e64)
    fine_there = (g64 == e64) | (torch.isnan(g64) & torch.isnan(e64)) | (g64 == o64) | (torch.isnan(g64) &
                                                                                          torch.isnan(o64))
    if bool((unrepresentable & ~fine_there).any()) or bool((~torch.isfinite(g64) & ~unrepresentable).any()):
        mask = (unrepresentable & ~fine_there) | (~torch.isfinite(g64) & ~unrepresentable)
        return Difference("nonfinite", what, details=_count(mask) + [_first(g64, o64, mask)])
    rtol, atol = tolerance(e.dtype, condition, magnitude(o64))
    both = torch.isfinite(e64) & torch.isfinite(o64)
    if target is not expected and bool(both.any()):
        # How hard these inputs are in this dtype: a correct implementation, the reference, is this far off.
        atol += REFERENCE_SLACK * float((e64 - o64).abs()[both].max())
    close = close_mask(g64, o64, rtol, atol) | unrepresentable
    if bool(close.all()):
        return None
    wrong = ~close
    errors = (g64 - o64).abs()[wrong]
    allowed = (atol + rtol * o64.abs())[wrong]
    worst = int(torch.argmax(errors / allowed))
    detail = {"en": f"largest error {float(errors[worst]):.3g} where {float(allowed[worst]):.3g} is allowed; "
                    f"{int(wrong.sum())} of {wrong.numel()} elements differ",
              "ko": f"가장 큰 오차는 {float(errors[worst]):.3g}이고 허용 오차는 {float(allowed[worst]):.3g}입니다. "
                    f"원소 {wrong.numel()}개 중 {int(wrong.sum())}개가 다릅니다"}
    return Difference("values", what, details=[detail, _first(g64, o64, wrong)])


def _count(mask) -> list[dict]:
    return [{"en": f"{int(mask.sum())} of {mask.numel()} elements differ",
             "ko": f"원소 {mask.numel()}개 중 {int(mask.sum())}개가 다릅니다"}]


def _first(got, expected, mask) -> dict:
    index = [int(i) for i in mask.nonzero()[0]] if mask.dim() else []
    a, b = got[tuple(index)].item(), expected[tuple(index)].item()
    shown = distinguishing_format(a, b) if all(math.isfinite(v) for v in (a, b)) else (repr(a), repr(b))
    return {"en": f"first difference at index {index}: got {shown[0]}, expected {shown[1]}",
            "ko": f"처음으로 다른 위치는 인덱스 {index}입니다. 결과는 {shown[0]}, 기댓값은 {shown[1]}입니다"}


def _same(a, b) -> bool:
    """Exactly the same tensor values (NaN equal to NaN), dtype and shape."""
    torch = _torch()
    if not isinstance(b, torch.Tensor) or a.dtype != b.dtype or a.shape != b.shape:
        return False
    a, b = a.detach().cpu(), b.detach().cpu()
    if a.is_floating_point() or a.is_complex():
        return bool(((a == b) | (torch.isnan(a) & torch.isnan(b))).all())
    return bool((a == b).all())


def _first_placement_difference(got, expected, what: str = ""):
    if isinstance(expected, str) or expected is None:
        return None if got == expected else (what, str(got), str(expected))
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(expected):
        for index, (g, e) in enumerate(zip(got, expected)):
            found = _first_placement_difference(g, e, f"{what}[{index}]")
            if found:
                return found
        return None
    if isinstance(expected, dict) and isinstance(got, dict) and set(got) == set(expected):
        for key in expected:
            found = _first_placement_difference(got[key], expected[key], f"{what}[{key!r}]")
            if found:
                return found
        return None
    return None     # a structure that differs: the values' comparison names it


# --- changing a call's arguments -----------------------------------------------------------------

def _torch():
    import torch
    return torch


def _form(sample: Sample) -> tuple:
    """What kind of call a sample is: its arguments' shapes and dtypes, and its other arguments."""
    torch = _torch()

    def form(value):
        if isinstance(value, torch.Tensor):
            return ("tensor", tuple(value.shape), str(value.dtype))
        if isinstance(value, (list, tuple)):
            return tuple(form(v) for v in value)
        if isinstance(value, dict):
            return tuple(sorted((str(k), form(v)) for k, v in value.items()))
        return repr(value)[:40]
    return form(sample.args), form(sample.kwargs)


def _split(function: str) -> tuple[bool, str]:
    return (True, function[len("harness."):]) if function.startswith("harness.") else (False, function)


def _display(function: str) -> str:
    """How a message names a function: a harness driver by its own name (named after the learner's function
    it calls), never by the internal "harness." prefix."""
    return f"{_split(function)[1]}()"


def _tensors(value: Any) -> list:
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _convert(value: Any, change: Callable) -> Any:
    """``value`` with every float tensor replaced by ``change(tensor)`` (keeping requires_grad)."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        if not value.is_floating_point():
            return value
        changed = change(value.detach())
        return changed.requires_grad_(True) if value.requires_grad else changed
    if isinstance(value, list):
        return [_convert(v, change) for v in value]
    if isinstance(value, tuple):
        return tuple(_convert(v, change) for v in value)
    if isinstance(value, dict):
        return {k: _convert(v, change) for k, v in value.items()}
    return value


def _leaves(before, mine, theirs, where: tuple = ()):
    """(path, before, learner's after, reference's after) for every value in a structure of arguments."""
    if isinstance(before, (list, tuple)):
        for index, item in enumerate(before):
            yield from _leaves(item, _at(mine, index), _at(theirs, index), where + (index,))
    elif isinstance(before, dict):
        for key, item in before.items():
            yield from _leaves(item, _at(mine, key), _at(theirs, key), where + (key,))
    else:
        yield where, before, mine, theirs


def _at(container, key):
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return None


def _passes(sample: Sample, parameter: str, signature: Signature) -> bool:
    if parameter in sample.kwargs:
        return True
    return parameter in signature.positional and signature.positional.index(parameter) < len(sample.args)


def _omit(sample: Sample, parameter: str, promised: Signature, learners: Signature | None):
    """The call without ``parameter``: (learner's args, kwargs, reference's args, kwargs). Arguments after
    it are passed by name: the learner's own names (from their source), the stub's for the reference."""
    if parameter in sample.kwargs:
        kwargs = {k: v for k, v in sample.kwargs.items() if k != parameter}
        return list(sample.args), kwargs, list(sample.args), dict(kwargs)
    position = promised.positional.index(parameter)
    later = list(enumerate(sample.args))[position + 1:]
    names = learners.positional if learners is not None and len(learners.positional) > position + len(later) \
        else promised.positional
    mine = {**sample.kwargs, **{names[i]: value for i, value in later}}
    theirs = {**sample.kwargs, **{promised.positional[i]: value for i, value in later}}
    return list(sample.args[:position]), mine, list(sample.args[:position]), theirs


def _offset_targets(sample: Sample, names: tuple[str, ...], signature: Signature | None) -> list:
    """Positions (ints) or keywords (strs) of the float tensor arguments a stability probe shifts."""
    torch = _torch()

    def floating(value) -> bool:
        return isinstance(value, torch.Tensor) and value.is_floating_point()
    if names:
        targets = []
        for name in names:
            if name in sample.kwargs and floating(sample.kwargs[name]):
                targets.append(name)
            elif signature is not None and name in signature.positional:
                index = signature.positional.index(name)
                if index < len(sample.args) and floating(sample.args[index]):
                    targets.append(index)
        return targets
    first = next((i for i, a in enumerate(sample.args) if floating(a)), None)
    if first is not None:
        return [first]
    return [next(k for k, v in sample.kwargs.items() if floating(v))] if any(map(floating, sample.kwargs.values())) \
        else []


def _shifted(sample: Sample, targets: list, offset: float) -> tuple[list, dict]:
    args, kwargs = list(sample.args), dict(sample.kwargs)
    for target in targets:
        holder = kwargs if isinstance(target, str) else args
        value = holder[target]
        holder[target] = _convert(value, lambda t: t + offset)
    return args, kwargs


def _on_second_device(sample: Sample, signature: Signature | None, device) -> tuple[list, dict, bool]:
    """The call with its device arguments (torch.device values, and the parameter named `device`) on
    the simulated second device; whether there was one."""
    torch = _torch()
    moved = False

    def swap(value):
        nonlocal moved
        if isinstance(value, torch.device):
            moved = True
            return device
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(swap(v) for v in value)
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value
    args, kwargs = swap(list(sample.args)), swap(dict(sample.kwargs))
    if isinstance(kwargs.get("device"), str):
        kwargs["device"], moved = device, True
    if signature is not None and "device" in signature.positional:
        index = signature.positional.index("device")
        if index < len(args) and isinstance(args[index], str):
            args[index], moved = device, True
    return args, kwargs, moved


def _short(value: Any, limit: int = 60) -> str:
    torch = _torch()
    if isinstance(value, torch.Tensor):
        text = f"tensor(shape={tuple(value.shape)}, dtype={str(value.dtype).removeprefix('torch.')})"
        return text if value.numel() > 8 else repr(value.detach()).replace("\n", " ")[:limit * 2]
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _raised(exc: LearnerError) -> list[dict]:
    message = str(exc.info.get("message", ""))[:300]
    kind = exc.info.get("type", "Exception")
    return [{"en": f"your code raised {kind}: {message}", "ko": f"코드에서 {kind} 예외가 발생했습니다: {message}"}]


# --- messages ----------------------------------------------------------------------------------

MESSAGES: dict[str, dict[str, str]] = {
    # {what} is where in the result the difference is: "" (the whole result), "[1]", "['loss']"
    "changed": {
        "en": "{function} changed its argument `{arg}` in place: leave the caller's tensors as they were and compute "
              "new ones (`x = x - m`, not `x -= m` or `x.sub_(m)`)",
        "ko": "{function} 함수가 인자 `{arg}`를 제자리에서(in-place) 바꿨습니다. 호출한 쪽의 텐서는 그대로 두고 새 "
              "텐서를 계산하세요 (`x -= m`이나 `x.sub_(m)`이 아니라 `x = x - m`)"},
    "garbled": {"en": "the process running {function} sent an answer the grader does not understand",
                "ko": "{function} 함수를 실행한 프로세스가 채점기가 이해할 수 없는 답을 보냈습니다"},
    "dtype_kept": {
        "en": "given {dtype} inputs, {function} returned the result{what} as {got} instead of {expected}: keep the "
              "input's dtype (no .float(); make new tensors with dtype=x.dtype or torch.zeros_like(x))",
        "ko": "{dtype} 입력을 받은 {function} 함수가 입력의 dtype을 유지하지 않았습니다. 기댓값은 {expected}인데 "
              "결과{what}의 dtype은 {got}입니다. 입력의 dtype을 유지하세요 (.float()를 쓰지 말고, 새 텐서는 dtype=x.dtype이나 torch.zeros_like(x)로 만드세요)"},
    "dtype_values": {
        "en": "given {dtype} inputs, {function} returned wrong values in the result{what}: compute in the input's "
              "dtype with torch operations that support it",
        "ko": "{dtype} 입력을 받은 {function} 함수의 결과{what} 값이 틀렸습니다. 입력의 dtype 그대로, 그 dtype을 "
              "지원하는 torch 연산으로 계산하세요"},
    "dtype_values_float64": {     # float64's tolerance is far tighter than float32's: a small slip shows here
        "en": "given float64 inputs, {function} returned wrong values in the result{what}: compute in the input's "
              "dtype with torch operations that support it. If it already does, look for a small slip in the "
              "formula (a constant in another place): float64's tighter tolerance shows what float32's lets pass",
        "ko": "float64 입력을 받은 {function} 함수의 결과{what} 값이 틀렸습니다. 입력의 dtype 그대로, 그 dtype을 "
              "지원하는 torch 연산으로 계산하세요. 이미 그렇게 한다면 식에 작은 실수가 없는지(상수가 다른 자리에 "
              "있는지) 확인하세요. float64는 허용 오차가 훨씬 작아서 float32에서는 넘어가는 차이도 드러납니다"},
    "dtype_raised": {
        "en": "given {dtype} inputs, {function} raised {type}: it must work for {dtype} tensors too",
        "ko": "{dtype} 입력을 받은 {function} 함수에서 {type} 예외가 발생했습니다. {dtype} 텐서에서도 동작해야 "
              "합니다"},
    "default_missing": {
        "en": "{function} called without `{param}` raised TypeError: give the parameter its default in the "
              "signature, `{param}={default}`",
        "ko": "`{param}` 없이 호출한 {function} 함수에서 TypeError가 발생했습니다. 함수 정의에서 이 매개변수에 "
              "기본값 `{param}={default}`를 주세요"},
    "default_raised": {
        "en": "{function} called without `{param}` (its default is `{param}={default}`) raised {type}",
        "ko": "`{param}` 없이 호출한 {function} 함수에서 {type} 예외가 발생했습니다 (기본값은 `{param}={default}`"
              "입니다)"},
    "default_values": {
        "en": "{function} called without `{param}` does not give what it gives with `{param}={default}`, the "
              "prompt's default (the result{what} differs): give the parameter that default",
        "ko": "`{param}` 없이 호출한 {function} 함수의 결과가 문제에 나온 기본값 `{param}={default}`로 호출한 "
              "결과와 다릅니다(결과{what}). 매개변수의 기본값을 `{default}`로 하세요"},
    "no_defaults": {"en": "this probe found no function with a default argument in the stub",
                    "ko": "이 검사가 스텁에서 기본값 인자가 있는 함수를 찾지 못했습니다"},
    "stability": {
        "en": "{function} is not accurate for inputs far from zero ({args} + {offset}): the result{what} is wrong. "
              "Use a numerically stable formulation (no cancellation of large terms, no exp of large numbers)",
        "ko": "0에서 멀리 떨어진 입력({args} + {offset})에서 {function} 함수의 결과{what}가 정확하지 않습니다. "
              "수치적으로 안정적인 방법으로 계산하세요 (큰 항끼리 빼서 상쇄되거나 큰 수에 exp를 취하지 않도록)"},
    "stability_raised": {
        "en": "{function} raised {type} for inputs far from zero ({args} + {offset})",
        "ko": "0에서 멀리 떨어진 입력({args} + {offset})에서 {function} 함수가 {type} 예외를 냈습니다"},
    "repeated": {
        "en": "{function} called again with the same inputs, after other calls, does not give the same answer (the "
              "result{what} differs): keep no state between calls (no caches, globals or counters that change the "
              "result)",
        "ko": "다른 호출을 한 뒤 같은 입력으로 {function} 함수를 다시 호출하니 결과{what}가 달라졌습니다. 호출 "
              "사이에 상태를 남기지 마세요 (결과를 바꾸는 캐시, 전역 변수, 카운터 금지)"},
    "reread": {
        "en": "{function}'s result changed when {function} was called again: it returns a tensor it reuses (a "
              "buffer kept between calls, or written with out=). Return a new tensor from every call",
        "ko": "{function} 함수를 다시 호출하니 앞서 돌려준 결과가 바뀌었습니다. 호출 사이에 다시 쓰는 텐서(남겨 둔 "
              "버퍼나 out=으로 쓴 텐서)를 돌려준다는 뜻입니다. 호출할 때마다 새 텐서를 돌려주세요"},
    "device_raised": {
        "en": "given device={device} (a second device the grader simulates on the CPU), {function} raised {type}: "
              "create and move every tensor with the `device` argument, never a fixed \"cuda\" or the machine's "
              "device",
        "ko": "device={device}(채점기가 CPU에서 흉내 내는 두 번째 디바이스)를 받은 {function} 함수에서 {type} "
              "예외가 발생했습니다. 모든 텐서는 인자로 받은 `device`로 만들고 옮기세요. \"cuda\"나 이 컴퓨터의 "
              "디바이스를 직접 쓰면 안 됩니다"},
    "device_place": {
        "en": "given device={device} (a second device the grader simulates on the CPU), {function} returned the "
              "result{what} on {got} instead of {expected}: use the `device` argument, never a fixed \"cuda\" or "
              "the machine's device",
        "ko": "device={device}(채점기가 CPU에서 흉내 내는 두 번째 디바이스)를 받은 {function} 함수의 결과{what}는 "
              "{expected}에 있어야 하는데 {got}에 있습니다. 인자로 받은 `device`를 쓰세요. \"cuda\"나 이 컴퓨터의 "
              "디바이스를 직접 쓰면 안 됩니다"},
    "device_used": {
        "en": "given device={device} (a second device the grader simulates on the CPU), {function} computed on "
              "{got} instead of {expected}: do the work on the `device` argument",
        "ko": "device={device}(채점기가 CPU에서 흉내 내는 두 번째 디바이스)를 받은 {function} 함수가 {expected}에서 "
              "계산해야 하는데 {got}에서 계산했습니다. 인자로 받은 `device`에서 계산하세요"},
    "device_values": {
        "en": "given device={device} (a second device the grader simulates on the CPU), {function} returned wrong "
              "values in the result{what}",
        "ko": "device={device}(채점기가 CPU에서 흉내 내는 두 번째 디바이스)를 받은 {function} 함수의 결과{what} "
              "값이 틀렸습니다"},
    "same_device_raised": {
        "en": "given inputs on another device ({device}, simulated by the grader on the CPU), {function} raised "
              "{type}: make every new tensor on the input's device (device=x.device, torch.zeros_like(x))",
        "ko": "다른 디바이스({device}, 채점기가 CPU에서 흉내 냄)에 있는 입력을 받은 {function} 함수에서 {type} "
              "예외가 발생했습니다. 새 텐서는 모두 입력과 같은 디바이스에 만드세요 (device=x.device, "
              "torch.zeros_like(x))"},
    "same_device_place": {
        "en": "given inputs on another device ({device}, simulated by the grader on the CPU), {function} returned "
              "the result{what} on {got} instead of {expected}: keep results on the input's device",
        "ko": "다른 디바이스({device}, 채점기가 CPU에서 흉내 냄)에 있는 입력을 받은 {function} 함수의 결과{what}는 "
              "{expected}에 있어야 하는데 {got}에 있습니다. 결과는 입력과 같은 디바이스에 두세요"},
    "same_device_used": {
        "en": "given inputs on another device ({device}, simulated by the grader on the CPU), {function} computed "
              "on {got} instead of {expected}: compute where the inputs are",
        "ko": "다른 디바이스({device}, 채점기가 CPU에서 흉내 냄)에 있는 입력을 받은 {function} 함수가 {expected}에서 "
              "계산해야 하는데 {got}에서 계산했습니다. 입력이 있는 디바이스에서 계산하세요"},
    "same_device_values": {
        "en": "given inputs on another device ({device}, simulated by the grader on the CPU), {function} returned "
              "wrong values in the result{what}",
        "ko": "다른 디바이스({device}, 채점기가 CPU에서 흉내 냄)에 있는 입력을 받은 {function} 함수의 결과{what} "
              "값이 틀렸습니다"},
    "unchecked_wrong": {
        "en": "could not check {kind}: {function} raised or gave wrong results on the specs' own inputs. Fix the "
              "failing specs first",
        "ko": "{kind} 검사를 할 수 없었습니다. {function} 함수가 스펙의 입력에서부터 예외를 내거나 틀린 결과를 "
              "냈습니다. 실패한 스펙부터 고치세요"},
    "unchecked_stateful": {
        "en": "could not check {kind}: {function} called again with the same inputs gave a different answer, so it "
              "keeps state between calls. Make each call depend on its arguments only",
        "ko": "{kind} 검사를 할 수 없었습니다. 같은 입력으로 {function} 함수를 다시 호출하니 답이 달라졌습니다. 호출 "
              "사이에 상태를 남기고 있다는 뜻입니다. 각 호출의 결과가 인자에만 달려 있게 하세요"},
    "unchecked_raised": {
        "en": "could not check {kind}: {function} raised on the specs' own inputs. Fix the failing specs first",
        "ko": "{kind} 검사를 할 수 없었습니다. {function} 함수가 스펙의 입력에서 예외를 냈습니다. 실패한 스펙부터 "
              "고치세요"},
    "unchecked_none": {
        "en": "could not check {kind}: the specs made no call of {function} to start from",
        "ko": "{kind} 검사를 할 수 없었습니다. 출발점이 될 {function} 호출이 스펙에 없습니다"},
    "unchecked_no_tensor_calls": {
        "en": "could not check {kind}: the specs made no call of {function} with a tensor argument",
        "ko": "{kind} 검사를 할 수 없었습니다. 스펙에 텐서 인자로 {function} 함수를 호출한 경우가 없습니다"},
    "unchecked_no_float_calls": {
        "en": "could not check {kind}: the specs made no call of {function} with a float tensor argument",
        "ko": "{kind} 검사를 할 수 없었습니다. 스펙에 실수 텐서 인자로 {function} 함수를 호출한 경우가 없습니다"},
    "unchecked_no_device_calls": {
        "en": "could not check {kind}: the specs made no call of {function} with a device argument",
        "ko": "{kind} 검사를 할 수 없었습니다. 스펙에 device 인자로 {function} 함수를 호출한 경우가 없습니다"},
    "unchecked_no_signature": {
        "en": "could not check {kind}: {function} is not defined in the stub",
        "ko": "{kind} 검사를 할 수 없었습니다. 스텁에 {function} 함수가 정의되어 있지 않습니다"},
}


def _fail(message: dict[str, str], lang: str, details: list[dict] | None = None, **values) -> None:
    from torchkata.spec import SpecFailure
    headline = {l: text.format(**{k: (values.get(k + "_ko", v) if l == "ko" else v) for k, v in values.items()})
                for l, text in message.items()}
    raise SpecFailure(headline, details or [])
