"""Learner repositories are hostile input: regular files only, never through a link, size-limited."""
import hashlib
import json
import os
import socket

import pytest

from torchkata import engine
from torchkata.integrity import check_repository, load_manifest, write_manifest
from torchkata.catalogue import KataError
from torchkata.learner_files import MAX_SUBMISSION_BYTES, SubmissionProblem, read_submission
from tests.conftest import SOFTMAX_REFERENCE


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "submissions").mkdir()
    return tmp_path


def read(repo, name="stable_softmax.py"):
    return read_submission(repo / "submissions" / name, base=repo)


def test_a_regular_file_is_read(repo):
    (repo / "submissions" / "stable_softmax.py").write_text("x = 1\n")
    assert read(repo).text == "x = 1\n"


def test_a_symlink_is_refused_and_its_target_never_read(repo, tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("SECRET = 1\n")
    os.symlink(secret, repo / "submissions" / "stable_softmax.py")
    with pytest.raises(SubmissionProblem, match="is a symbolic link, not a regular file"):
        read(repo)


def test_a_symlinked_folder_on_the_way_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "stable_softmax.py").write_text("x = 1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(elsewhere, repo / "submissions")
    with pytest.raises(SubmissionProblem, match="'submissions' on its path is a symbolic link"):
        read(repo)


@pytest.mark.parametrize("make, kind", [
    (lambda path: os.mkfifo(path), "FIFO"),
    (lambda path: path.mkdir(), "directory"),
    (lambda path: socket.socket(socket.AF_UNIX).bind(str(path)), "socket"),
])
def test_special_files_are_refused_without_blocking(repo, make, kind):
    make(repo / "submissions" / "stable_softmax.py")
    with pytest.raises(SubmissionProblem, match=f"is a {kind}, not a regular file"):
        read(repo)


def test_an_oversize_file_is_refused(repo):
    (repo / "submissions" / "stable_softmax.py").write_bytes(b"#" * (MAX_SUBMISSION_BYTES + 1))
    with pytest.raises(SubmissionProblem, match="more than the .*-byte limit"):
        read(repo)


def test_source_encodings_are_honoured(repo):
    path = repo / "submissions" / "stable_softmax.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    assert "café" in read(repo).text
    path.write_bytes("\ufeffname = 'bom'\n".encode("utf-8"))
    assert read(repo).text.startswith("name")
    path.write_bytes(b"name = '\xff\xfe'\n")
    with pytest.raises(SubmissionProblem, match="cannot be decoded"):
        read(repo)


def test_a_symlinked_submission_scores_zero_saying_why(course, worker, repo, tmp_path):
    os.symlink(SOFTMAX_REFERENCE, repo / "submissions" / "stable_softmax.py")
    kata = course.get("stable-softmax")
    result = engine.open_grader(course, [kata], worker, lambda grader: grader.grade(
        [(kata, repo / "submissions" / "stable_softmax.py")], engine.Options(), base=repo))[0]
    assert result.totals.points == 0 and result.tests[0].kind == "missing"
    assert "not a regular file" in result.tests[0].message


def test_manifest_check_names_what_changed(tmp_path):
    repo = tmp_path / "repo"
    (repo / "katas").mkdir(parents=True)
    files = [repo / "katas" / "a.py", repo / "katas" / "b.py", repo / "c.toml"]
    for f in files:
        f.write_text(f.name)
    manifest = tmp_path / "manifest.json"
    write_manifest(manifest, repo, "course", "0.2.0")
    protected = load_manifest(manifest)
    assert check_repository(repo, protected)["status"] == "intact"
    (repo / "katas" / "a.py").write_text("changed")
    (repo / "c.toml").unlink()
    os.symlink(repo / "katas" / "a.py", repo / "c.toml")
    result = check_repository(repo, protected)
    assert result == {"status": "modified", "modified": ["c.toml", "katas/a.py"], "score_zeroed": False}


@pytest.mark.parametrize("content, message", [
    ("[]", "not a torchkata.manifest"),
    ('{"schema": "torchkata.manifest", "version": 1, "files": {"../x": "' + "0" * 64 + '"}}', "not a path inside"),
    ('{"schema": "torchkata.manifest", "version": 1, "files": {"x": "nothex"}}', "sha256"),
])
def test_a_bad_manifest_is_named(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(KataError, match=message):
        load_manifest(path)


def _template(root):
    for relative in ("katas/k/stub.py", "katas/k/specs/test_public.py", "README.md", "submissions/.gitkeep"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(relative)
    return root


def test_the_manifest_records_the_whole_tree_but_the_learners_own(tmp_path):
    repo = _template(tmp_path / "repo")
    (repo / "katas" / "empty").mkdir()
    manifest = tmp_path / "manifest.json"
    write_manifest(manifest, repo, "course", "0.2.0")
    data = json.loads(manifest.read_text())
    assert sorted(data["files"]) == ["README.md", "katas/k/specs/test_public.py", "katas/k/stub.py"]
    assert data["folders"] == ["katas", "katas/empty", "katas/k", "katas/k/specs"]
    (repo / "submissions" / "mine.py").write_text("x")
    (repo / ".git").mkdir()
    assert check_repository(repo, load_manifest(manifest))["status"] == "intact"
    (repo / "katas" / "empty").rmdir()
    assert check_repository(repo, load_manifest(manifest))["modified"] == ["katas/empty/"]


def test_a_release_holding_a_link_cannot_be_recorded(tmp_path):
    repo = _template(tmp_path / "repo")
    os.symlink(repo / "README.md", repo / "katas" / "link.md")
    with pytest.raises(KataError, match="katas/link.md"):
        write_manifest(tmp_path / "manifest.json", repo, "course", "0.2.0")


def test_a_version_1_manifest_is_still_read(tmp_path):
    repo = _template(tmp_path / "repo")
    files = {name: hashlib.sha256((repo / name).read_bytes()).hexdigest()
             for name in ("katas/k/stub.py", "katas/k/specs/test_public.py")}
    manifest = tmp_path / "v1.json"
    manifest.write_text(json.dumps({"schema": "torchkata.manifest", "version": 1, "files": files}))
    protected = load_manifest(manifest)
    assert check_repository(repo, protected)["status"] == "intact"      # version 1 did not record README.md
    (repo / "conftest.py").write_text("")
    assert check_repository(repo, protected)["modified"] == ["conftest.py"]


def test_a_walk_is_bounded(tmp_path, monkeypatch):
    from torchkata import integrity
    repo = _template(tmp_path / "repo")
    manifest = tmp_path / "manifest.json"
    write_manifest(manifest, repo, "course", "0.2.0")
    deep = repo / "katas"
    for index in range(6):
        deep = deep / f"d{index}"
    deep.mkdir(parents=True)
    monkeypatch.setattr(integrity, "MAX_DEPTH", 4)
    assert any("nested more than 4 deep" in path for path in check_repository(repo, load_manifest(manifest))["modified"])
    monkeypatch.setattr(integrity, "MAX_ENTRIES", 3)
    assert any("more than 3 entries" in path for path in check_repository(repo, load_manifest(manifest))["modified"])
