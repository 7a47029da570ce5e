"""Every sentence of a prompt is a test: what `kata validate` checks of a kata's ``[[requires]]``.

A kata that declares requirements (or a ``[context]`` table, even an empty one: the way to start
filling a kata in) is held to all of this; one with neither only gets a warning, until it is filled in:

- each requirement quotes the prompt's own words, in every language, at exactly one place;
- every sentence of the prompt (each language on its own) holds a requirement's words, or words
  quoted in ``[context]`` (a sentence that explains and requires nothing), so a sentence added
  to the prompt without a test fails validation;
- every test a requirement names exists (``file.py::test_name``, any parametrisation, or
  ``forbidden`` for the rule "uses no forbidden API" where the kata forbids something);
- a defaults probe reads the stub's signature: the stub and the reference must promise the same
  parameters and defaults;
- each probe catches its violation: a synthetic wrong solution (the reference, wrapped to break
  the property: :data:`VIOLATIONS`) loses points in one of the requirement's tests or probes,
  and a probe that catches it does so by the property, not by "could not check".
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from torchkata.catalogue import FORBIDDEN_TEST, Kata, Probe, Requirement
from torchkata.learner_files import Submission
from torchkata.probes import kata_signatures, probe_functions, signatures

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.")
_WORDS = re.compile(r"[A-Za-z\uac00-\ud7a3]{2,}")


# --- the prompt's sentences ----------------------------------------------------------------------

def normalise(text: str) -> str:
    return " ".join(text.split())


def sentences(prompt: str) -> tuple[str, list[tuple[int, int]]]:
    """The prompt with its whitespace collapsed, and the (start, end) of each sentence in it.

    Paragraphs are separated by blank lines; a paragraph indented by four or more spaces (a
    formula, an example) is one sentence; prose splits after '.', '!' or '?' followed by a space
    (not after "e.g." and the like). A "sentence" with no word in it (a list number) is left out.
    """
    text, spans = "", []
    for block in re.split(r"\n[ \t]*\n", prompt.strip("\n")):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        flat = normalise(" ".join(lines))
        code = all(len(line) - len(line.lstrip()) >= 4 for line in lines)
        for part in [flat] if code else _split(flat):
            text += " " if text else ""
            if _WORDS.search(part):
                spans.append((len(text), len(text) + len(part)))
            text += part
    return text, spans


def _split(paragraph: str) -> list[str]:
    parts, current = [], ""
    for piece in _SENTENCE_END.split(paragraph):
        current = f"{current} {piece}" if current else piece
        if not current.endswith(_ABBREVIATIONS):
            parts.append(current)
            current = ""
    return parts + ([current] if current else [])


def _places(text: str, fragment: str) -> list[int]:
    found, start = [], text.find(fragment)
    while start >= 0:
        found.append(start)
        start = text.find(fragment, start + 1)
    return found


def prompt_coverage(kata: Kata, languages: tuple[str, ...]) -> list[str]:
    """What is wrong with the requirements' and context's quotes of the prompt (empty: all is well)."""
    problems = []
    for lang in languages:
        text, spans = sentences(kata.prompt.get(lang))
        quoted: list[tuple[int, int]] = []
        fragments = [(f"requires[{r.index}].{lang}", r.text.get(lang)) for r in kata.requires] + \
            [(f"context.{lang}[{i}]", f) for i, f in enumerate(kata.context.get(lang, ()))]
        for field, fragment in fragments:
            words = normalise(fragment)
            places = _places(text, words)
            if len(places) != 1:
                problems.append(f"{field} {_quote(words)} is " + ("not in the prompt (quote its own words)"
                                if not places else f"in the prompt {len(places)} times (quote enough to "
                                                   "point at one place)"))
                continue
            quoted.append((places[0], places[0] + len(words)))
        for start, end in spans:
            if not any(a < end and start < b for a, b in quoted):
                problems.append(f"prompt.{lang}: the sentence {_quote(text[start:end])} is neither a requirement "
                                "([[requires]]) nor quoted in [context]")
    return problems


def _quote(text: str, limit: int = 70) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# --- the tests the requirements name -------------------------------------------------------------

def missing_tests(kata: Kata, planned: list) -> list[str]:
    """The requirements' test names that match no spec test of the kata."""
    known = [(_spec_file(kata, p.file), p.name) for p in planned if p.title is None]
    missing = []
    for requirement in kata.requires:
        for test in requirement.tests:
            if test == FORBIDDEN_TEST:
                if not kata.forbidden:
                    missing.append(f"requires[{requirement.index}]: {test!r} names the forbidden-API rule, but the "
                                   "kata forbids nothing")
                continue
            file, name = test.split("::", 1)
            if not any(f == file and (n == name or ("[" not in name and n.split("[")[0] == name))
                       for f, n in known):
                missing.append(f"requires[{requirement.index}]: no spec test {test!r} in {kata.specs}")
    return missing


