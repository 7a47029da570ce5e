"""Views of the result model for other tools. Each takes LearnerResult objects and returns text.

| format       | for                                                        | module       |
|--------------|------------------------------------------------------------|--------------|
| gradescope   | Gradescope autograder results.json (one learner)           | gradescope   |
| classroom    | GitHub Classroom reporter: a runner per kata, $GITHUB_OUTPUT lines (one learner) | classroom |
| classroom50  | classroom50 result.json, schema classroom50/result/v1 (one learner) | classroom50 |
| markdown     | GitHub Actions job summary, classroom50 release body (one learner) | markdown |
| junit        | JUnit XML for any CI                                       | junit        |
| csv, jsonl   | one row per learner per kata                               | tables       |

Every exporter is safe by construction: learner text passes through :mod:`.text` for its format,
whatever the result file holds.
"""
from __future__ import annotations

from typing import Callable

from torchkata.batch import LearnerResult
from torchkata.catalogue import KataError
from torchkata.exporters import classroom, classroom50, gradescope, junit, markdown, tables

SINGLE_LEARNER = {"gradescope", "classroom", "classroom50", "markdown"}

FORMATS: dict[str, Callable[..., str]] = {
    "gradescope": gradescope.render,
    "classroom": classroom.render,
    "classroom50": classroom50.render,
    "markdown": markdown.render,
    "junit": junit.render,
    "csv": tables.render_csv,
    "jsonl": tables.render_jsonl,
}


def export(results: list[LearnerResult], fmt: str, reference: LearnerResult | None = None) -> str:
    if fmt not in FORMATS:
        raise KataError(f"--format {fmt}: not one of {', '.join(FORMATS)}")
    if fmt in SINGLE_LEARNER:
        if len(results) != 1:
            raise KataError(f"--format {fmt} describes one learner, but {len(results)} learner results were given")
        return FORMATS[fmt](results[0], reference)
    return FORMATS[fmt](results)
