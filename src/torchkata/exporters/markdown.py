"""A markdown summary of one learner: for $GITHUB_STEP_SUMMARY and a classroom50 release body.

Learner text is literal here, whatever it holds: one line per item, no markup, links or HTML
(:func:`torchkata.exporters.text.markdown_inline`).
"""
from __future__ import annotations

from torchkata.batch import LearnerResult
from torchkata.exporters.text import markdown_inline

_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️", "skipped": "➖"}
LINE_LIMIT = 300


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    zeroed = learner.integrity.get("score_zeroed", False)
    lines = [f"## torchkata: {learner.points:g} / {learner.max_points:g} points", ""]
    integrity = learner.integrity
    if integrity.get("status", "unknown") != "unknown":
        modified = ", ".join(integrity.get("modified", []))
        lines += [f"Protected files: **{markdown_inline(integrity['status'])}**" +
                  (f" ({markdown_inline(modified)})" if modified else "") + (", score 0" if zeroed else ""), ""]
    lines += ["| kata | points | passed | not passed | note |", "|---|---:|---:|---:|---|"]
    for result in learner.results:
        totals = result.totals
        not_passed = totals.failed + totals.error + totals.timeout
        note = "" if result.hidden_run else "hidden specs: run by your instructor" \
            if result.hidden_skipped.get("by_instructor") else "hidden specs not run"
        if totals.withheld_by:
            note = "score withheld: " + ", ".join(totals.withheld_by)
        if zeroed:
            note = "score 0: protected files were modified"
        points = 0 if zeroed else totals.points
        lines.append(f"| {markdown_inline(result.kata)} | {points:g} / {totals.max_points:g} | {totals.passed} | "
                     f"{not_passed} | {markdown_inline(note)} |")
    failing = [(r, t) for r in learner.results for t in r.tests if t.status not in ("passed", "skipped")]
    if failing:
        lines += ["", "### What to fix", ""]
        groups: dict[tuple[str, str], list] = {}
        for result, test in failing:      # one line per distinct diagnosis, with the tests it covers
            first = test.feedback.splitlines()[0] if test.feedback.strip() else test.status
            groups.setdefault((result.kata, first), []).append(test)
        for (kata, first), tests in groups.items():
            names = ", ".join(f"**{markdown_inline(test.name)}**" for test in tests)
            lines.append(f"- {_ICONS.get(tests[0].status, '❌')} {markdown_inline(kata)} {names}: "
                         f"{markdown_inline(first, LINE_LIMIT)}")
    return "\n".join(lines) + "\n"
