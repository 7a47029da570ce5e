"""`pip install torchkata`: a wheel built from this repository, in a fresh virtualenv outside it."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO


def run(args, cwd, env=None, timeout=900):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")        # never leave build/ in the repository
    run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        cwd=build)
    return next(out.glob("torchkata-*.whl"))


def test_the_wheel_holds_every_module_the_course_and_the_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "src" / "torchkata"
    for path in package.rglob("*"):
        relative = "torchkata/" + path.relative_to(package).as_posix()
        if path.is_file() and "__pycache__" not in relative and not relative.endswith(".pyc"):
            assert relative in names, relative
    assert "torchkata/locale/ko/LC_MESSAGES/messages.mo" in names
    for path in [REPO / "course.toml", *(REPO / "katas").rglob("*"), *(REPO / "reference").rglob("*")]:
        relative = "torchkata/course/" + path.relative_to(REPO).as_posix()
        if path.is_file() and "__pycache__" not in relative and not relative.endswith(".pyc"):
            assert relative in names, relative
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


@pytest.mark.slow
def test_a_learner_and_an_instructor_with_nothing_but_the_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    torch_version = torch.__version__.split("+")[0]
    run([str(venv / "bin" / "pip"), "install", "-q", f"torch=={torch_version}", str(wheel)], cwd=tmp_path)
    kata = str(venv / "bin" / "kata")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORCHKATA") and k != "VIRTUAL_ENV"}
    env.update({"LANG": "C.UTF-8", "PATH": f"{venv / 'bin'}:/usr/bin:/bin"})
    empty = tmp_path / "empty"
    empty.mkdir()
    run([kata, "init", "ws"], cwd=empty, env=env)
    ws = empty / "ws"
    listed = run([kata, "list"], cwd=ws, env=env)
    first = listed.stdout.split()[1]
    started = run([kata, "next"], cwd=ws, env=env)
    assert "Created" in started.stdout
    installed = Path(run([str(venv / "bin" / "python"), "-c", "import torchkata, os; print(os.path.dirname("
                                                               "torchkata.__file__))"], cwd=ws, env=env).stdout.strip())
    assert not installed.is_relative_to(REPO)
    submission = next((ws / "submissions").glob("*.py"))
    shutil.copy(installed / "course" / "reference" / submission.name, submission)
    checked = run([kata, "check"], cwd=ws, env=env)
    assert "All tests passed" in checked.stdout and f"{first}" in checked.stdout
    other = empty / "other"
    (other / "submissions").mkdir(parents=True)
    graded = run([kata, "grade", str(ws), str(other), "--out", str(empty / "grades"), "--katas", first],
                 cwd=empty, env=env)
    assert f"{'ws':<24}" in graded.stdout and "0/" in graded.stdout       # other has no file: 0 points, saying so
    csv = run([kata, "export", str(empty / "grades"), "--format", "csv"], cwd=empty, env=env).stdout
    assert csv.startswith("learner,kata,points") and "\nws," in csv
    board = run([kata, "leaderboard", str(empty / "grades")], cwd=empty, env=env).stdout
    assert "| 1 | ws |" in board
