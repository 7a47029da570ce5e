"""Checking result documents read back from disk (`kata export`, `kata leaderboard`, `kata merge`).

A result file may have been edited by hand, truncated, written by another version, or come
from a learner's own CI run. :func:`read_result_document` is where such a file arrives: it is
read only up to a size cap, parsed only to a nesting depth, and every string in it is cleaned
of control characters and capped (:mod:`torchkata.text`) before anything renders it. Every
field is then checked for type and range before anything uses it, and the error names the
field (``results[0].tests[3].points``), so a bad file is a clear message and exit 2, never a
traceback or a silently wrong grade.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from torchkata.results import SCHEMA, SCHEMA_VERSION, STATUSES
from torchkata.text import MAX_FEEDBACK, clean_data

MAX_RESULT_BYTES = 64 * 1024 * 1024     # one learner's results: a few hundred kilobytes at most in practice


def read_result_document(path: Path) -> Any:
    """A result file's JSON, size-capped, depth-checked and with every string cleaned.
    Raises OSError or UnicodeDecodeError when it cannot be read, ValueError when it is not
    a result document (too large, not JSON, nested too deeply)."""
    with open(path, "rb") as f:
        data = f.read(MAX_RESULT_BYTES + 1)
    if len(data) > MAX_RESULT_BYTES:
        raise ValueError(f"larger than {MAX_RESULT_BYTES:,} bytes")
    text = data.decode("utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    return clean_data(document, MAX_FEEDBACK)


def _fail(where: str, expected: str, value: Any) -> ValueError:
    shown = repr(value)
    return ValueError(f"field '{where}': expected {expected}, got {shown[:80]}")


def _require(data: dict, where: str, name: str, check, expected: str) -> Any:
    path = f"{where}.{name}" if where else name
    if name not in data:
        raise ValueError(f"missing field '{path}'")
    if not check(data[name]):
        raise _fail(path, expected, data[name])
    return data[name]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _points(value: Any) -> bool:
    return _number(value) and 0 <= value <= 1_000_000


def _text(value: Any) -> bool:
    return isinstance(value, str)


def check_learner_document(data: Any) -> None:
    from torchkata.batch import LEARNER_SCHEMA, LEARNER_VERSION
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if data.get("schema") != LEARNER_SCHEMA or data.get("version") != LEARNER_VERSION:
        raise ValueError(f"not a {LEARNER_SCHEMA} version {LEARNER_VERSION} document "
                         f"(schema {data.get('schema')!r}, version {data.get('version')!r})")
    for name in ("learner", "source", "graded_at"):
        _require(data, "", name, _text, "a text")
    _require(data, "", "options", lambda v: isinstance(v, dict), "an object")
    integrity = _require(data, "", "integrity", lambda v: isinstance(v, dict), "an object")
    _require(integrity, "integrity", "status", lambda v: v in ("intact", "modified", "unknown"),
             "'intact', 'modified' or 'unknown'")
    _require(integrity, "integrity", "modified", lambda v: isinstance(v, list) and all(map(_text, v)),
             "a list of paths")
    results = _require(data, "", "results", lambda v: isinstance(v, list), "a list of kata results")
    for index, result in enumerate(results):
        check_kata_document(result, f"results[{index}]")


def check_kata_document(data: Any, where: str = "") -> None:
    if not isinstance(data, dict):
        raise _fail(where or "result", "an object", data)
    if data.get("schema") != SCHEMA or data.get("version") != SCHEMA_VERSION:
        raise ValueError(f"field '{where}': not a {SCHEMA} version {SCHEMA_VERSION} document")
    for name in ("kata", "title", "lang"):
        _require(data, where, name, _text, "a text")
    _require(data, where, "submission", lambda v: isinstance(v, dict), "an object")
    _require(data, where, "isolation", lambda v: isinstance(v, dict), "an object")
    _require(data, where, "hidden_run", lambda v: isinstance(v, bool), "true or false")
    tests = _require(data, where, "tests", lambda v: isinstance(v, list), "a list of tests")
    for index, test in enumerate(tests):
        place = f"{where}.tests[{index}]"
        if not isinstance(test, dict):
            raise _fail(place, "an object", test)
        for name in ("name", "message"):
            _require(test, place, name, _text, "a text")
        _require(test, place, "visibility", lambda v: v in ("public", "hidden"), "'public' or 'hidden'")
        _require(test, place, "status", lambda v: v in STATUSES, " or ".join(STATUSES))
        _require(test, place, "kind", lambda v: v in ("spec", "rule", "missing"), "'spec', 'rule' or 'missing'")
        maximum = _require(test, place, "max_points", _points, "a number of points, 0 or more")
        _require(test, place, "points", lambda v: _points(v) and v <= maximum, f"a number from 0 to {maximum}")
        _require(test, place, "duration", lambda v: _number(v) and v >= 0, "seconds, 0 or more")
