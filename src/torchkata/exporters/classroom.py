"""The GitHub Classroom grader-action result: base64 of JSON, read by the Classroom reporter.

The reporter's console prints (passed tests / all tests) x 100 while Classroom records the sum
of per-test scores over ``max_score``. Both agree only if every test weighs the same, so each
test is worth an equal share of 100; torchkata's own weighted points go in the job summary.
"""
from __future__ import annotations

import base64
import json

from torchkata.batch import LearnerResult

MAX_SCORE = 100
MESSAGE_LIMIT = 500


def document(learner: LearnerResult) -> dict:
    """Spec tests that ran (rules are not tests here: a failed rule fails every test of its kata)."""
    tests = [(result, test) for result in learner.results for test in result.tests
             if test.counted and test.kind != "rule"]
    shares = _equal_shares(len(tests))
    entries = []
    for (result, test), share in zip(tests, shares):
        withheld = result.totals.withheld_by
        passed = test.status == "passed" and not withheld
        message = f"score withheld: {', '.join(withheld)} failed" if withheld else test.message
        entries.append({
            "name": f"{result.kata}: {test.name}",
            "status": "pass" if passed else "error" if test.status in ("error", "timeout") else "fail",
            "score": share if passed else 0,
            "message": message[:MESSAGE_LIMIT],
            "filename": result.submission.get("path", ""),
            "duration": int(test.duration * 1000),
        })
    status = "pass" if all(e["status"] == "pass" for e in entries) and entries else \
        "error" if any(e["status"] == "error" for e in entries) else "fail"
    return {"version": 1, "status": status, "max_score": MAX_SCORE, "tests": entries}


def _equal_shares(count: int) -> list[float]:
    """count shares of MAX_SCORE that add up to exactly MAX_SCORE (2 decimals)."""
    if count == 0:
        return []
    cents = [MAX_SCORE * 100 * (i + 1) // count - MAX_SCORE * 100 * i // count for i in range(count)]
    return [c / 100 for c in cents]


def render(learner: LearnerResult, reference: LearnerResult | None = None) -> str:
    payload = json.dumps(document(learner), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(payload).decode("ascii") + "\n"