def unknown_functions(kata: Kata) -> list[str]:
    """The functions probes name that neither the stub nor the harness defines."""
    known = kata_signatures(kata)
    return [f"requires[{r.index}]: the probe {p.kind!r} names {f!r}, which the "
            f"{'harness' if f.startswith('harness.') else 'stub'} does not define"
            for r in kata.requires for p in r.probes for f in p.functions if f not in known]


def _spec_file(kata: Kata, course_relative: str) -> str:
    path = kata.folder.parent.parent / course_relative
    try:
        return Path(os.path.relpath(path, kata.specs)).as_posix()
    except ValueError:
        return course_relative


def signature_problems(kata: Kata) -> list[str]:
    """A defaults probe reads the stub: the stub and the reference must promise the same signatures."""
    if kata.reference is None or not any(p.kind == "defaults" for r in kata.requires for p in r.probes):
        return []
    stub = signatures(kata.stub.read_text(encoding="utf-8"))
    reference = signatures(kata.reference.read_text(encoding="utf-8"))
    problems = []
    for name, promised in stub.items():
        actual = reference.get(name)
        if actual is None:
            problems.append(f"{name}: in the stub, not in the reference")
        elif (promised.positional, promised.keyword_only, promised.defaults) != \
                (actual.positional, actual.keyword_only, actual.defaults):
            problems.append(f"{name}: the stub's parameters {_describe(promised)} differ from the reference's "
                            f"{_describe(actual)}")
    return problems


def _describe(signature) -> str:
    parts = [p + (f"={signature.defaults[p]}" if p in signature.defaults else "") for p in signature.positional]
    parts += [f"*, {p}" + (f"={signature.defaults[p]}" if p in signature.defaults else "")
              for p in signature.keyword_only]
    return "(" + ", ".join(parts) + ")"


# --- synthetic violations: does each probe catch what it is for? ----------------------------------

@dataclass(frozen=True)
class Violation:
    kind: str
    description: str       # what the synthetic wrong solution does
    wrapper: str           # the body of the wrapper made around each function (see _WRAPPER)


_HELPERS = '''
def __torchkata_tensors(value):
    import torch
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in __torchkata_tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in __torchkata_tensors(v)]
    return []


def __torchkata_map(value, change):
    import torch
    if isinstance(value, torch.Tensor):
        return change(value)
    if isinstance(value, (list, tuple)):
        return type(value)(__torchkata_map(v, change) for v in value)
    if isinstance(value, dict):
        return {k: __torchkata_map(v, change) for k, v in value.items()}
    return value
'''

_WRAPPER = '''

# --- a synthetic wrong solution made by `kata validate`: {description} ---
{helpers}

def __torchkata_violating(function, name, defaults, shifted):
    import functools, inspect, torch
    signature = inspect.signature(function)
    seen = {{}}

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
{body}
    return wrapper


for __torchkata_name, (__torchkata_defaults, __torchkata_shifted) in {names!r}.items():
    globals()[__torchkata_name] = __torchkata_violating(globals()[__torchkata_name], __torchkata_name,
                                                        __torchkata_defaults, __torchkata_shifted)
'''

VIOLATIONS = {
    "unchanged": Violation("unchanged", "changes its tensor arguments in place", '''\
        result = function(*args, **kwargs)
        with torch.no_grad():
            for t in __torchkata_tensors((args, kwargs)):
                t.data.logical_not_() if t.dtype == torch.bool else t.data.add_(1)
        return result'''),
    "dtypes": Violation("dtypes", "returns float32 whatever the input's dtype", '''\
        result = function(*args, **kwargs)
        return __torchkata_map(result, lambda t: t.float() if t.is_floating_point() else t)'''),
    "defaults": Violation("defaults", "has no default for its default arguments", '''\
        bound = signature.bind_partial(*args, **kwargs)
        for parameter in defaults:
            if parameter not in bound.arguments:
                raise TypeError(f"{name}() missing 1 required positional argument: '{parameter}'")
        return function(*args, **kwargs)'''),
    "stability": Violation("stability", "loses accuracy as its inputs grow beyond 100, as E[x^2] - E[x]^2 and "
                           "exp(x) do", '''\
        bound = signature.bind(*args, **kwargs)
        names = list(shifted) or [next((p for p, v in bound.arguments.items()
                                        if isinstance(v, torch.Tensor) and v.is_floating_point()), None)]
        for parameter in names:
            x = bound.arguments.get(parameter)
            if isinstance(x, torch.Tensor) and x.is_floating_point() and x.numel():
                size = float(x.detach().abs().nan_to_num(0, 0, 0).max())
                pattern = torch.ones(x.numel(), dtype=x.dtype, device=x.device)
                pattern[::2] = -1
                noise = torch.finfo(x.dtype).eps * max(size - 100.0, 0.0) ** 2
                bound.arguments[parameter] = x + noise * pattern.reshape(x.shape)
        return function(*bound.args, **bound.kwargs)'''),
    "repeated": Violation("repeated", "keeps a count of the calls with the same inputs and adds it to its result",
                          '''\
        key = repr([(tuple(t.shape), t.detach().cpu().flatten().tolist()) for t in __torchkata_tensors((args, kwargs))]
                   + [repr(v) for v in list(args) + list(kwargs.values()) if not isinstance(v, torch.Tensor)])
        count = seen.get(key, 0)
        seen[key] = count + 1
        result = function(*args, **kwargs)
        if isinstance(result, float):
            return result + count
        return __torchkata_map(result, lambda t: t + count if t.is_floating_point() else t)'''),
    "device": Violation("device", "ignores its device argument and computes on the CPU", '''\
        def cpu(value):
            if isinstance(value, torch.device):
                return torch.device("cpu")
            if isinstance(value, (list, tuple)):
                return type(value)(cpu(v) for v in value)
            return value
        args = [cpu(a) for a in args]
        kwargs = {k: ("cpu" if k == "device" else cpu(v)) for k, v in kwargs.items()}
        return function(*args, **kwargs)'''),
    "same-device": Violation("same-device", "returns its result on the CPU, wherever the inputs are", '''\
        result = function(*args, **kwargs)
        return __torchkata_map(result, lambda t: t.cpu())'''),
}


