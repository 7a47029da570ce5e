"""Correct solutions in many styles get full marks through the real engine, source rules included.

tests/fixtures/alternatives/<slug>/*.py holds correct alternatives for every kata that forbids an API,
has a loop rule or has a harness (whose rule reads the source too): aliases, from-imports, star imports, methods and functions, einsum, comprehensions and
loops over constants, helpers, type hints (string ones too), classes, lambdas, functools.partial...
The source rules must refuse routes, never styles.
"""
from pathlib import Path

import pytest

from torchkata import engine

ALTERNATIVES = Path(__file__).parent / "fixtures" / "alternatives"
FILES = sorted(ALTERNATIVES.glob("*/*.py"))


def _has_source_rule(kata) -> bool:
    return bool(kata.forbidden or kata.harness) or "expect_vectorised" in "".join(
        p.read_text(encoding="utf-8") for p in kata.specs.glob("test_*.py"))


@pytest.fixture(scope="module")
def results(course, worker):
    katas = [course.get(slug) for slug in sorted({path.parent.name for path in FILES})]

    def grade_all(grader):
        return {path: grader.grade([(course.get(path.parent.name), path)], engine.Options(diagnose=False))[0]
                for path in FILES}
    return engine.open_grader(course, katas, worker, grade_all)


def test_every_kata_with_a_source_rule_has_alternatives(course):
    wanted = {kata.slug for kata in course.katas if _has_source_rule(kata)}
    have = {path.parent.name for path in FILES}
    assert wanted <= have, f"no alternatives for {sorted(wanted - have)}"
    assert all(len(list((ALTERNATIVES / slug).glob("*.py"))) >= 2 for slug in wanted)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_alternative_gets_full_marks(results, course, path):
    result = results[path]
    kata = course.get(path.parent.name)
    problems = [f"{t.name}: {t.status}: {t.message}" for t in result.tests if t.status != "passed" and t.counted]
    assert not problems and not result.totals.withheld_by
    assert result.totals.points == result.totals.max_points == kata.points
