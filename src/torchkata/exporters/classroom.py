"""The GitHub Classroom grader-action result: base64 of JSON, read by the Classroom reporter.

Each spec test (and measured rule) is one Classroom test worth its own points, and
``max_score`` is the learner's kata points in total, so the score Classroom records is
exactly torchkata's points. A kata not attempted (no file) is one test worth the whole
kata, with status ``fail``: skipping a kata never raises the score, and one kata not
started does not turn the job into "Some tests errored". Every test carries the file and
line of its spec, so the reporter never prints "line undefined".

(The reporter's own console line counts passed tests, unweighted; the job summary and
Classroom's record show the points.)
"""
from __future__ import annotations

import base64
import json

from torchkata.batch import LearnerResult

MESSAGE_LIMIT = 500


def document(learner: LearnerResult) -> dict:
    zeroed = learner.integrity.get("score_zeroed", False)
    entries = []
    for result in learner.results:
        withheld = result.totals.withheld_by
        for test in result.tests:
            if not test.counted or (test.kind == "rule" and test.max_points == 0):
                continue            # a 0-point rule is not a test here: when it fails, every test of its kata does
            passed = test.status == "passed" and not withheld and not zeroed
            message = _why_not(test, withheld, zeroed, learner)
            entries.append({
                "name": f"{result.kata}: {test.name}",
                "status": "pass" if passed else "error" if test.status in ("error", "timeout") and test.kind != "missing"
                else "fail",
                "score": test.points if passed else 0,
                "max_score": test.max_points,
                "message": message[:MESSAGE_LIMIT],
                "test_code": test.name,
                "filename": test.file or result.submission.get("path", ""),
                "line_no": test.line or 1,
                "duration": int(test.duration * 1000),
            })
    status = "pass" if entries and all(e["status"] == "pass" for e in entries) else \
        "error" if any(e["status"] == "error" for e in entries) else "fail"
    return {"version": 1, "status": status, "max_score": learner.max_points, "tests": entries}


def _why_not(test, withheld: list[str], zeroed: bool, learner: LearnerResult) -> str:
    if zeroed:
        return "score 0: protected files were modified: " + ", ".join(learner.integrity.get("modified", []))
    if withheld and test.kind != "rule":
        return f"score withheld: {', '.join(withheld)} failed"
    return test.feedback


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    payload = json.dumps(document(learner), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(payload).decode("ascii") + "\n"
