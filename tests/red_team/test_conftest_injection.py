"""Attack: make pytest run the learner's code inside the trusted grading process.

A learner's repository plants, everywhere pytest might look, files that write a marker and
forge every result as passed when imported: conftest.py files (at the root, in katas/, beside
the stub, in a subfolder of specs/, in submissions/, in the folder above the repository), ini
files that load a plugin (pytest.ini, tox.ini, setup.cfg, pyproject.toml), __init__.py files
that would make the specs a package, bytecode in specs/__pycache__ forged to match the real
spec files, and PYTEST_ADDOPTS / PYTEST_PLUGINS in the environment. The untouched stub is
graded through the real `kata` command in every way a repository can be graded: no marker may
appear, the stub must score 0, and the instructor's `kata grade --manifest --fail-modified`
must name every planted file and zero the score.
"""
from __future__ import annotations

import importlib._bootstrap_external as bootstrap
import json
import sys
from pathlib import Path

import pytest

from tests.red_team.released import clone, kata, released_template

pytestmark = pytest.mark.slow


def payload(markers: Path, name: str) -> str:
    """Code that proves it ran (a marker file) and, if it did, forges every test as passed."""
    return (f"import pathlib\npathlib.Path({str(markers)!r}, {name!r}).write_text('ran')\n"
            "try:\n    import torchkata.plugin as _plugin\n"
            "    _plugin.classify = lambda *args, **kwargs: ('passed', '')\n"
            "except Exception:\n    pass\n")


def ini_files(plugin_dir: Path) -> dict[str, str]:
    """Every ini file pytest reads, each loading the planted plugin from the repository."""
    section = f"addopts = -p evil_plugin\npythonpath = {plugin_dir}\n"
    return {"pytest.ini": f"[pytest]\n{section}",
            "katas/tox.ini": f"[pytest]\n{section}",
            "katas/stable-softmax/specs/setup.cfg": f"[tool:pytest]\n{section}",
            "katas/stable-softmax/pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-p evil_plugin'\n"
                                                   f"pythonpath = [{str(plugin_dir)!r}]\n"}


PLANTED_CODE = ["conftest.py", "katas/conftest.py", "katas/stable-softmax/conftest.py",
                "katas/stable-softmax/specs/extra/conftest.py", "katas/stable-softmax/specs/extra/test_more.py",
                "katas/__init__.py", "katas/stable-softmax/__init__.py", "katas/stable-softmax/specs/__init__.py",
                "evil_plugin.py"]


def plant(repo: Path, markers: Path) -> list[str]:
    """Plant every attack in ``repo``; returns the paths planted outside submissions/."""
    planted = []
    for relative in PLANTED_CODE:
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(payload(markers, relative.replace("/", "_")))
        planted.append(relative)
    (repo / "submissions" / "conftest.py").write_text(payload(markers, "submissions_conftest"))
    for relative, text in ini_files(repo).items():
        (repo / relative).write_text(text)
        planted.append(relative)
    specs = repo / "katas" / "stable-softmax" / "specs"
    cache = specs / "__pycache__"
    cache.mkdir()
    for stem in ("test_public", "conftest"):
        source = specs / f"{stem}.py"
        info = source.stat()
        forged = bootstrap._code_to_timestamp_pyc(compile(payload(markers, f"pyc_{stem}"), str(source), "exec"),
                                                  info.st_mtime, info.st_size)
        for name in (f"{stem}.{sys.implementation.cache_tag}.pyc",
                     f"{stem}.{sys.implementation.cache_tag}-pytest-{pytest.__version__}.pyc"):
            (cache / name).write_bytes(bytes(forged))
            planted.append(f"katas/stable-softmax/specs/__pycache__/{name}")
    return planted


@pytest.fixture(scope="module")
def attack(tmp_path_factory):
    """A learner repository with the untouched stub and every attack planted, inside a class folder
    that holds a conftest.py and a pytest.ini of its own (the repository's ancestors)."""
    root, template, kept = released_template(tmp_path_factory)
    markers = tmp_path_factory.mktemp("markers")
    folder = tmp_path_factory.mktemp("class")
    (folder / "conftest.py").write_text(payload(markers, "ancestor_conftest"))
    (folder / "pytest.ini").write_text(f"[pytest]\naddopts = -p evil_plugin\npythonpath = {folder}\n")
    (folder / "evil_plugin.py").write_text(payload(markers, "ancestor_plugin"))
    repo = clone(template, folder / "ada", root / "katas" / "stable-softmax" / "stub.py")
    planted = plant(repo, markers)
    return root, repo, kept, markers, planted


