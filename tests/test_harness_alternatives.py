"""Correct solutions in other styles still get full marks now that the trusted side decides every point.

tests/fixtures/alternatives/<slug>/trust_*.py: at least three correct alternatives for every kata whose
harness or specs were changed so that no point rests on what the learner's process reports (values
compared with the reference's, checkpoints loaded on the trusted side, settings and placements that
also need the source). Each is graded through the real engine, hidden specs included.
"""
from pathlib import Path

import pytest

from torchkata import engine

ALTERNATIVES = Path(__file__).parent / "fixtures" / "alternatives"
FILES = sorted(ALTERNATIVES.glob("*/trust_*.py"))
CHANGED = ("state-dict", "set-seed", "device-placement", "activations", "embedding", "dropout", "batch-norm",
           "dataset-dataloader", "feed-forward", "mlp-module", "mixed-precision", "adam", "sgd-momentum",
           "lr-schedulers", "views-and-copies")


@pytest.fixture(scope="module")
def results(course, worker):
    katas = [course.get(slug) for slug in sorted({path.parent.name for path in FILES})]

    def grade_all(grader):
        return {path: grader.grade([(course.get(path.parent.name), path)], engine.Options(diagnose=False))[0]
                for path in FILES}
    return engine.open_grader(course, katas, worker, grade_all)


def test_every_changed_kata_has_three_alternatives():
    for slug in CHANGED:
        assert len(list((ALTERNATIVES / slug).glob("trust_*.py"))) >= 3, slug


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_alternative_gets_full_marks(results, course, path):
    result = results[path]
    problems = [f"{t.name}: {t.status}: {t.message}" for t in result.tests if t.status != "passed" and t.counted]
    assert not problems and not result.totals.withheld_by
    assert result.totals.points == result.totals.max_points == course.get(path.parent.name).points
