"""Golden-file tests for every export format, from a fixed, hand-built class.

Regenerate after an intended change with:  UPDATE_GOLDEN=1 python -m pytest tests/test_exporters.py
"""
import base64
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from torchkata.batch import LearnerResult
from torchkata.exporters import export
from torchkata.exporters import leaderboard
from torchkata.results import KataResult, TestResult

GOLDEN = Path(__file__).parent / "golden"
ISOLATION = {"level": "strong", "mechanisms": ["landlock-fs(abi 7)", "netns", "process", "rlimits"]}


def kata_result(kata, tests, hidden_run=True):
    return KataResult(kata=kata, title=kata.title(), submission={"path": f"submissions/{kata}.py", "sha256": "ab" * 32},
                      devices=["cpu"], isolation=ISOLATION, lang="en", tests=tests, hidden_run=hidden_run,
                      started_at="2026-11-23T09:00:00+00:00", duration=1.0, grader_version="0.1.0")


def t(name, status, points, max_points, visibility="public", message="", duration=0.1, kind="spec", output="",
      diagnosis=""):
    line = 10 + sum(map(ord, name)) % 50
    return TestResult(name=name, visibility=visibility, status=status, points=points, max_points=max_points,
                      message=message, duration=duration, kind=kind, output=output, diagnosis=diagnosis,
                      file="" if kind == "missing" else f"katas/x/specs/test_{visibility}.py", line=line)


def make_class():
    ada = LearnerResult("ada", "/class/ada", "2026-11-23T09:00:00+00:00", [
        kata_result("stable-softmax", [t("test_seed", "passed", 3, 3), t("test_rows", "passed", 2, 2),
                                       t("test_dims", "passed", 4, 4, "hidden", duration=0.2),
                                       t("test_cuda[cuda]", "skipped", 0, 1, message="not run: no CUDA"),
                                       t("uses no forbidden API", "passed", 0, 0, kind="rule", duration=0)]),
        kata_result("gather", [t("test_pick", "passed", 2, 2), t("test_nll", "passed", 3, 3, "hidden")]),
    ])
    bo = LearnerResult("bo", "/class/bo", "2026-11-23T09:00:00+00:00", [
        kata_result("stable-softmax", [
            t("test_seed", "failed", 0, 3, message="your result contains NaN\nfirst difference at index [0]",
              diagnosis="Likely mistake: exp overflows: subtract the maximum along `dim` before calling exp."),
            t("test_rows", "error", 0, 2, message="your code raised ValueError: bad <dim> | pipe", output="debug print"),
            t("test_dims", "timeout", 0, 4, "hidden", message="stopped after the 5 s time limit", duration=5.0),
            t("uses no forbidden API", "passed", 0, 0, kind="rule", duration=0)]),
        kata_result("gather", [t("submission", "error", 0, 5, message="submissions/gather_rows.py: no such file",
                                 kind="missing", duration=0)]),
    ], integrity={"status": "modified", "modified": ["katas/gather/specs/test_public.py"], "score_zeroed": False})
    cy = LearnerResult("cy", "/class/cy", "2026-11-23T09:00:00+00:00", [
        kata_result("stable-softmax", [t("test_seed", "passed", 3, 3, duration=0.3), t("test_rows", "passed", 2, 2),
                                       t("test_dims", "passed", 4, 4, "hidden"),
                                       t("uses no forbidden API", "failed", 0, 0, kind="rule",
                                         message="torch.softmax is not allowed in this kata (line 4)")]),
        kata_result("gather", [t("test_pick", "passed", 2, 2), t("test_nll", "passed", 3, 3, "hidden")],
                    hidden_run=False),
    ], integrity={"status": "intact", "modified": [], "score_zeroed": False})
    reference = LearnerResult("reference", "/course", "2026-11-23T09:00:00+00:00", [
        kata_result("stable-softmax", [t("test_seed", "passed", 3, 3, duration=0.2), t("test_rows", "passed", 2, 2),
                                       t("test_dims", "passed", 4, 4, "hidden")]),
        kata_result("gather", [t("test_pick", "passed", 2, 2), t("test_nll", "passed", 3, 3, "hidden")]),
    ])
    return [ada, bo, cy], reference


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, name", [("csv", "class.csv"), ("jsonl", "class.jsonl"), ("junit", "class.junit.xml")])
def test_class_formats(fmt, name):
    learners, reference = make_class()
    check_golden(name, export(learners, fmt, reference))


@pytest.mark.parametrize("learner, fmt, name", [(0, "gradescope", "ada.gradescope.json"),
                                                (1, "gradescope", "bo.gradescope.json"),
                                                (1, "markdown", "bo.summary.md"),
                                                (2, "markdown", "cy.summary.md")])
def test_single_learner_formats(learner, fmt, name):
    learners, reference = make_class()
    check_golden(name, export([learners[learner]], fmt, reference))


def classroom_documents(learner) -> dict:
    """Runner name -> decoded Classroom result, from the name=value lines of the export."""
    lines = [line.partition("=") for line in export([learner], "classroom").splitlines()]
    return {name: json.loads(base64.b64decode(value)) for name, _, value in lines}


