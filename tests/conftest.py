"""Shared fixtures: the repository, a warm worker, and throw-away project folders."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.catalogue import load_catalogue
from grader.launcher import Worker

REPO = Path(__file__).resolve().parent.parent
CHEATS = REPO / "tests" / "fixtures" / "cheats"


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue(REPO)


@pytest.fixture(scope="session")
def worker():
    with Worker() as w:
        yield w


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A learner's project folder: the real katas and references, an empty submissions/."""
    (tmp_path / "katas").symlink_to(REPO / "katas")
    (tmp_path / "reference").symlink_to(REPO / "reference")
    (tmp_path / "submissions").mkdir()
    return tmp_path


@pytest.fixture
def kata_copy(tmp_path: Path):
    """Copy one kata (and its reference) into a private project so a test may edit it."""
    def make(slug: str = "stable-softmax") -> Path:
        root = tmp_path / "copy"
        shutil.copytree(REPO / "katas" / slug, root / "katas" / slug)
        (root / "reference").mkdir(parents=True)
        toml = (root / "katas" / slug / "kata.toml").read_text()
        submission = next(line.split('"')[1] for line in toml.splitlines() if line.startswith("submission"))
        shutil.copy(REPO / "reference" / submission, root / "reference" / submission)
        return root / "katas" / slug
    return make
