"""Gradescope's results.json (gradescope/autograder_samples docs/specs.md): one learner, every kata.

- Each graded test is a Gradescope test with its points; ``status`` is ``passed`` only when the
  test's points were awarded (a passing test whose kata was zeroed or withheld is ``failed``, with
  the reason first in its output).
- Tests not graded here ("not run: no CUDA") are not Gradescope tests at all, so nothing shows
  them as passed or failed: the summary names them.
- Hidden specs are visible ``after_due_date`` (Gradescope then also hides the total until then).
- The summary's per-kata lines add up to ``score``, which is the sum of the tests' scores.
- Every string is text (``output_format: text``), cleaned of control characters, with the
  grader's own folders (``hide``) taken out: students never see where the grader ran.
"""
from __future__ import annotations

import json

from torchkata.batch import LearnerResult
from torchkata.exporters.text import clean, one_line

OUTPUT_LIMIT = 8_000
VISIBILITY = {"public": "visible", "hidden": "after_due_date"}


def document(learner: LearnerResult, reference: LearnerResult | None = None, *, hide: tuple[str, ...] = (),
             notes: list[str] | None = None) -> dict:
    """The results.json object. ``notes`` (one line each) lead the summary: e.g. what the upload held."""
    scrub = _scrubber((learner.source, *hide))
    zeroed = learner.integrity.get("score_zeroed", False)
    tests, not_run = [], []
    for result in learner.results:
        withheld = result.totals.withheld_by          # a failed 0-point rule zeroes the kata
        for test in result.tests:
            name = one_line(f"{result.kata}: {test.name}", 200)
            if not test.counted:
                not_run.append(f"{name} ({one_line(test.message) or test.status})")
                continue
            awarded = test.status == "passed" and not withheld and not zeroed
            reason = "score 0: protected files were modified" if zeroed else \
                f"score withheld: {', '.join(withheld)} failed" if withheld and test.kind != "rule" else ""
            output = "\n".join(part for part in (reason, test.feedback) if part)
            if test.output:
                output += f"\n\nYour code printed:\n{test.output}"
            tests.append({"name": name, "score": test.points if awarded else 0.0, "max_score": test.max_points,
                          "status": "passed" if awarded else "failed",
                          "output": scrub(clean(output, OUTPUT_LIMIT)), "output_format": "text",
                          "visibility": VISIBILITY.get(test.visibility, "after_due_date"),
                          "tags": [one_line(result.kata, 100), test.kind]})
    score = round(sum(test["score"] for test in tests), 6)
    return {
        "score": score,
        "execution_time": round(sum(r.duration for r in learner.results), 3),
        "output": scrub(clean(_summary(learner, notes or [], not_run), OUTPUT_LIMIT)),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "leaderboard": [{"name": "Points", "value": score, "order": "desc"}],
        "extra_data": {"torchkata": {"isolation": [r.isolation for r in learner.results],
                                     "max_points": learner.max_points, "integrity": learner.integrity,
                                     "not_run": not_run}},
    }


def _summary(learner: LearnerResult, notes: list[str], not_run: list[str]) -> str:
    zeroed = learner.integrity.get("score_zeroed", False)
    lines = [one_line(note) for note in notes]
    lines.append(f"torchkata: {learner.points:g}/{learner.max_points:g} points")
    if learner.integrity.get("status") == "modified":
        lines.append("protected files modified: " + one_line(", ".join(learner.integrity.get("modified", []))) +
                     ("; score 0" if zeroed else ""))
    for result in learner.results:
        totals = result.totals
        notes_here = [] if result.hidden_run else ["hidden specs not run"]
        if totals.withheld_by:
            notes_here.append(f"score withheld: {', '.join(totals.withheld_by)} failed")
        if zeroed:
            notes_here.append("score 0: protected files were modified")
        points = 0 if zeroed else totals.points
        lines.append(f"  {one_line(result.kata)}: {points:g}/{totals.max_points:g}" +
                     (f" ({'; '.join(notes_here)})" if notes_here else ""))
    if not_run:
        lines.append("not graded here (count neither for nor against): " + "; ".join(not_run))
    return "\n".join(lines)


def _scrubber(paths: tuple[str, ...]):
    """Replace each of the grader's folders (and anything below them) with a path relative to it."""
    prefixes = sorted({p.rstrip("/") for p in paths if p and p.rstrip("/")}, key=len, reverse=True)

    def scrub(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix + "/", "").replace(prefix, ".")
        return text
    return scrub


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    return json.dumps(document(learner, reference), indent=2, ensure_ascii=False) + "\n"


def fallback(reason: str) -> dict:
    """What Gradescope gets when grading failed before any result: score 0, and a message students see."""
    return {"score": 0.0, "output": "The autograder could not grade this submission: " + one_line(reason, 500) +
            "\nNothing was scored. Check that you uploaded your .py files (or your submissions/ folder) "
            "and submit again; if this persists, tell your instructor.",
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"torchkata": {"error": one_line(reason, 2000)}}}
