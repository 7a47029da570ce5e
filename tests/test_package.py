"""The package: the wheel and sdist the release workflow builds and checks, the grader bundled into releases,
the CI and release workflows, and a learner and an instructor with nothing but the wheel."""
import email
import hashlib
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.installed import actionlint, built_wheel, clean_env, instructor_venv, run
from torchkata import bundle


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return built_wheel(tmp_path_factory)


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
    assert {"torchkata/gradescope/setup.sh", "torchkata/gradescope/run_autograder"} <= names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_metadata_license_classifiers_urls_and_absolute_readme_links(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = email.message_from_bytes(archive.read("torchkata-0.2.0.dist-info/METADATA"))
    assert metadata["License-Expression"] == "MIT" and metadata["License-File"] == "LICENSE"
    assert "torchkata-0.2.0.dist-info/licenses/LICENSE" in archive.namelist()
    assert "Programming Language :: Python :: 3.10" in metadata.get_all("Classifier")
    assert any(url.startswith("Source, https://github.com/") for url in metadata.get_all("Project-URL"))
    description = metadata.get_payload()
    links = re.findall(r"\]\(([^)]+)\)", description)
    assert links and "(docs/results.md)" in (REPO / "README.md").read_text()      # relative in the repository
    assert all(link.startswith(("https://", "#")) for link in links), links          # absolute on the index page


def test_release_workflow_build_is_clean_for_twine_and_check_wheel_contents(tmp_path):
    """What .github/workflows/release.yml runs: build the sdist and a wheel from it, twine check, check-wheel-contents."""
    out = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO], cwd=tmp_path)
    sdist, wheel = next(out.glob("*.tar.gz")), next(out.glob("*.whl"))
    twine = run([sys.executable, "-m", "twine", "check", "--strict", sdist, wheel], cwd=tmp_path)
    assert twine.stdout.count("PASSED") == 2, twine.stdout
    contents = run([Path(sys.executable).parent / "check-wheel-contents", wheel], cwd=REPO)   # its config: pyproject
    assert contents.stdout.strip().endswith("OK"), contents.stdout
    assert not (REPO / "build").exists()


