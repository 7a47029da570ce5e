"""Gradescope's results.json (autograder specification): one learner, every kata.

Hidden specs get visibility "after_due_date": the learner sees them, and the total,
once the due date has passed. Tests not run (no CUDA) carry 0 of 0 points.
"""
from __future__ import annotations

import json

from torchkata.batch import LearnerResult


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    tests = []
    zeroed = learner.integrity.get("score_zeroed", False)
    for result in learner.results:
        withheld = result.totals.withheld_by   # a failed rule zeroes the kata: per-test scores follow
        for test in result.tests:
            note = f"score withheld: {', '.join(withheld)} failed\n" if withheld and test.kind != "rule" else ""
            if zeroed:
                note = "score 0: protected files were modified\n"
            entry = {
                "name": f"{result.kata}: {test.name}",
                "score": test.points if test.counted and not withheld and not zeroed else 0.0,
                "max_score": test.max_points if test.counted else 0.0,
                "output": note + test.feedback + (f"\n\nYour code printed:\n{test.output}" if test.output else ""),
                "visibility": "visible" if test.visibility == "public" else "after_due_date",
                "tags": [result.kata, test.kind],
            }
            if test.counted:
                entry["status"] = "passed" if test.status == "passed" else "failed"
            tests.append(entry)
    leaderboard = [{"name": "Points", "value": learner.points, "order": "desc"}]
    if reference is not None and reference.duration > 0:
        leaderboard.append({"name": "Time vs reference", "value": round(learner.duration / reference.duration, 3),
                            "order": "asc"})
    document = {
        "score": learner.points,
        "execution_time": round(sum(r.duration for r in learner.results), 3),
        "output": _summary(learner),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "leaderboard": leaderboard,
        "extra_data": {"torchkata": {"isolation": [r.isolation for r in learner.results],
                                     "max_points": learner.max_points, "integrity": learner.integrity}},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _summary(learner: LearnerResult) -> str:
    lines = [f"torchkata: {learner.points:g}/{learner.max_points:g} points"]
    if learner.integrity.get("status") == "modified":
        lines.append("protected files modified: " + ", ".join(learner.integrity.get("modified", [])) +
                     ("; score 0" if learner.integrity.get("score_zeroed") else ""))
    for result in learner.results:
        totals = result.totals
        note = "" if result.hidden_run else " (hidden specs not run)"
        lines.append(f"  {result.kata}: {totals.points:g}/{totals.max_points:g}{note}")
    return "\n".join(lines)
