"""CSV and JSON Lines: one row per learner per kata."""
from __future__ import annotations

import csv
import io
import json

from torchkata.batch import LearnerResult

COLUMNS = ["learner", "kata", "points", "max_points", "passed", "failed", "error", "timeout", "skipped",
           "solved", "hidden_run", "duration", "isolation", "sha256"]


def rows(learners: list[LearnerResult]) -> list[dict]:
    out = []
    for learner in learners:
        for result in learner.results:
            totals = result.totals
            out.append({"learner": learner.learner, "kata": result.kata, "points": totals.points,
                        "max_points": totals.max_points, "passed": totals.passed, "failed": totals.failed,
                        "error": totals.error, "timeout": totals.timeout, "skipped": totals.skipped,
                        "solved": result.solved, "hidden_run": result.hidden_run,
                        "duration": round(sum(t.duration for t in result.tests), 3),
                        "isolation": result.isolation.get("level", ""), "sha256": result.submission.get("sha256", "")})
    return out


def render_csv(learners: list[LearnerResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(learners))
    return buffer.getvalue()


def render_jsonl(learners: list[LearnerResult]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(learners))
