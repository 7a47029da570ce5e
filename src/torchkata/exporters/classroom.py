"""The GitHub Classroom grader result, as classroom-resources/autograding-grading-reporter reads it.

The reporter takes a list of runner names and, for each, the environment variable
``<NAME>_RESULTS``: base64 of ``{"version": 1, "status", "max_score", "tests": [...]}``. It
prints every test's name (and, for an error, its message) to the job's log, shows a table
whose score for a runner is ``passed tests / tests * max_score``, and reports to Classroom
the sum of the tests' ``score`` over the sum of the runners' ``max_score``.

What this module guarantees, whatever text a learner's code produced:

- **One runner per kata**, named by :func:`runner_names` (letters and digits, as the
  reporter's input check wants). Each is its own environment variable, so no learner's result
  comes near the 131,072 bytes Linux allows one variable: each stays under
  :data:`RUNNER_BUDGET` (messages shortened first, then tests grouped), and all of them
  together under :data:`TOTAL_BUDGET`.
- **The table adds up to the points.** Within a runner every entry weighs the same (a test
  worth 3 points is three entries of 1), so the table's ``passed / total * max_score`` is the
  sum of the scores Classroom records, for every pattern of passes and failures.
- **The same maximum for every learner**: a runner's ``max_score`` is the kata's points as
  graded (the public points in a released course, started or not).
- **No text can act on the log**: every field is one line, without control characters, that
  cannot start a workflow command (:func:`torchkata.exporters.text.one_line`).

``render`` writes one ``name=value`` line per runner, ready to append to ``$GITHUB_OUTPUT``.
"""
from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from torchkata.batch import LearnerResult
from torchkata.exporters.text import one_line
from torchkata.results import KataResult, TestResult

RUNNER_BUDGET = 32 * 1024        # bytes of one runner's base64 value
TOTAL_BUDGET = 512 * 1024        # bytes of all of them: the environment of one process shares ~2 MiB
NAME_LIMIT = 120
MAX_UNITS = 400                  # entries one kata may be split into for equal weights
SHAPES = (("units", 300), ("units", 120), ("units", 40), ("units", 0), ("tests", 40), ("tests", 0), ("kata", 0))


@dataclass
class Graded:
    """One test as Classroom should count it."""
    name: str
    status: str          # "pass" | "fail" | "error"
    earned: float
    weight: float
    message: str
    line: int
    duration_ms: int