def test_the_bundled_grader_from_a_checkout_is_this_checkouts_wheel_reproducibly(wheel, tmp_path):
    first = bundle.grader_wheel(tmp_path / "a")
    second = bundle.grader_wheel(tmp_path / "b")
    assert first.name == wheel.name == "torchkata-0.2.0-py3-none-any.whl"
    assert first.read_bytes() == second.read_bytes() == wheel.read_bytes()
    assert oct(first.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_the_repositorys_workflows_pass_actionlint(name):
    text = (REPO / ".github" / "workflows" / name).read_text()
    assert actionlint(text, name) == []


def test_ci_runs_the_readme_test_command_on_the_oldest_and_newest_python_and_torch():
    ci = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    assert set(ci[True]) == {"push", "pull_request"}                 # YAML 1.1 reads the key `on` as True
    job = ci["jobs"]["test"]
    matrix = job["strategy"]["matrix"]["include"]
    assert [entry["python"] for entry in matrix] == ["3.10", "3.13"]
    assert matrix[0]["torch"] == "torch==2.1.2" and matrix[1]["torch"] == "torch"
    assert 'torch>=2.1"' in (REPO / "pyproject.toml").read_text()     # 2.1 is the oldest the package accepts
    assert any(step.get("run", "").startswith("make test ") for step in job["steps"])
    assert "make test" in (REPO / "README.md").read_text() and "make test" in (REPO / ".ci" / "run").read_text()


def test_release_workflow_publishes_tags_with_trusted_publishing():
    release = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    assert release[True]["push"]["tags"] == ["v*"]
    publish = release["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"} and publish["environment"]["name"] == "pypi"
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "startsWith(github.ref, 'refs/tags/v')" in publish["if"]
    build = "\n".join(step.get("run", "") for step in release["jobs"]["build"]["steps"])
    assert "python -m build" in build and "twine check" in build and "check-wheel-contents" in build
    assert not any("password" in str(step) or "token" in str(step.get("with", {})) for step in publish["steps"])


@pytest.mark.slow
def test_a_learner_and_an_instructor_with_nothing_but_the_wheel(tmp_path_factory, tmp_path):
    venv = instructor_venv(tmp_path_factory)
    kata = str(venv / "bin" / "kata")
    env = clean_env(venv, tmp_path / "home")
    empty = tmp_path / "empty"
    empty.mkdir()
    run([kata, "init", "ws"], cwd=empty, env=env)
    ws = empty / "ws"
    listed = run([kata, "list"], cwd=ws, env=env)
    assert re.findall(r"^\s*(\d+)\s", listed.stdout, re.M) == [str(n) for n in range(1, 34)]    # the same 33 katas
    first = listed.stdout.split()[1]
    started = run([kata, "next"], cwd=ws, env=env)
    assert "Created" in started.stdout
    installed = Path(run([venv / "bin" / "python", "-c", "import torchkata, os; print(os.path.dirname("
                                                          "torchkata.__file__))"], cwd=ws, env=env).stdout.strip())
    assert not installed.is_relative_to(REPO)
    submission = next((ws / "submissions").glob("*.py"))
    shutil.copy(installed / "course" / "reference" / submission.name, submission)
    checked = run([kata, "check"], cwd=ws, env=env)
    assert "All tests passed" in checked.stdout and f"{first}" in checked.stdout
    other = empty / "other"
    (other / "submissions").mkdir(parents=True)
    graded = run([kata, "grade", ws, other, "--out", empty / "grades", "--katas", first], cwd=empty, env=env)
    assert f"{'ws':<24}" in graded.stdout and "0/" in graded.stdout       # other has no file: 0 points, saying so
    csv = run([kata, "export", empty / "grades", "--format", "csv"], cwd=empty, env=env).stdout
    assert csv.startswith("learner,kata,points") and "\nws," in csv
    board = run([kata, "leaderboard", empty / "grades"], cwd=empty, env=env).stdout
    assert "| 1 | ws |" in board
    # A maintainer's command never edits the installed package's built-in course.
    refused = run([kata, "new", "relu", "--course", installed / "course"], cwd=empty, env=env, check=False)
    assert refused.returncode == 2 and "inside the installed torchkata package" in refused.stderr
    refused = run([kata, "new", "relu"], cwd=installed / "course" / "katas", env=env, check=False)
    assert refused.returncode == 2 and "kata new-course" in refused.stderr
    assert not (installed / "course" / "katas" / "relu").exists()


@pytest.mark.slow
def test_the_bundled_grader_from_an_installed_wheel_is_rebuilt_from_its_record(tmp_path_factory, wheel, tmp_path):
    venv = instructor_venv(tmp_path_factory)
    env = clean_env(venv, tmp_path / "home")
    script = "import sys; from pathlib import Path; from torchkata.bundle import grader_wheel; " \
             "print(grader_wheel(Path(sys.argv[1])))"
    first = Path(run([venv / "bin" / "python", "-c", script, tmp_path / "a"], cwd=tmp_path, env=env).stdout.strip())
    second = Path(run([venv / "bin" / "python", "-c", script, tmp_path / "b"], cwd=tmp_path, env=env).stdout.strip())
    assert first.name == wheel.name and first.read_bytes() == second.read_bytes()        # reproducible
    built, rebuilt = zipfile.ZipFile(wheel), zipfile.ZipFile(first)
    assert sorted(built.namelist()) == sorted(rebuilt.namelist())
    for name in built.namelist():                                                     # the installed files, exactly
        if not name.endswith("/RECORD"):
            assert built.read(name) == rebuilt.read(name), name
    assert rebuilt.testzip() is None
    record = rebuilt.read("torchkata-0.2.0.dist-info/RECORD").decode()
    for line in record.splitlines():
        name, digest, size = line.rsplit(",", 2)
        if digest:
            data = rebuilt.read(name)
            assert digest == "sha256=" + _urlsafe_sha256(data) and int(size) == len(data), name
    # and pip installs the rebuilt wheel
    target = tmp_path / "target"
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--target", target, first],
        cwd=tmp_path, env=env)
    assert (target / "torchkata" / "course" / "course.toml").is_file()


def _urlsafe_sha256(data: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
