"""Views of the result model for other tools. Each takes LearnerResult objects and returns text.

| format       | for                                              | module       |
|--------------|--------------------------------------------------|--------------|
| gradescope   | Gradescope autograder results.json (one learner) | gradescope   |
| classroom    | GitHub Classroom reporter: base64 result output  | classroom    |
| markdown     | GitHub Actions job summary (one learner)         | markdown     |
| junit        | JUnit XML for any CI                             | junit        |
| csv, jsonl   | one row per learner per kata                     | tables       |
"""
from __future__ import annotations

from typing import Callable

from torchkata.batch import LearnerResult
from torchkata.catalogue import KataError
from torchkata.exporters import classroom, gradescope, junit, markdown, tables

SINGLE_LEARNER = {"gradescope", "classroom", "markdown"}

FORMATS: dict[str, Callable[..., str]] = {
    "gradescope": gradescope.render,
    "classroom": classroom.render,
    "markdown": markdown.render,
    "junit": junit.render,
    "csv": tables.render_csv,
    "jsonl": tables.render_jsonl,
}


def export(results: list[LearnerResult], fmt: str, reference: LearnerResult | None = None) -> str:
    if fmt in SINGLE_LEARNER:
        if len(results) != 1:
            raise KataError(f"--format {fmt} describes one learner, but {len(results)} learner results were given")
        return FORMATS[fmt](results[0], reference)
    return FORMATS[fmt](results)
