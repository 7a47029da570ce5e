"""No state crosses runs in a warm grader: whatever one submission does to its process, its
module, torch or its sandbox, the next submission (or learner) starts from the same clean state."""
import shutil
from pathlib import Path

import pytest

from torchkata import engine
from torchkata.catalogue import load_course

STATE = Path(__file__).parent / "fixtures" / "state"

KATA_TOML = '''format_version = 2
slug = "state-probe"
points = 2
submission = "probe.py"

[title]
en = "State probe"
ko = "상태 점검"

[prompt]
en = "Return the state you see."
ko = "보이는 상태를 돌려주세요."

[[hints]]
en = "none"
ko = "없음"
'''

SPEC = '''import pytest
from torchkata.spec import expect_equal, expect_close


@pytest.mark.public(points=1)
def test_first_look(sub, ref):
    got, expected = sub.probe(), ref.probe()
    for key in ("calls", "default_dtype", "threads", "files", "grad_enabled", "deterministic"):
        expect_equal(got[key], expected[key], what=key)
    expect_close(got["rand"], expected["rand"], what="torch.rand after the fork")
    expect_close(got["exp"], expected["exp"], what="torch.exp")


@pytest.mark.public(points=1)
def test_torch_itself_is_untouched(sub, ref):
    got, expected = sub.probe(), ref.probe()
    expect_close(got["exp"], expected["exp"], what="torch.exp")
    expect_equal(got["default_dtype"], expected["default_dtype"], what="default_dtype")
'''


@pytest.fixture(scope="module")
def probe_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("state-course")
    folder = root / "katas" / "state-probe"
    (folder / "specs").mkdir(parents=True)
    (folder / "kata.toml").write_text(KATA_TOML)
    (folder / "stub.py").write_text("def probe():\n    raise NotImplementedError\n")
    (folder / "specs" / "test_public.py").write_text(SPEC)
    (root / "reference").mkdir()
    shutil.copy(STATE / "probe_clean.py", root / "reference" / "probe.py")
    (root / "course.toml").write_text('format_version = 1\nname = "probe"\norder = ["state-probe"]\n')
    return load_course(root)


def test_a_polluting_submission_cannot_change_the_next_run(probe_course, worker):
    kata = probe_course.get("state-probe")
    order = [STATE / "probe_clean.py", STATE / "probe_polluter.py", STATE / "probe_clean.py",
             STATE / "probe_polluter.py", STATE / "probe_polluter.py", STATE / "probe_clean.py"]
    results = engine.open_grader(probe_course, [kata], worker, lambda grader: [
        grader.grade([(kata, path)], engine.Options())[0] for path in order])
    clean = [r for path, r in zip(order, results) if path.name == "probe_clean.py"]
    polluted = [r for path, r in zip(order, results) if path.name == "probe_polluter.py"]
    assert all(r.solved for r in clean), [[(t.name, t.feedback) for t in r.tests] for r in clean]
    assert all(r.totals.points == 0 for r in polluted)       # the probe sees the damage it does to itself
    first = [(t.name, t.status, t.points, t.message) for t in clean[0].tests]
    assert all([(t.name, t.status, t.points, t.message) for t in r.tests] == first for r in clean[1:])


def test_learners_graded_together_do_not_share_state(probe_course, worker, tmp_path):
    kata = probe_course.get("state-probe")
    learners = []
    for name, source in (("a", "probe_polluter.py"), ("b", "probe_clean.py")):
        (tmp_path / name / "submissions").mkdir(parents=True)
        shutil.copy(STATE / source, tmp_path / name / "submissions" / "probe.py")
        learners.append(tmp_path / name)
    results = engine.open_grader(probe_course, [kata], worker, lambda grader: [
        grader.grade([(kata, learner / "submissions" / "probe.py")], engine.Options(), base=learner)[0]
        for learner in learners])
    assert results[0].totals.points == 0 and results[1].solved
