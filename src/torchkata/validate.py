"""`kata validate`: proves a kata's specs catch the mistakes they are meant to catch.

For each kata: kata.toml is well-formed, with two or more hints, and nothing left to
fill in (no TODO from `kata new`); the reference scores full marks; the stub scores 0;
two runs give identical results; the specs execute at least 95% of the reference's lines;
and every mutant (at least three) loses points and is *named*: by mutant matching (its
results were recognised, so its diagnosis was given) or by a spec's own message, in
English and in Korean. The time of the reference's full spec run is reported. A kata that lists
its prompt's requirements (``[[requires]]``) is held to them: see :mod:`torchkata.requirements`.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from torchkata.catalogue import Course, Kata, KataError
from torchkata.engine import Grader, Options
from torchkata.i18n import LANGS
from torchkata.requirements import check_requirements
from torchkata.results import KataResult

MIN_COVERAGE = 95.0
MIN_HINTS = 2
MIN_MUTANTS = 3
SPEC_SECONDS = 3.0     # the budget for one kata's full spec run (reported, not enforced: machines differ)
_TODO = re.compile(r"\bTODO\b")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    warning: bool = False       # shown, but does not fail the kata


@dataclass
class KataReport:
    slug: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0     # the reference's full spec run

    @property
    def ok(self) -> bool:
        return all(check.ok or check.warning for check in self.checks)

    def add(self, name: str, ok: bool, detail: str = "", warning: bool = False) -> None:
        self.checks.append(Check(name, ok, detail, warning))


def broken_report(slug: str, error: Exception) -> KataReport:
    report = KataReport(slug)
    report.add("kata.toml", False, str(error))
    return report


def _fingerprint(result: KataResult) -> list[tuple]:
    return [(t.name, t.status, t.points, t.message, t.diagnosis) for t in result.tests]


def unfinished(kata: Kata) -> list[str]:
    """What `kata new` left for the author to write."""
    places = []
    for path in (kata.folder / "kata.toml", kata.stub, kata.reference, *sorted(kata.specs.glob("*.py")),
                 *(m.file for m in kata.mutants)):
        if path is not None and path.is_file() and path != kata.stub and _TODO.search(path.read_text(encoding="utf-8")):
            places.append(str(path.relative_to(kata.folder.parent.parent)))
    return places


def validate_kata(kata: Kata, grader: Grader) -> KataReport:
    report = KataReport(kata.slug)
    hints_ok = len(kata.hints) >= MIN_HINTS
    report.add("kata.toml", hints_ok, f"{len(kata.hints)} hints in {', '.join(LANGS)}" +
               ("" if hints_ok else f" (at least {MIN_HINTS} needed)"))
    todo = unfinished(kata)
    if todo:
        report.add("finished (no TODO left)", False, "unfinished: TODO in " + ", ".join(todo))
    started = time.monotonic()
    first = _grade(grader, kata, kata.reference, Options())
    report.seconds = time.monotonic() - started
    if isinstance(first, Exception):
        report.add("specs", False, str(first))
        return report
    second = _grade(grader, kata, kata.reference, Options(measure_coverage=True))
    stub = _grade(grader, kata, kata.stub, Options())
    totals = first.totals
    report.add("reference scores full marks", first.solved, f"{totals.points:g}/{totals.max_points:g}" +
               _first_problem(first))
    report.add("stub scores 0", not isinstance(stub, Exception) and stub.totals.points == 0,
               f"{stub.totals.points:g}/{stub.totals.max_points:g}" if not isinstance(stub, Exception) else str(stub))
    report.add("two runs are identical", not isinstance(second, Exception) and _fingerprint(first) == _fingerprint(second))
    coverage = (second.coverage if not isinstance(second, Exception) else None) or {"percent": 0.0, "missing_lines": []}
    report.add(f"specs run >= {MIN_COVERAGE:g}% of the reference", coverage["percent"] >= MIN_COVERAGE,
               f"{coverage['percent']:.1f}%" + (f", lines not run: {coverage['missing_lines']}"
                                                if coverage["missing_lines"] else ""))
    report.add(f"full spec run under {SPEC_SECONDS:g} s", report.seconds <= SPEC_SECONDS, f"{report.seconds:.2f} s",
               warning=True)
    if len(kata.mutants) < MIN_MUTANTS:
        report.add(f"at least {MIN_MUTANTS} mutants", False, f"{len(kata.mutants)} listed in kata.toml")
    graded: dict[tuple[str, str], KataResult] = {}
    for mutant in kata.mutants:
        for lang in LANGS:
            result = _grade(grader, kata, mutant.file, Options(lang=lang))
            if isinstance(result, Exception):
                report.add(f"mutant {mutant.name} [{lang}]", False, str(result))
                continue
            graded[mutant.name, lang] = result
            ok, detail, warning = _mutant_check(result, mutant.diagnosis.get(lang), lang)
            report.add(f"mutant {mutant.name} [{lang}]", ok, detail, warning=warning)
    for check in exclusivity_checks(kata, graded):
        report.checks.append(check)
    check_requirements(kata, grader, report)
    return report


def exclusivity_checks(kata: Kata, graded: dict[tuple[str, str], KataResult]) -> list[Check]:
    """Each mutant, graded as a learner, gets its own diagnosis by matching and no other mutant's.

    A mutant whose diagnosis matching never gives (its failures are coincidences every such mistake
    shares, e.g. NaN from an overflow, or nothing that moved) passes when a spec message names it: the
    check above. Another mutant's diagnosis in its feedback fails: learners who make that mistake
    would be told of another one (the two are indistinguishable on these specs, or matching is wrong)."""
    checks = []
    for mutant in kata.mutants:
        wrong: dict[str, list[str]] = {}
        own = False
        for lang in LANGS:
            result = graded.get((mutant.name, lang))
            if result is None:
                continue
            given = diagnoses_given(kata, result, lang)
            own = own or any(mutant.name in names for names in given.values())
            for test, names in given.items():
                for name in names:
                    if name != mutant.name and mutant.diagnosis.get(lang) != _diagnosis(kata, name, lang):
                        wrong.setdefault(name, [])
                        if test not in wrong[name]:
                            wrong[name].append(test)
        if wrong:
            detail = "; ".join(f"also gets {name}'s diagnosis ({', '.join(tests[:3])})" for name, tests in wrong.items())
        elif own:
            detail = "its own diagnosis only"
        else:
            detail = "no diagnosis by matching (named by a spec message, if at all: see above)"
        checks.append(Check(f"mutant {mutant.name}: diagnosis exclusive", not wrong, detail))
    return checks


def diagnoses_given(kata: Kata, result: KataResult, lang: str) -> dict[str, list[str]]:
    """For each test of ``result`` that got a diagnosis by matching, the mutants whose diagnosis it shows."""
    given = {}
    for test in result.tests:
        if test.diagnosis:
            names = [m.name for m in kata.mutants if m.diagnosis.get(lang) and m.diagnosis.get(lang) in test.diagnosis]
            if names:
                given[test.name] = names
    return given


def _diagnosis(kata: Kata, name: str, lang: str) -> str:
    return next(m.diagnosis.get(lang) for m in kata.mutants if m.name == name)


def _mutant_check(result: KataResult, diagnosis: str, lang: str = "en") -> tuple[bool, str, bool]:
    """Loses points, and is named: by matching (its diagnosis was given) or by a spec's message.

    A mutant that is neither, but whose failures are *described* (a spec's own sentence, or the pattern
    of the difference, rather than "has the wrong values"), passes with a warning: its results are ones
    that other mistakes share too (NaN from an overflow, parameters that never moved, the input handed
    back), so its diagnosis cannot be given without being wrong for some learners. (ok, detail, warning)"""
    lost = result.totals.points < result.totals.max_points
    failing = [t for t in result.tests if t.status != "passed"]
    wanted = diagnosis.casefold()
    by_matching = any(wanted in t.diagnosis.casefold() for t in failing)
    by_message = any(wanted in t.message.casefold() for t in failing)
    described = [t.message.splitlines()[0] for t in failing if t.status == "failed" and t.message
                 and not generic_message(t.message.splitlines()[0], lang)]
    detail = f"{result.totals.points:g}/{result.totals.max_points:g}; "
    warning = False
    if by_matching and by_message:
        detail += "named by matching and by a spec message"
    elif by_matching:
        detail += "named by matching"
    elif by_message:
        detail += "named by a spec message"
    elif described:
        detail += f"not named (its results are ones other mistakes share), described: {described[0]!r}"
        warning = True
    else:
        detail += f"not named: no failing test says {diagnosis!r}"
    if not lost:
        detail += "; it loses no points"
    return lost and (by_matching or by_message), detail, warning and lost


def generic_message(line: str, lang: str) -> bool:
    """Whether a failure's first line only says that values differ ("X has the wrong values")."""
    from torchkata.i18n import MESSAGES
    for key in ("values", "not_equal"):
        template = MESSAGES[key].get(lang, MESSAGES[key]["en"])
        if re.fullmatch(re.escape(template).replace(re.escape("{what}"), ".*"), line):
            return True
    return False


def _grade(grader: Grader, kata: Kata, path, options: Options) -> KataResult | Exception:
    return grader.grade([(kata, path)], options)[0]


def _first_problem(result: KataResult) -> str:
    for test in result.tests:
        if test.status != "passed" and test.counted:
            first = test.feedback.splitlines()[0] if test.feedback else ""
            return f"; {test.name}: {test.status}: {first}"
    return ""


def validation_body(course: Course, katas: list[Kata]):
    """What each validating process runs (see :func:`torchkata.pool.run_pool`)."""
    from torchkata.engine import open_grader

    by_slug = {kata.slug: kata for kata in katas}

    def body(worker, take, give, _place) -> None:
        def serve(grader: Grader) -> None:
            while (slug := take()) is not None:
                give(slug, validate_kata(by_slug[slug], grader))
        try:
            open_grader(course, katas, worker, serve)
        except KataError as exc:           # the session could not start: every kata it held fails with why
            while (slug := take()) is not None:
                give(slug, broken_report(slug, exc))
    return body
