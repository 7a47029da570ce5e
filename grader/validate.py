"""`kata validate`: proves a kata's specs catch the mistakes they are meant to catch.

For each kata: kata.toml is well-formed with both languages and two or more hints;
the reference scores full marks; the stub scores 0; every mutant fails a spec whose
message contains the mutant's diagnosis, in English and in Korean; two runs give
identical results; the specs execute at least 95% of the reference's lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader import launcher
from grader.catalogue import Kata, KataError, load_kata
from grader.i18n import LANGS
from grader.results import KataResult

MIN_COVERAGE = 95.0
MIN_HINTS = 2


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class KataReport:
    slug: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0     # the reference's full spec run, for information only

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(name, ok, detail))


def _fingerprint(result: KataResult) -> list[tuple]:
    return [(t.name, t.status, t.points, t.message) for t in result.tests]


def _failure_text(result: KataResult) -> str:
    return "\n".join(t.message for t in result.tests if t.status != "passed")


def validate_kata(folder: Path, worker: launcher.Worker) -> KataReport:
    from grader import engine

    report = KataReport(folder.name)
    try:
        kata: Kata = load_kata(folder / "kata.toml")
    except KataError as exc:
        report.add("kata.toml", False, str(exc))
        return report
    report.add("kata.toml", len(kata.hints) >= MIN_HINTS,
               f"{len(kata.hints)} hints in {', '.join(LANGS)}" + ("" if len(kata.hints) >= MIN_HINTS else
                                                                  f" (at least {MIN_HINTS} needed)"))
    try:
        first = engine.check(kata, kata.reference, worker)
        second = engine.check(kata, kata.reference, worker, measure_coverage=True)
        stub = engine.check(kata, kata.stub, worker)
    except KataError as exc:
        report.add("specs", False, str(exc))
        return report
    report.seconds = first.duration
    totals = first.totals
    report.add("reference scores full marks", first.solved,
               f"{totals.points:g}/{totals.max_points:g}" + _first_problem(first))
    report.add("stub scores 0", stub.totals.points == 0, f"{stub.totals.points:g}/{stub.totals.max_points:g}")
    report.add("two runs are identical", _fingerprint(first) == _fingerprint(second))
    coverage = second.coverage or {"percent": 0.0, "missing_lines": []}
    report.add(f"specs run >= {MIN_COVERAGE:g}% of the reference", coverage["percent"] >= MIN_COVERAGE,
               f"{coverage['percent']:.1f}%" + (f", lines not run: {coverage['missing_lines']}"
                                                if coverage["missing_lines"] else ""))
    if len(kata.mutants) < 3:
        report.add("at least 3 mutants", False, f"{len(kata.mutants)} listed in kata.toml")
    for mutant in kata.mutants:
        for lang in LANGS:
            result = engine.check(kata, mutant.file, worker, lang=lang)
            expected = mutant.diagnosis.get(lang)
            lost = result.totals.points < result.totals.max_points
            named = expected.casefold() in _failure_text(result).casefold()
            detail = f"{result.totals.points:g}/{result.totals.max_points:g}"
            if lost and not named:
                detail += f"; no failing test says {expected!r}"
            report.add(f"mutant {mutant.file.stem} [{lang}]", lost and named, detail)
    return report


def _first_problem(result: KataResult) -> str:
    for test in result.tests:
        if test.status != "passed" and test.counted:
            return f"; {test.name}: {test.status}: {test.message.splitlines()[0] if test.message else ''}"
    return ""
