"""classroom50: `kata export --format classroom50` and `kata release --target classroom50`, checked
against classroom50's result schema (tests/fixtures/classroom50/) and its runner's contract
(tests/classroom50_runner.py): a correct, a wrong, an empty and an ungradable learner."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import classroom50_runner as runner
from tests.conftest import COURSE, SOFTMAX, SOFTMAX_REFERENCE, make_course
from tests.hostile import hostile_learner
from tests.test_exporters import kata_result, make_class, t
from torchkata.batch import LearnerResult
from torchkata.classroom50 import pack
from torchkata.cli import main
from torchkata.exporters import classroom50

jsonschema = pytest.importorskip("jsonschema")
FIXTURES = Path(__file__).parent / "fixtures" / "classroom50"
RESULT_SCHEMA = json.loads((FIXTURES / "result-v1.schema.json").read_text())
ASSIGNMENT_SCHEMA = json.loads((FIXTURES / "assignment-v1.schema.json").read_text())
IDENTITY = {"CLASSROOM": "cs101", "ASSIGNMENT": "hw1", "SUBMISSION_TAG": "submit/2026-11-30T09-00-00Z-abc1234",
            "OWNER": "alice", "COMMIT_URL": "https://github.com/cs101/x/commit/abc",
            "RELEASE_URL": "https://github.com/cs101/x/releases/tag/submit%2F1"}


def valid(document: dict, owner: str = "alice", assignment: str = "hw1") -> dict:
    jsonschema.Draft202012Validator(RESULT_SCHEMA).validate(document)
    assert runner.validate(document, classroom="cs101", assignment=assignment, owner=owner) is None
    return document


# --- the export ----------------------------------------------------------------------------------

def test_every_learner_gets_a_valid_document_with_the_same_maximum():
    learners, _ = make_class()
    identity = classroom50.identity_from_env(IDENTITY)
    documents = [valid(classroom50.document(learner, identity)) for learner in learners + [hostile_learner()]]
    assert {d["max-score"] for d in documents[:3]} == {14}
    assert [d["score"] for d in documents[:3]] == [14, 0, 5]
    for document in documents:
        assert document["score"] == sum(test["score"] for test in document["tests"])
        for test in document["tests"]:
            assert "\n" not in test["test-name"] and test["passed"] == (test["score"] == test["max-score"] > 0)


def test_hostile_text_stays_in_messages_cleaned():
    document = valid(classroom50.document(hostile_learner(), classroom50.identity_from_env(IDENTITY)))
    text = json.dumps(document, ensure_ascii=False)
    text.encode("utf-8")
    assert "\\u001b" not in text and "\\u0000" not in text and "\u202e" not in text


def test_fractional_points_are_scaled_to_whole_numbers():
    learner = LearnerResult("x", "/x", "", [kata_result("k", [t("a", "passed", 0.5, 0.5), t("b", "failed", 0, 1.5)])])
    identity = classroom50.identity_from_env(IDENTITY)
    document = valid(classroom50.document(learner, identity))
    assert (document["score"], document["max-score"]) == (1, 4)
    assert valid(classroom50.document(learner, identity, scale=10))["max-score"] == 20


def test_the_command_reads_the_runners_environment(tmp_path, monkeypatch):
    learners, _ = make_class()
    path = tmp_path / "ada.json"
    path.write_text(json.dumps(learners[0].to_dict()))
    for name, value in IDENTITY.items():
        monkeypatch.setenv(name, value)
    done = CliRunner().invoke(main, ["export", str(path), "--format", "classroom50"])
    assert done.exit_code == 0, done.output
    assert valid(json.loads(done.output))["score"] == 14
    monkeypatch.delenv("SUBMISSION_TAG")
    monkeypatch.delenv("OWNER")
    refused = CliRunner().invoke(main, ["export", str(path), "--format", "classroom50"])
    assert refused.exit_code == 2 and "SUBMISSION_TAG" in refused.output and "OWNER" in refused.output


# --- the release target ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def assignment(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("course") / "course")
    out = tmp_path_factory.mktemp("classroom50") / "hw1"
    done = CliRunner().invoke(main, ["release", "--course", str(root), "--out", str(out), "--target", "classroom50",
                                     "--assignment", "hw1"])
    assert done.exit_code == 0, done.output
    return root, out


def test_the_assignment_has_a_template_a_bundle_and_its_record(assignment):
    root, out = assignment
    template = out / "template"
    assert (template / "submissions").is_dir() and not (template / ".github").exists()
    bundle = out / "autograders" / "hw1"
    files = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert {"autograder.py", "bundle.json", "course/course.toml"} <= files
    assert any(f.startswith("torchkata-") and f.endswith(".whl") for f in files)
    assert "course/katas/stable-softmax/recorded/reference.pt" in files
    assert not any("hidden" in f or "mutants/" in f or "reference/" in f for f in files)
    reference = (root / "reference" / "stable_softmax.py").read_bytes()
    assert not any((bundle / f).read_bytes() == reference for f in files)
    record = json.loads((out / "assignment.json").read_text())
    jsonschema.Draft202012Validator(ASSIGNMENT_SCHEMA).validate(record)
    assert record["slug"] == "hw1"
    config = json.loads((bundle / "bundle.json").read_text())
    assert config["max_score"] == 9 and config["scale"] == 1
    assert len(pack(out / "autograders", "hw1")) < runner.MAX_FETCH_BYTES


def test_a_bad_slug_is_refused(tmp_path):
    done = CliRunner().invoke(main, ["release", "--course", str(COURSE), "--out", str(tmp_path / "x"),
                                     "--target", "classroom50", "--assignment", "HW 1"])
    assert done.exit_code == 2 and "--assignment 'HW 1'" in done.output


def checkout(template: Path, where: Path, submission: Path | None) -> Path:
    shutil.copytree(template, where)
    if submission is not None:
        shutil.copy(submission, where / "submissions" / "stable_softmax.py")
    return where


@pytest.mark.slow
def test_the_runner_grades_a_correct_a_wrong_and_an_empty_learner(assignment, tmp_path):
    _, out = assignment
    tarball = pack(out / "autograders", "hw1")
    learners = {"correct": SOFTMAX_REFERENCE, "wrong": SOFTMAX / "mutants" / "no_max_subtraction.py", "empty": None}
    graded = {}
    for name, submission in learners.items():
        repo = checkout(out / "template", tmp_path / f"cs101-hw1-{name}", submission)
        graded[name] = runner.grade(tarball, "hw1", repo, tmp_path / "runner" / "classroom50-runtime", owner=name)
        assert graded[name].exit_code == 0, graded[name].log
        valid(graded[name].result, owner=name)
        assert (repo / "release-body.md").read_text().startswith("## torchkata:")
    assert {g.result["max-score"] for g in graded.values()} == {9}
    assert graded["correct"].result["score"] == 9 and graded["correct"].status == "success"
    assert 0 <= graded["wrong"].result["score"] < 9 and graded["wrong"].status == "failure"
    assert graded["empty"].result["score"] == 0 and graded["empty"].status == "failure"
    (missing,) = graded["empty"].result["tests"]
    assert missing["max-score"] == 9 and "submissions/stable_softmax.py" in missing["message"]
    assert "site/torchkata/__init__.py" in graded["correct"].log          # the bundle's grader, not this one


@pytest.mark.slow
def test_a_bundle_that_cannot_grade_still_publishes_a_result_that_says_why(assignment, tmp_path):
    _, out = assignment
    broken = tmp_path / "autograders"
    shutil.copytree(out / "autograders", broken)
    (broken / "hw1" / "course" / "course.toml").write_text("order = [\n")
    repo = checkout(out / "template", tmp_path / "cs101-hw1-bob", SOFTMAX_REFERENCE)
    graded = runner.grade(pack(broken, "hw1"), "hw1", repo, tmp_path / "runner" / "classroom50-runtime", owner="bob")
    assert graded.exit_code == 0 and graded.status == "error"
    result = valid(graded.result, owner="bob")
    assert result["score"] == 0 and result["max-score"] == 9
    assert "course.toml" in result["tests"][0]["message"] and str(tmp_path) not in result["tests"][0]["message"]
    assert "not graded" in (repo / "release-body.md").read_text()
