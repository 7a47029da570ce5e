"""Shared fixtures: the built-in course, a warm worker, learner workspaces and throw-away courses."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from torchkata.catalogue import builtin_course_root, load_course
from torchkata.launcher import Worker

REPO = Path(__file__).resolve().parent.parent
COURSE = builtin_course_root()
CHEATS = REPO / "tests" / "fixtures" / "cheats"
SOFTMAX = COURSE / "katas" / "stable-softmax"
SOFTMAX_REFERENCE = COURSE / "reference" / "stable_softmax.py"
# The stable-softmax kata's total, as its kata.toml says (tests read it rather than repeat it).
SOFTMAX_POINTS = round(next(kata.points for kata in load_course(COURSE).katas if kata.slug == "stable-softmax"))


def course_python_files() -> list[Path]:
    """Every Python file of the built-in course (its katas and references; not the rest of a checkout)."""
    return sorted(p for folder in ("katas", "reference") for p in (COURSE / folder).rglob("*.py")
                  if "__pycache__" not in p.parts)


@pytest.fixture(scope="session")
def course():
    return load_course(COURSE)


@pytest.fixture(scope="session")
def worker():
    with Worker() as w:
        yield w


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A learner's workspace on the built-in course, with an empty submissions/."""
    root = tmp_path / "ws"
    (root / "submissions").mkdir(parents=True)
    (root / "torchkata.toml").write_text('course = "builtin"\n')
    return root


def make_course(root: Path, slugs: tuple[str, ...] = ("stable-softmax",), name: str = "a test course") -> Path:
    """A course folder holding copies of some built-in katas and their references (free to edit)."""
    (root / "reference").mkdir(parents=True)
    for slug in slugs:
        shutil.copytree(COURSE / "katas" / slug, root / "katas" / slug,
                        ignore=shutil.ignore_patterns("__pycache__"))
        toml = (root / "katas" / slug / "kata.toml").read_text()
        submission = next(line.split('"')[1] for line in toml.splitlines() if line.startswith("submission"))
        shutil.copy(COURSE / "reference" / submission, root / "reference" / submission)
    (root / "course.toml").write_text(
        f'format_version = 1\nname = "{name}"\nlanguages = ["en", "ko"]\n'
        f'order = [{", ".join(repr(s).replace(chr(39), chr(34)) for s in slugs)}]\n')
    return root


@pytest.fixture
def course_copy(tmp_path: Path):
    """make_course in a fresh folder: make(slugs...) -> the course root."""
    def make(*slugs: str) -> Path:
        return make_course(tmp_path / "course", slugs or ("stable-softmax",))
    return make
