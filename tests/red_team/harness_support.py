"""Shared by tests/red_team/test_harness_*.py: hostile learner files against the katas' harnesses.

A kata's harness.py runs in the learner's confined child, loaded (as ``kata_harness``) before the
learner's module: the learner's module can reach it, replace its functions, or patch the torch functions
it uses, and so make it report anything. Every attack here is a learner file (mostly the kata's untouched
stub with an attack appended), graded through the real engine, and must earn no more than the stub does:
the trusted side decides every point from values it computed or checked itself.
"""
from __future__ import annotations

from pathlib import Path

from torchkata import engine
from torchkata.results import KataResult

PREAMBLE = '''

# ---- the attack: reach the harness that runs beside this module --------------------------------
import sys as _sys

_harness = _sys.modules.get("kata_harness")


def _replace(name, function):
    """Put `function` in the harness's place of `name` (when the harness has it)."""
    if _harness is not None and hasattr(_harness, name):
        setattr(_harness, name, function)
'''


def stub_with(course, slug: str, attack: str) -> str:
    """The kata's untouched stub, with ``attack`` (which may use _harness and _replace) appended."""
    return course.get(slug).stub.read_text(encoding="utf-8") + PREAMBLE + attack


def mutant_with(course, slug: str, mutant: str, attack: str, preamble: bool = True) -> str:
    """One of the kata's mutants (a known mistake), with ``attack`` appended to disguise it (after PREAMBLE, the
    route to the harness through sys.modules, unless ``preamble`` is False)."""
    return mutant_file(course, slug, mutant).read_text(encoding="utf-8") + (PREAMBLE if preamble else "\n") + attack


def mutant_file(course, slug: str, mutant: str) -> Path:
    return next(m.file for m in course.get(slug).mutants if m.name == mutant)


def grade_attacks(course, worker, root: Path, attacks: dict[str, tuple]) -> dict:
    """Grade every attack ({name: (slug, source[, mutant])}) and its honest baseline, in one grading session.

    The baseline of an attack is the file it starts from without the attack: the kata's stub, or the
    named mutant. Returns {name: KataResult} and, under ("baseline", name), the baseline's result."""
    paths = {}
    for index, (name, (slug, source, *mutant)) in enumerate(attacks.items()):
        kata = course.get(slug)
        path = root / f"attack{index}" / kata.submission_file
        path.parent.mkdir(parents=True)
        path.write_text(source, encoding="utf-8")
        paths[name] = (kata, path)
        paths[("baseline", name)] = (kata, mutant_file(course, slug, mutant[0]) if mutant else kata.stub)
    katas = list({kata.slug: kata for kata, _ in paths.values()}.values())
    done: dict = {}

    def grade(grader, kata, path):
        if (kata.slug, path) not in done:
            done[(kata.slug, path)] = grader.grade([(kata, path)], engine.Options(diagnose=False))[0]
        return done[(kata.slug, path)]
    return engine.open_grader(course, katas, worker, lambda grader: {
        name: grade(grader, kata, path) for name, (kata, path) in paths.items()})


def earned_beyond_the_baseline(results: dict, name: str) -> list[str]:
    """The tests the attack passed that its baseline (the stub, or the mutant it disguises) did not, and any
    surplus in total: empty when the attack earned nothing more. The source rule that withholds a kata's
    score is not counted here: each test must hold on its own values (the rule is one more line)."""
    attack: KataResult = results[name]
    baseline: KataResult = results[("baseline", name)]
    honest = {t.name for t in baseline.tests if t.status == "passed" and t.points > 0}
    return [f"{t.name} ({t.points:g} points)" for t in attack.tests
            if t.status == "passed" and t.points > 0 and t.name not in honest] + \
        ([f"total {attack.totals.points:g} > baseline's {baseline.totals.points:g}"]
         if attack.totals.points > baseline.totals.points else [])


def withheld_by_the_source_rule(result: KataResult) -> bool:
    """The kata's score is 0 because its source rule (harness or forbidden APIs) failed."""
    return bool(result.totals.withheld_by) and result.totals.points == 0 and \
        any(test.withholds_score for test in result.tests)
