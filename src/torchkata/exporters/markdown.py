"""A markdown job summary (for $GITHUB_STEP_SUMMARY) for one learner."""
from __future__ import annotations

from torchkata.batch import LearnerResult
from torchkata.exporters.classroom import document as classroom_document

_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️", "skipped": "➖"}


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    classroom = classroom_document(learner)
    earned = round(sum(t["score"] for t in classroom["tests"]), 2)
    lines = [f"## torchkata: {learner.points:g} / {learner.max_points:g} points", "",
             f"GitHub Classroom score (each test weighs its points): **{earned:g} / {classroom['max_score']:g}**", ""]
    integrity = learner.integrity
    if integrity.get("status") != "unknown":
        lines += [f"Protected files: **{integrity['status']}**" +
                  (f" ({', '.join(integrity['modified'])})" if integrity.get("modified") else "") +
                  (", score 0" if integrity.get("score_zeroed") else ""), ""]
    lines += ["| kata | points | passed | not passed | note |", "|---|---:|---:|---:|---|"]
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
        groups: dict[tuple[str, str], list[str]] = {}
        for result, test in failing:      # one line per distinct diagnosis, with the tests it covers
            first = test.feedback.splitlines()[0] if test.feedback else test.status
            groups.setdefault((result.kata, first), []).append(test)
        for (kata, first), tests in groups.items():
            names = ", ".join(f"**{test.name}**" for test in tests)
            lines.append(f"- {_ICONS[tests[0].status]} `{kata}` {names}: {_escape(first)}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")
