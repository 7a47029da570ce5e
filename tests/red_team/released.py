"""A released learner template (one kata), made once per test session, and learner repositories cloned from it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from torchkata.catalogue import load_course
from torchkata.release import release_course
from tests.conftest import make_course

KATA = Path(sys.executable).parent / "kata"
_made: dict[str, tuple[Path, Path, Path]] = {}


def released_template(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(the instructor's course, the released template, the instructor's copy of the manifest)."""
    if "softmax" not in _made:
        root = make_course(tmp_path_factory.mktemp("instructor") / "course")
        out = tmp_path_factory.mktemp("released") / "template"
        manifest = release_course(load_course(root), out)
        kept = tmp_path_factory.mktemp("kept") / "manifest.json"
        shutil.copy(manifest, kept)
        _made["softmax"] = (root, out, kept)
    return _made["softmax"]


def clone(template: Path, repo: Path, submission: Path | None = None) -> Path:
    """A learner's repository: the template as a learner received it, with ``submission`` as their file."""
    shutil.copytree(template, repo, symlinks=True)
    if submission is not None:
        shutil.copy(submission, repo / "submissions" / "stable_softmax.py")
    return repo


def kata(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 600) \
        -> subprocess.CompletedProcess:
    """The real `kata` command, in a clean environment (plus ``env``)."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "TORCHKATA_")) and key not in ("PYTHONPATH", "COV_CORE_SOURCE")}
    base.update({"LANG": "C.UTF-8", "COLUMNS": "100"})
    return subprocess.run([str(KATA), *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)
