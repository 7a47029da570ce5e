"""The learner's progress: ``submissions/progress.json``, small and human-readable.

Written atomically, so an interrupted command never leaves a broken file.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalogue import KataError
from grader.results import KataResult, write_atomically

FILE_NAME = "progress.json"
FORMAT = 1


@dataclass
class KataProgress:
    hints_shown: int = 0
    best_points: float = 0.0
    max_points: float = 0.0
    solved: bool = False
    last_checked: str = ""


@dataclass
class Progress:
    path: Path
    current: str | None = None
    katas: dict[str, KataProgress] = field(default_factory=dict)

    @classmethod
    def load(cls, submissions: Path) -> "Progress":
        path = submissions / FILE_NAME
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown format {data.get('format')!r}")
            katas = {slug: KataProgress(**entry) for slug, entry in data.get("katas", {}).items()}
            return cls(path, data.get("current"), katas)
        except (ValueError, TypeError, AttributeError) as exc:
            raise KataError(f"{path}: progress file is not valid ({exc}); fix it or delete it to start over") from None

    def of(self, slug: str) -> KataProgress:
        return self.katas.setdefault(slug, KataProgress())

    def record(self, result: KataResult) -> None:
        entry = self.of(result.kata)
        totals = result.totals
        if result.hidden_run:
            entry.best_points = max(entry.best_points, totals.points) if entry.max_points == totals.max_points \
                else totals.points
            entry.max_points = totals.max_points
            entry.solved = entry.solved or result.solved
        entry.last_checked = datetime.datetime.now().isoformat(timespec="seconds")

    def save(self) -> None:
        data = {"format": FORMAT, "current": self.current,
                "katas": {slug: vars(entry) for slug, entry in sorted(self.katas.items())}}
        write_atomically(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
