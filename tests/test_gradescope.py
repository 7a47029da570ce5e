"""Gradescope as Gradescope runs it: results.json against its documented fields
(tests/fixtures/gradescope/results.schema.json), hostile learner text, and gradescope/run_autograder
in Gradescope's layout (/autograder/source, /autograder/submission, /autograder/results): uploads
resolved by their own path, ambiguity reported, no grader paths, a fallback students see, and grading
by an unprivileged user."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import REPO, SOFTMAX, SOFTMAX_POINTS, SOFTMAX_REFERENCE, make_course
from tests.hostile import hostile_learner
from tests.test_exporters import make_class
from torchkata.exporters import gradescope
from torchkata.gradescope_run import resolve

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "gradescope" / "results.schema.json").read_text())
KATA = Path(sys.executable).parent / "kata"
STUB = SOFTMAX / "stub.py"


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def printable(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in text)


# --- the export --------------------------------------------------------------------------------

def test_every_export_is_valid_against_the_documented_fields():
    learners, reference = make_class()
    for learner in learners + [hostile_learner()]:
        validate(json.loads(gradescope.render(learner, reference)))
    validate(gradescope.fallback("anything \x1b[31m at all\n::error::"))


def test_the_schema_check_can_fail():
    with pytest.raises(jsonschema.ValidationError):
        validate({"score": 1, "tests": [{"status": "skipped"}]})
    with pytest.raises(jsonschema.ValidationError):
        validate({"score": 1, "leaderboard": [{"name": "x", "value": 1, "order": "up"}]})


def test_hostile_text_is_plain_text_without_grader_paths():
    learner = hostile_learner()
    text = gradescope.render(learner)
    document = json.loads(text)
    strings = [document["output"]] + [s for test in document["tests"] for s in (test["name"], test["output"])]
    assert all(printable(s) for s in strings)
    assert "/grader/tmp/learner" not in text
    assert document["output_format"] == document["test_output_format"] == "text"
    text.encode("utf-8")


def test_not_graded_is_never_passed_and_the_summary_agrees_with_the_score():
    learners, reference = make_class()
    for learner in learners:
        document = gradescope.document(learner, reference)
        assert document["score"] == learner.points
        total_line = document["output"].splitlines()[0]
        assert total_line == f"torchkata: {learner.points:g}/{learner.max_points:g} points"
        kata_lines = [line for line in document["output"].splitlines() if line.startswith("  ")]
        assert sum(float(line.split(":")[1].split("/")[0]) for line in kata_lines) == learner.points
        for test in document["tests"]:
            assert test["status"] == "failed" or test["score"] == test["max_score"]


# --- resolving an upload ------------------------------------------------------------------------

def upload(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "submission"
    root.mkdir()
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


@pytest.mark.parametrize("files, graded, refused", [
    ({"x.py": "a"}, "x.py", False),
    ({"submissions/x.py": "a"}, "submissions/x.py", False),
    ({"repo/submissions/x.py": "a", "old/x.py": "stale"}, "repo/submissions/x.py", False),
    ({"deep/er/submissions/x.py": "a", "x.txt": ""}, "deep/er/submissions/x.py", False),
    ({"nested/x.py": "a"}, "nested/x.py", False),
    ({"x.py": "a", "repo/submissions/x.py": "b"}, None, True),
    ({"a/submissions/x.py": "a", "b/submissions/x.py": "b"}, None, True),
    ({"old/x.py": "a", "older/x.py": "b"}, None, True),
    ({"y.py": "a"}, None, False),
])
def test_each_file_is_taken_by_its_own_path_and_never_picked_between(tmp_path, files, graded, refused):
    root = upload(tmp_path, files)
    chosen, refusals, notes = resolve(root, ["x.py"])
    assert (chosen["x.py"].relative_to(root).as_posix() if "x.py" in chosen else None) == graded
    assert ("x.py" in refusals) == refused
    if refused:
        assert all(path in refusals["x.py"] for path in files)
    if "old/x.py" in files and graded:
        assert any("set aside old/x.py" in note for note in notes)


def test_links_are_never_followed(tmp_path):
    root = upload(tmp_path, {})
    secret = tmp_path / "secret.py"
    secret.write_text("secret")
    (root / "x.py").symlink_to(secret)
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    chosen, refused, _ = resolve(root, ["x.py", "secret.py"])
    assert chosen == {} and refused == {}


# --- run_autograder, in Gradescope's layout ----------------------------------------------------------

@pytest.fixture(scope="module")
def layout():
    """A course folder others can read (Gradescope unpacks the zip so; pytest's own tmp is private)."""
    base = Path(tempfile.mkdtemp(prefix="torchkata-gradescope-test-"))
    base.chmod(0o755)
    root = make_course(base / "source")
    for path in [base, *base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield base, root
    shutil.rmtree(base, ignore_errors=True)


def run_autograder(layout, tmp_path: Path, files: dict[str, Path], **env) -> tuple[dict, str]:
    base, root = layout
    autograder = tmp_path / "autograder"
    for relative, source in files.items():
        (autograder / "submission" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, autograder / "submission" / relative)
    (autograder / "submission").mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "AUTOGRADER": str(autograder), "TORCHKATA_SOURCE": str(root), "KATA": str(KATA),
                   "TORCHKATA_GRADER_USER": "", **env}
    done = subprocess.run(["bash", str(REPO / "gradescope" / "run_autograder")], env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (autograder / "results" / "results.json").read_text()
    document = json.loads(text)
    validate(document)
    return document, text


@pytest.mark.slow
def test_a_nested_upload_grades_the_learners_own_file_and_names_the_stale_copy(layout, tmp_path):
    document, text = run_autograder(layout, tmp_path, {"hw1/submissions/stable_softmax.py": SOFTMAX_REFERENCE,
                                                       "backup/stable_softmax.py": STUB})
    assert document["score"] == SOFTMAX_POINTS and all(test["status"] == "passed" for test in document["tests"])
    assert "graded hw1/submissions/stable_softmax.py; set aside backup/stable_softmax.py" in document["output"]
    base, root = layout
    for secret in ("torchkata-gradescope-", str(tmp_path), str(root), "/autograder"):
        assert secret not in text


@pytest.mark.slow
def test_an_ambiguous_upload_is_reported_not_picked(layout, tmp_path):
    document, _ = run_autograder(layout, tmp_path, {"stable_softmax.py": STUB,
                                                    "hw1/submissions/stable_softmax.py": SOFTMAX_REFERENCE})
    assert document["score"] == 0
    (test,) = document["tests"]
    assert test["status"] == "failed" and test["visibility"] == "visible"
    assert "found 2 files named stable_softmax.py" in test["output"]
    assert "stable_softmax.py, hw1/submissions/stable_softmax.py" in test["output"]
    assert "not graded: 2 candidates" in document["output"]


@pytest.mark.slow
def test_a_grading_failure_gives_students_a_visible_message(layout, tmp_path):
    document, _ = run_autograder(layout, tmp_path, {}, TORCHKATA_SOURCE=str(tmp_path / "nowhere"))
    assert document["score"] == 0 and document["tests"] == [] and document["visibility"] == "visible"
    assert "could not grade" in document["output"] and "log" not in document["output"].replace("instructor's log", "")


@pytest.mark.skipif(os.geteuid() != 0, reason="the drop to an unprivileged user happens when run as root")
def test_grading_runs_as_an_unprivileged_user(layout, tmp_path):
    seen = Path(tempfile.mkdtemp(prefix="torchkata-uid-"))
    seen.chmod(0o777)
    spy = seen / "kata"
    spy.write_text(f"#!/bin/sh\nid -u > {seen}/uid\nid -G > {seen}/groups\nexit 3\n")
    spy.chmod(0o755)
    try:
        document, _ = run_autograder(layout, tmp_path, {"stable_softmax.py": SOFTMAX_REFERENCE},
                                     KATA=str(spy), TORCHKATA_PYTHON=sys.executable, TORCHKATA_GRADER_USER="nobody")
        import pwd
        nobody = pwd.getpwnam("nobody")
        assert int((seen / "uid").read_text()) == nobody.pw_uid
        assert (seen / "groups").read_text().split() == [str(nobody.pw_gid)]
        assert document["score"] == 0 and "could not grade" in document["output"]
    finally:
        shutil.rmtree(seen, ignore_errors=True)
