"""CSV and JSON Lines: one row per learner per kata."""
from __future__ import annotations

import csv
import io
import json

from torchkata.batch import LearnerResult

COLUMNS = ["learner", "kata", "points", "max_points", "passed", "failed", "error", "timeout", "skipped",
           "solved", "hidden_run", "duration", "isolation", "integrity", "sha256"]


def rows(learners: list[LearnerResult]) -> list[dict]:
    out = []
    for learner in learners:
        for result in learner.results:
            totals = result.totals
            out.append({"learner": learner.learner, "kata": result.kata,
                        "points": 0.0 if learner.integrity.get("score_zeroed") else totals.points,
                        "max_points": totals.max_points, "passed": totals.passed, "failed": totals.failed,
                        "error": totals.error, "timeout": totals.timeout, "skipped": totals.skipped,
                        "solved": result.solved, "hidden_run": result.hidden_run,
                        "duration": round(sum(t.duration for t in result.tests), 3),
                        "isolation": result.isolation.get("level", ""), "integrity": _integrity(learner),
                        "sha256": result.submission.get("sha256", "")})
    return out


def _integrity(learner: LearnerResult) -> str:
    """'intact', 'unknown', or 'modified: path, path' (with ', score 0' when the learner was zeroed)."""
    integrity = learner.integrity
    if integrity.get("status") != "modified":
        return integrity.get("status", "unknown")
    return "modified: " + " ".join(integrity.get("modified", [])) + (", score 0" if integrity.get("score_zeroed") else "")


def render_csv(learners: list[LearnerResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(learners))
    return buffer.getvalue()


def render_jsonl(learners: list[LearnerResult]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(learners))