def violation_source(kata: Kata, probe: Probe) -> str:
    """The reference, with each function the probe checks wrapped to break the property."""
    reference = kata.reference.read_text(encoding="utf-8")
    stub = signatures(kata.stub.read_text(encoding="utf-8"))
    names = [f for f in probe_functions(kata, probe) if not f.startswith("harness.")] or list(stub)
    table = {name: (sorted(stub[name].defaults) if name in stub else [], list(probe.args)) for name in names}
    violation = VIOLATIONS[probe.kind]
    return reference + _WRAPPER.format(description=violation.description, helpers=_HELPERS, body=violation.wrapper,
                                       names=table)


def violation_checks(kata: Kata, grader, requirement: Requirement):
    """(check name, caught, detail) for each probe of ``requirement``: graded against its violation."""
    from torchkata.engine import Options
    for probe in requirement.probes:
        violation = VIOLATIONS[probe.kind]
        source = violation_source(kata, probe)
        submission = Submission(kata.reference, f"violation of {probe.kind}", source.encode("utf-8"), source)
        result = grader.grade([(kata, submission)], Options(diagnose=False))[0]
        name = f"requires[{requirement.index}] catches a solution that {violation.description}"
        if isinstance(result, Exception):
            yield name, False, str(result)
            continue
        caught = [t for t in result.tests if t.status != "passed" and _belongs(t, kata, requirement)
                  and not t.message.startswith("could not check")]
        yield name, bool(caught), ("caught by " + ", ".join(sorted({t.name for t in caught}))[:200] if caught else
                                   "no test or probe of this requirement fails it")


def _belongs(test, kata: Kata, requirement: Requirement) -> bool:
    """Whether a result is one of the requirement's tests or probes."""
    if test.file.endswith("kata.toml"):
        return test.line == max(requirement.line, 1) or test.name.startswith(requirement.text.en)
    for wanted in requirement.tests:
        if wanted == FORBIDDEN_TEST:
            continue
        file, name = wanted.split("::", 1)
        if _spec_file(kata, test.file) == file and (test.name == name or test.name.split("[")[0] == name):
            return True
    return False


# --- the checks, as `kata validate` reports them --------------------------------------------------

def check_requirements(kata: Kata, grader, report) -> None:
    """Add the requirement checks of ``kata`` to ``report`` (a :class:`torchkata.validate.KataReport`)."""
    languages = ("en", "ko") if kata.prompt.ko else ("en",)
    if not kata.requires and not kata.context:
        report.add("requirements", False, "no [[requires]] yet: list the prompt's requirements and the tests that "
                   "check them (docs/authoring.md)", warning=True)
        return
    coverage = prompt_coverage(kata, languages)
    report.add("every sentence of the prompt is a requirement or context", not coverage,
               "; ".join(coverage) if coverage else
               f"{len(kata.requires)} requirements, {sum(len(v) for v in kata.context.values())} context quotes")
    plan = grader.plugin.plans.get(kata.slug)
    missing = missing_tests(kata, plan.tests if plan is not None else []) + unknown_functions(kata)
    report.add("requirements name existing tests", not missing, "; ".join(missing) or
               f"{sum(len(r.tests) for r in kata.requires)} tests, {sum(len(r.probes) for r in kata.requires)} probes")
    signature = signature_problems(kata)
    if signature:
        report.add("stub and reference promise the same signatures", False, "; ".join(signature))
    for requirement in kata.requires:
        for name, caught, detail in violation_checks(kata, grader, requirement):
            report.add(name, caught, detail)
