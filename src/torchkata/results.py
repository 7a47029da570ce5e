"""The one result model. Every view (terminal, --json, exporters) renders from it.

The JSON form is documented in docs/results.md; ``SCHEMA_VERSION`` changes
whenever a field changes meaning or disappears.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchkata.text import MAX_FEEDBACK, MAX_NAME, MAX_OUTPUT, clean, clean_data, one_line

SCHEMA = "torchkata.result"
SCHEMA_VERSION = 2
STATUSES = ("passed", "failed", "error", "timeout", "skipped")


class _CleanText:
    """Every text field is cleaned and capped when it is set (:mod:`torchkata.text`), in the
    constructor and in any later assignment: no view can receive a terminal escape or an
    XML-illegal character from a result, whoever built it (a grading, a file read back)."""
    _TEXT: dict[str, tuple[int, bool]] = {}     # field -> (cap, one line)
    _DATA: dict[str, int] = {}                  # fields holding JSON-like data -> the cap of each string in them

    def __setattr__(self, name: str, value: Any) -> None:
        rule = self._TEXT.get(name)
        if rule is not None and value is not None:
            value = one_line(value, rule[0]) if rule[1] else clean(value, rule[0])
        elif name in self._DATA and value is not None:
            value = clean_data(value, self._DATA[name])
        object.__setattr__(self, name, value)


@dataclass
class TestResult(_CleanText):
    __test__ = False   # not a pytest test class
    _TEXT = {"name": (MAX_NAME, True), "message": (MAX_FEEDBACK, False), "diagnosis": (MAX_FEEDBACK, False),
             "output": (MAX_OUTPUT, False), "file": (MAX_NAME, True), "visibility": (MAX_NAME, True),
             "status": (MAX_NAME, True), "kind": (MAX_NAME, True), "device": (MAX_NAME, True)}
    name: str
    visibility: str                 # "public" | "hidden"
    status: str                     # one of STATUSES
    points: float
    max_points: float
    message: str = ""
    diagnosis: str = ""             # the mistake named by matching a mutant's results ("" if none matched)
    duration: float = 0.0
    device: str | None = None
    output: str = ""                # what the learner's code printed (capped; never for hidden tests)
    output_withheld: bool = False   # the code printed something under a hidden test: not shown
    kind: str = "spec"              # "spec" | "rule" | "missing" (no gradable submission)
    file: str = ""                  # the spec file, relative to the course folder
    line: int = 0                   # the spec test's line in it
    not_written: dict | None = None  # {"function", "line"}: the learner's stub still raises NotImplementedError there

    @property
    def counted(self) -> bool:
        """Skipped tests (e.g. 'not run: no CUDA') count neither for nor against."""
        return self.status != "skipped"

    @property
    def withholds_score(self) -> bool:
        """A failed rule worth no points of its own (the forbidden-API rule) withholds the kata's score;
        a rule with points (no Python loop) costs just those."""
        return self.kind == "rule" and self.max_points == 0 and self.status not in ("passed", "skipped")

    @property
    def feedback(self) -> str:
        """What the learner reads: the matched diagnosis, then the spec's own message."""
        return "\n".join(part for part in (self.diagnosis, self.message) if part)


@dataclass
class Totals:
    points: float
    max_points: float
    passed: int
    failed: int
    error: int
    timeout: int
    skipped: int
    hidden_not_run: int
    hidden_points_not_run: float
    withheld_by: list[str] = field(default_factory=list)

    @property
    def all_passed(self) -> bool:
        return self.failed == self.error == self.timeout == 0 and not self.withheld_by


@dataclass
class KataResult(_CleanText):
    _TEXT = {"kata": (MAX_NAME, True), "title": (MAX_NAME, True), "lang": (MAX_NAME, True),
             "started_at": (MAX_NAME, True), "grader_version": (MAX_NAME, True)}
    _DATA = {"submission": MAX_NAME, "devices": MAX_NAME, "isolation": MAX_NAME, "errors": MAX_FEEDBACK,
             "coverage": MAX_NAME, "hidden_skipped": MAX_NAME, "devices_not_run": MAX_NAME}
    kata: str
    title: str
    submission: dict               # {"path": ..., "sha256": ...}
    devices: list[str]
    isolation: dict                # {"level": ..., "mechanisms": [...]}
    lang: str
    tests: list[TestResult]
    hidden_run: bool = True
    started_at: str = ""
    duration: float = 0.0
    grader_version: str = ""
    errors: list[str] = field(default_factory=list)   # kata-level problems (e.g. the worker failed)
    coverage: dict | None = None   # {"percent", "missing_lines"} of the submission; set by `kata validate`
    hidden_skipped: dict = field(default_factory=lambda: {"tests": 0, "points": 0.0})  # left out by --public-only
    devices_not_run: list[str] = field(default_factory=list)  # asked for, but absent here (e.g. no CUDA)

    @property
    def totals(self) -> Totals:
        counted = [t for t in self.tests if t.counted]
        counts = {s: sum(1 for t in self.tests if t.status == s) for s in STATUSES}
        withheld = [t.name for t in self.tests if t.withholds_score]
        points = 0.0 if withheld else sum(t.points for t in counted)
        return Totals(points=round(points, 6), max_points=round(sum(t.max_points for t in counted), 6),
                      passed=counts["passed"], failed=counts["failed"], error=counts["error"],
                      timeout=counts["timeout"], skipped=counts["skipped"],
                      hidden_not_run=int(self.hidden_skipped.get("tests", 0)),
                      hidden_points_not_run=float(self.hidden_skipped.get("points", 0.0)), withheld_by=withheld)

    @property
    def solved(self) -> bool:
        totals = self.totals
        return self.hidden_run and not self.errors and totals.all_passed and totals.max_points > 0

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict (which deep-copies every value: slow over a class of learners).
        data = {"schema": SCHEMA, "version": SCHEMA_VERSION}
        data.update({name: getattr(self, name) for name in self.__dataclass_fields__ if name != "tests"})
        data["tests"] = [dict(vars(test)) for test in self.tests]
        totals = self.totals
        data["totals"] = {**vars(totals), "all_passed": totals.all_passed}
        data["solved"] = self.solved
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "KataResult":
        if data.get("schema") != SCHEMA or data.get("version") != SCHEMA_VERSION:
            raise ValueError(f"not a {SCHEMA} version {SCHEMA_VERSION} document")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["tests"] = [TestResult(**{k: v for k, v in t.items() if k in TestResult.__dataclass_fields__})
                           for t in data["tests"]]
        return cls(**fields)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it: readers never see half a file.

    The file gets the mode any new file would (0666 less the umask), not mkstemp's private 0600:
    a published leaderboard or a released template must be readable as the user's umask says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~current_umask())
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def current_umask() -> int:
    """The process's umask, read without changing it where the kernel says it (Linux >= 4.7): setting it
    to read it back would, for a moment, apply the wrong mask to files other threads create."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