@pytest.mark.parametrize("learner, name", [(0, "ada.classroom.json"), (1, "bo.classroom.json"), (2, "cy.classroom.json")])
def test_classroom_result_is_a_runner_per_kata_whose_scores_are_the_points(learner, name):
    learners, _ = make_class()
    documents = classroom_documents(learners[learner])
    check_golden(name, json.dumps(documents, indent=2, ensure_ascii=False) + "\n")
    assert list(documents) == ["stablesoftmax", "gather"]
    for document, result in zip(documents.values(), learners[learner].results):
        assert document["version"] == 1 and document["max_score"] == result.totals.max_points
        for test in document["tests"]:
            assert {"name", "status", "score", "max_score", "line_no"} <= set(test)
            assert isinstance(test["line_no"], int) and test["line_no"] >= 0
    assert sum(t["score"] for d in documents.values() for t in d["tests"]) == learners[learner].points


def test_a_kata_not_started_is_worth_what_a_started_one_is():
    learners, _ = make_class()
    bo = learners[1]
    missing = classroom_documents(bo)["gather"]
    assert missing["max_score"] == 5 and [(t["status"], t["max_score"]) for t in missing["tests"]] == [("fail", 5)]
    assert missing["tests"][0]["message"] == "submissions/gather_rows.py: no such file"
    attempted = LearnerResult("dee", "/class/dee", bo.graded_at, [bo.results[0], kata_result("gather", [
        t("test_pick", "failed", 0, 2), t("test_nll", "failed", 0, 3, "hidden")])])
    assert classroom_documents(attempted)["gather"]["max_score"] == 5


def test_classroom_all_passed_is_full_marks():
    learners, _ = make_class()
    for document in classroom_documents(learners[0]).values():
        assert document["status"] == "pass" and sum(t["score"] for t in document["tests"]) == document["max_score"]


def test_integrity_is_shown_by_every_export():
    learners, reference = make_class()
    assert "modified: katas/gather/specs/test_public.py" in export(learners, "csv", reference)
    assert '"integrity": "modified' in export(learners, "jsonl", reference)
    assert 'name="integrity" value="modified"' in export(learners, "junit", reference)
    assert "Protected files: **modified**" in export([learners[1]], "markdown", reference)
    assert json.loads(export([learners[1]], "gradescope", reference))["extra_data"]["torchkata"]["integrity"][
        "status"] == "modified"
    assert "modified" in leaderboard.render(learners, "md")


def test_a_zeroed_learner_scores_0_everywhere_with_the_reason():
    learners, reference = make_class()
    ada = learners[0]
    ada.integrity = {"status": "modified", "modified": [".github/workflows/classroom.yml"], "score_zeroed": True}
    assert ada.points == 0
    classroom = classroom_documents(ada)
    assert sum(test["score"] for d in classroom.values() for test in d["tests"]) == 0
    assert "protected files were modified" in classroom["stablesoftmax"]["tests"][0]["message"]
    gradescope = json.loads(export([ada], "gradescope", reference))
    assert gradescope["score"] == 0
    assert all(test["status"] == "failed" and test["score"] == 0 for test in gradescope["tests"])
    assert "stable-softmax: 0/9" in gradescope["output"] and "9/9" not in gradescope["output"]
    assert "ada,stable-softmax,0.0" in export(learners, "csv", reference)
    assert "| stable-softmax | 0 / 9 |" in export([ada], "markdown", reference)


def test_gradescope_fields_follow_the_specification():
    learners, reference = make_class()
    for learner in learners:
        document = json.loads(export([learner], "gradescope", reference))
        assert document["score"] == sum(test["score"] for test in document["tests"]) == learner.points
        for test in document["tests"]:
            assert {"name", "score", "max_score", "output", "visibility", "status"} <= set(test)
            assert test["visibility"] in ("visible", "after_due_date")
            assert test["status"] in ("passed", "failed")
            assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
        assert document["leaderboard"] == [{"name": "Points", "value": learner.points, "order": "desc"}]
    ada = json.loads(export([learners[0]], "gradescope", reference))
    assert not any("cuda" in test["name"] for test in ada["tests"])          # not graded: not a test at all
    assert "test_cuda[cuda] (not run: no CUDA)" in ada["output"]


def test_junit_parses_and_counts():
    learners, reference = make_class()
    root = ET.fromstring(export(learners, "junit", reference))
    suite = root.find("testsuite[@name='bo/stable-softmax']")
    assert suite.get("failures") == "2" and suite.get("errors") == "1"
    assert suite.find("testcase[@name='test_rows']/system-out").text == "debug print"


@pytest.mark.parametrize("fmt", ["csv", "md", "html", "json"])
def test_leaderboards(fmt):
    learners, _ = make_class()
    check_golden(f"leaderboard.{fmt}", leaderboard.render(learners, fmt))


def test_cli_refuses_single_learner_formats_for_a_class(tmp_path):
    learners, _ = make_class()
    for learner in learners:
        path = tmp_path / "learners" / f"{learner.learner}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(learner.to_dict()))
    from click.testing import CliRunner
    from torchkata.cli import main
    result = CliRunner().invoke(main, ["export", str(tmp_path), "--format", "gradescope"])
    assert result.exit_code == 2 and "describes one learner, but 3" in result.output
    ok = CliRunner().invoke(main, ["export", str(tmp_path), "--format", "csv", "-o", str(tmp_path / "g.csv")])
    assert ok.exit_code == 0 and (tmp_path / "g.csv").read_text().startswith("learner,kata,points")
