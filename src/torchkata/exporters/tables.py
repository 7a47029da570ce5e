"""CSV and JSON Lines: one row per learner per kata.

Text is cleaned of control characters (and, in CSV, kept from being read as a spreadsheet formula).
"""
from __future__ import annotations

import csv
import io
import json

from torchkata.batch import LearnerResult
from torchkata.exporters.text import clean, spreadsheet_cell

COLUMNS = ["learner", "kata", "points", "max_points", "passed", "failed", "error", "timeout", "skipped",
           "solved", "hidden_run", "duration", "isolation", "integrity", "sha256"]


def rows(learners: list[LearnerResult]) -> list[dict]:
    out = []
    for learner in learners:
        for result in learner.results:
            totals = result.totals
            out.append({"learner": clean(learner.learner, 200), "kata": clean(result.kata, 200),
                        "points": 0.0 if learner.integrity.get("score_zeroed") else totals.points,
                        "max_points": totals.max_points, "passed": totals.passed, "failed": totals.failed,
                        "error": totals.error, "timeout": totals.timeout, "skipped": totals.skipped,
                        "solved": result.solved, "hidden_run": result.hidden_run,
                        "duration": round(sum(t.duration for t in result.tests), 3),
                        "isolation": clean(result.isolation.get("level", ""), 50), "integrity": _integrity(learner),
                        "sha256": clean(result.submission.get("sha256", ""), 64)})
    return out


def _integrity(learner: LearnerResult) -> str:
    """'intact', 'unknown', or 'modified: path, path' (with ', score 0' when the learner was zeroed)."""
    integrity = learner.integrity
    if integrity.get("status") != "modified":
        return clean(integrity.get("status", "unknown"), 50)
    return clean("modified: " + " ".join(integrity.get("modified", [])) +
                 (", score 0" if integrity.get("score_zeroed") else ""), 10_000)


def render_csv(learners: list[LearnerResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_cell(value) if isinstance(value, str) else value for key, value in row.items()}
                     for row in rows(learners))
    return buffer.getvalue()


def render_jsonl(learners: list[LearnerResult]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(learners))
