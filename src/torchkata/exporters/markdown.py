"""A markdown job summary (for $GITHUB_STEP_SUMMARY) for one learner."""
from __future__ import annotations

from torchkata.batch import LearnerResult
from torchkata.exporters.classroom import document as classroom_document

_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️", "skipped": "➖"}


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    classroom = classroom_document(learner)
    earned = round(sum(t["score"] for t in classroom["tests"]), 2)
    lines = [f"## torchkata: {learner.points:g} / {learner.max_points:g} points", "",
             f"GitHub Classroom score (every test weighs the same): **{earned:g} / {classroom['max_score']}**", "",
             "| kata | points | passed | not passed | note |", "|---|---:|---:|---:|---|"]
    for result in learner.results:
        totals = result.totals
        not_passed = totals.failed + totals.error + totals.timeout
        note = "hidden specs not run" if not result.hidden_run else ""
        if totals.withheld_by:
            note = "score withheld: " + ", ".join(totals.withheld_by)
        lines.append(f"| {result.kata} | {totals.points:g} / {totals.max_points:g} | {totals.passed} | {not_passed} | {note} |")
    failing = [(r, t) for r in learner.results for t in r.tests if t.status not in ("passed", "skipped")]
    if failing:
        lines += ["", "### What to fix", ""]
        for result, test in failing:
            first = test.message.splitlines()[0] if test.message else test.status
            lines.append(f"- {_ICONS[test.status]} `{result.kata}` **{test.name}**: {_escape(first)}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")
