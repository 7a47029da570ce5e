"""The learner's progress: ``submissions/progress.json``, small and human-readable.

Every field is checked for type and range on load: a hand-edited or damaged file is a
clear error naming the file and field (exit 2), never a traceback or a silently wrong
state. It is written atomically, so an interrupted command never leaves a broken file.
"""
from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchkata.catalogue import KataError
from torchkata.results import KataResult, write_atomically

FILE_NAME = "progress.json"
FORMAT = 1
MAX_POINTS = 1_000_000
MAX_HINTS = 1000


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
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _invalid(path, f"not valid JSON ({exc})") from None
        except OSError as exc:
            raise KataError(f"{path}: cannot be read: {exc.strerror}") from None
        return cls(path, *_parse(path, data))

    def of(self, slug: str) -> KataProgress:
        return self.katas.setdefault(slug, KataProgress())

    def record(self, result: KataResult) -> None:
        entry = self.of(result.kata)
        totals = result.totals
        if result.hidden_run:
            same_scale = entry.max_points == totals.max_points
            entry.best_points = max(entry.best_points, totals.points) if same_scale else totals.points
            entry.max_points = totals.max_points
            entry.solved = entry.solved or result.solved
        entry.last_checked = datetime.datetime.now().isoformat(timespec="seconds")

    def save(self) -> None:
        data = {"format": FORMAT, "current": self.current,
                "katas": {slug: vars(entry) for slug, entry in sorted(self.katas.items())}}
        write_atomically(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _invalid(path: Path, why: str) -> KataError:
    return KataError(f"{path}: progress file is not valid: {why}; fix it or delete it to start over")


def _parse(path: Path, data: Any) -> tuple[str | None, dict[str, KataProgress]]:
    if not isinstance(data, dict):
        raise _invalid(path, f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise _invalid(path, f"field 'format': expected {FORMAT}, got {data.get('format')!r}")
    current = data.get("current")
    if current is not None and not isinstance(current, str):
        raise _invalid(path, f"field 'current': expected a kata slug or null, got {current!r}")
    katas = data.get("katas", {})
    if not isinstance(katas, dict):
        raise _invalid(path, f"field 'katas': expected an object, got {type(katas).__name__}")
    return current, {slug: _entry(path, slug, entry) for slug, entry in katas.items()}


def _entry(path: Path, slug: str, entry: Any) -> KataProgress:
    where = f"katas.{slug}"
    if not isinstance(entry, dict):
        raise _invalid(path, f"field '{where}': expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(KataProgress.__dataclass_fields__))
    if unknown:
        raise _invalid(path, f"field '{where}.{unknown[0]}': unknown field")
    values = KataProgress()
    for name, check, expected in (
            ("hints_shown", lambda v: _is_int(v) and 0 <= v <= MAX_HINTS, f"an integer from 0 to {MAX_HINTS}"),
            ("best_points", lambda v: _is_number(v) and 0 <= v <= MAX_POINTS, "a number of points, 0 or more"),
            ("max_points", lambda v: _is_number(v) and 0 <= v <= MAX_POINTS, "a number of points, 0 or more"),
            ("solved", lambda v: isinstance(v, bool), "true or false"),
            ("last_checked", lambda v: isinstance(v, str) and len(v) < 64, "a date and time")):
        if name in entry:
            if not check(entry[name]):
                raise _invalid(path, f"field '{where}.{name}': expected {expected}, got {entry[name]!r}")
            setattr(values, name, entry[name])
    if values.best_points > values.max_points:
        raise _invalid(path, f"field '{where}.best_points': {values.best_points:g} is more than "
                             f"max_points {values.max_points:g}")
    return values


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) and math.isfinite(value)