def ran(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


def points(out: Path, learner: str) -> tuple[float, dict]:
    data = json.loads((out / "learners" / f"{learner}.json").read_text())
    return data["points"], data


def test_kata_check_in_the_learners_repository_runs_none_of_it(attack):
    _, repo, _, markers, _ = attack
    done = kata("check", "stable-softmax", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Score: 0/9" in done.stdout and "All tests passed" not in done.stdout
    assert ran(markers) == []


def test_grading_the_repository_as_its_own_course_runs_none_of_it(attack, tmp_path):
    """What the Classroom workflow does (`kata grade . --course .`), and an instructor grading from
    inside a learner's repository."""
    _, repo, _, markers, _ = attack
    done = kata("grade", ".", "--course", ".", "--out", str(tmp_path / "grades"), cwd=repo)
    assert done.returncode == 0, done.stderr
    score, _ = points(tmp_path / "grades", "ada")
    assert score == 0 and ran(markers) == []


def test_the_manifest_names_every_planted_file_and_zeroes_the_score(attack, tmp_path):
    root, repo, kept, markers, planted = attack
    done = kata("grade", str(repo), "--course", str(root), "--out", str(tmp_path / "grades"),
                "--manifest", str(kept), "--fail-modified")
    assert done.returncode == 0, done.stderr
    score, data = points(tmp_path / "grades", "ada")
    assert score == 0 and data["integrity"]["status"] == "modified" and data["integrity"]["score_zeroed"]
    assert set(planted) <= set(data["integrity"]["modified"])
    assert not any(path.startswith("submissions/") for path in data["integrity"]["modified"])
    assert "[modified]" in done.stdout and "[intact]" not in done.stdout
    assert ran(markers) == []


def test_a_modified_template_is_refused_as_the_course_of_a_graded_class(attack, tmp_path):
    _, repo, kept, markers, _ = attack
    done = kata("grade", str(repo), "--course", str(repo), "--out", str(tmp_path / "grades"), "--manifest", str(kept))
    assert done.returncode == 2 and "differs from the manifest" in done.stderr and "conftest.py" in done.stderr
    assert not (tmp_path / "grades" / "learners").exists() and ran(markers) == []


def test_pytest_variables_in_the_environment_load_nothing(attack, tmp_path):
    _, repo, _, markers, _ = attack
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "env_plugin.py").write_text(payload(markers, "env_plugin"))
    env = {"PYTHONPATH": str(plugins), "PYTEST_ADDOPTS": "-p env_plugin --confcutdir=/",
           "PYTEST_PLUGINS": "env_plugin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "", "PYTEST_TIMEOUT": "0"}
    done = kata("check", "stable-softmax", cwd=repo, env=env)
    assert done.returncode == 1 and "Score: 0/9" in done.stdout, done.stdout + done.stderr
    assert ran(markers) == []


def test_kata_release_reads_nothing_around_the_course(tmp_path):
    """An instructor's course on a shared machine: conftest and ini files above it, or in its katas/."""
    from tests.conftest import make_course
    markers = tmp_path / "markers"
    markers.mkdir()
    (tmp_path / "conftest.py").write_text(payload(markers, "above_course"))
    root = make_course(tmp_path / "course")
    (root / "conftest.py").write_text(payload(markers, "course_root"))
    (root / "katas" / "conftest.py").write_text(payload(markers, "katas_conftest"))
    (root / "pytest.ini").write_text(f"[pytest]\naddopts = -p evil_plugin\npythonpath = {root}\n")
    (root / "evil_plugin.py").write_text(payload(markers, "course_plugin"))
    done = kata("release", "--course", str(root), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ran(markers) == []
    assert not (tmp_path / "out" / "conftest.py").exists() and not (tmp_path / "out" / "katas" / "conftest.py").exists()