def runner_names(slugs: Iterable[str]) -> dict[str, str]:
    """A runner name per kata: the slug's letters and digits, made unique in the given order."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for position, slug in enumerate(slugs, start=1):
        base = re.sub(r"[^a-z0-9]", "", slug.lower())[:40] or f"kata{position}"
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}{suffix}", suffix + 1
        names[slug] = name
        taken.add(name)
    return names


def graded_tests(result: KataResult, learner: LearnerResult) -> list[Graded]:
    """The tests that carry weight, with what Classroom should award for each."""
    zeroed = learner.integrity.get("score_zeroed", False)
    withheld = result.totals.withheld_by
    out = []
    for test in result.tests:
        if not test.counted or test.max_points <= 0:
            continue        # a 0-point rule carries no weight: when it fails, every test of its kata scores 0
        passed = test.status == "passed" and not withheld and not zeroed
        status = "pass" if passed else "error" if test.status in ("error", "timeout") and test.kind != "missing" \
            else "fail"
        out.append(Graded(f"{result.kata}: {test.name}", status, test.max_points if passed else 0.0,
                          test.max_points, _why_not(test, withheld, zeroed, learner), test.line,
                          int(test.duration * 1000)))
    return out


def _not_graded(result: KataResult) -> str:
    reasons = sorted({one_line(t.message) for t in result.tests if t.status == "skipped" and t.message})
    return "; ".join(reasons) or "no test of this kata was graded"


def _why_not(test: TestResult, withheld: list[str], zeroed: bool, learner: LearnerResult) -> str:
    if zeroed:
        return "score 0: protected files were modified: " + ", ".join(learner.integrity.get("modified", []))
    if withheld and test.kind != "rule":
        return f"score withheld: {', '.join(withheld)} failed"
    return test.feedback


def quantum(weights: list[float]) -> Fraction | None:
    """The largest weight every test's weight is a whole multiple of (None if there is none to speak of)."""
    fractions = []
    for weight in weights:
        fraction = Fraction(weight).limit_denominator(1000)
        if abs(float(fraction) - weight) > 1e-9:
            return None
        fractions.append(fraction)
    if not fractions:
        return None
    denominator = math.lcm(*(f.denominator for f in fractions))
    return Fraction(math.gcd(*(f.numerator * (denominator // f.denominator) for f in fractions)), denominator)


def document(result: KataResult, learner: LearnerResult, shape: str = "units", message_limit: int = 300) -> dict:
    """One runner's result for one kata."""
    tests = graded_tests(result, learner)
    max_score = _number(sum(t.weight for t in tests))
    if shape == "units":
        unit = quantum([t.weight for t in tests])
        if unit is None or sum(int(Fraction(t.weight).limit_denominator(1000) / unit) for t in tests) > MAX_UNITS:
            shape = "tests"
    if shape == "units":
        entries = [entry for test in tests for entry in _units(test, unit, message_limit)]
    elif shape == "tests":
        entries = [_entry(test.name, test.status, test.earned, test.weight, test.message, test.line,
                          test.duration_ms, message_limit) for test in tests]
    else:
        earned = sum(t.earned for t in tests)
        failing = [t for t in tests if t.status != "pass"]
        status = "pass" if not failing else "error" if all(t.status == "error" for t in failing) else "fail"
        note = f"{len(failing)} of {len(tests)} tests did not pass; see the job summary" if failing else ""
        entries = [_entry(f"{result.kata}: all tests", status, earned, max_score, note, 0,
                          sum(t.duration_ms for t in tests), 200)]
    if not entries:      # nothing here carries weight (e.g. every test needs CUDA): say so, never "passed"
        entries = [_entry(f"{result.kata}: not graded", "error", 0, 0, _not_graded(result), 0, 0, 300)]
    statuses = {e["status"] for e in entries}
    status = "pass" if statuses <= {"pass"} else "fail" if "fail" in statuses else "error"
    return {"version": 1, "status": status, "max_score": max_score, "tests": entries}


def _units(test: Graded, unit: Fraction, message_limit: int) -> list[dict]:
    count = int(Fraction(test.weight).limit_denominator(1000) / unit)
    weight = _number(float(unit))
    earned = weight if test.status == "pass" else 0
    if count == 1:
        return [_entry(test.name, test.status, earned, weight, test.message, test.line, test.duration_ms,
                       message_limit)]
    # The first part carries the message; the others are plain failures, not more "Error:" lines.
    name = one_line(test.name, NAME_LIMIT - 12)          # room for " (12/400)"
    return [_entry(f"{name} ({part}/{count})", test.status if part == 1 or test.status == "pass" else "fail",
                   earned, weight, test.message if part == 1 else "", test.line if part == 1 else 0,
                   test.duration_ms if part == 1 else 0, message_limit) for part in range(1, count + 1)]


def _entry(name: str, status: str, score: float, max_score: float, message: str, line: int, duration: int,
           message_limit: int) -> dict:
    entry = {"name": one_line(name, NAME_LIMIT) or "test", "status": status, "score": _number(score),
             "max_score": _number(max_score), "line_no": max(int(line), 0)}
    text = one_line(message, message_limit) if message_limit else ""
    if text:
        entry["message"] = text
    if duration:
        entry["duration"] = duration
    return entry


def _number(value: float) -> int | float:
    value = round(float(value), 6)
    return int(value) if value == int(value) else value


def encode(data: dict) -> str:
    return base64.b64encode(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).decode("ascii")


def encoded_runners(learner: LearnerResult) -> dict[str, str]:
    """Runner name -> base64 result, each within its budget and all within the total."""
    names = runner_names(r.kata for r in learner.results)
    budget = min(RUNNER_BUDGET, TOTAL_BUDGET // max(len(learner.results), 1))
    out = {}
    for result in learner.results:
        for shape, limit in SHAPES:
            value = encode(document(result, learner, shape, limit))
            if len(value) + len(names[result.kata]) + 1 <= budget:
                break
        out[names[result.kata]] = value      # the "kata" shape is one short entry: it always fits
    return out


def error_document(kata: str, max_score: float, reason: str) -> dict:
    """What a runner reports when grading failed: an error worth 0 of the kata's points, saying why."""
    return {"version": 1, "status": "error", "max_score": _number(max_score),
            "tests": [_entry(f"{kata}: not graded", "error", 0, max_score, reason, 0, 0, 300)]}


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    return "".join(f"{name}={value}\n" for name, value in encoded_runners(learner).items())
