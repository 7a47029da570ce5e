"""The GitHub Classroom result against its consumers: the reporter's contract (tests/classroom_reporter.py,
a model of its code) and the Actions log that runs workflow commands, with hostile learner text, the
size an environment variable can hold, the reporter's table, the same maximum for every learner, and
the released workflow run for real, broken course included."""
from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from tests.classroom_reporter import command_in, expected_notices, github_output, reporter_env, run_reporter
from tests.conftest import COURSE, make_course
from tests.hostile import HOSTILE, hostile_learner
from torchkata.batch import LearnerResult
from torchkata.exporters import classroom, export
from torchkata.release import CLASSROOM_FALLBACK, classroom_workflow
from torchkata.results import KataResult, TestResult

ARG_STRLEN = 131_072          # Linux: one "NAME=value" environment string
VENV_BIN = Path(sys.executable).parent


def outputs_of(learner: LearnerResult) -> dict[str, str]:
    return github_output(export([learner], "classroom"))


def report_for(outputs: dict[str, str]):
    return run_reporter(",".join(outputs), {f"{name.upper()}_RESULTS": value for name, value in outputs.items()})


def documents(outputs: dict[str, str]) -> dict[str, dict]:
    return {name: json.loads(base64.b64decode(value)) for name, value in outputs.items()}


def assert_no_forged_commands(report) -> None:
    """The only commands in the log are the reporter's own two notices, with the true totals."""
    notices = expected_notices(report)
    assert len(notices) == 2, notices
    assert json.loads(notices[1].split("::", 2)[2]) == {"totalPoints": report.total_points,
                                                          "maxPoints": report.max_points}
    for line in report.log:
        if line not in notices:
            assert command_in(line) is None, line[:200]


def assert_safe_line(text: str) -> None:
    assert "\n" not in text and "\r" not in text
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text), ascii(text[:200])
    assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f" for c in text)
    assert not text.lstrip().startswith("::") and "##[" not in text


# --- hostile text -----------------------------------------------------------------------------

def test_no_learner_text_can_act_on_the_log_or_break_a_line():
    outputs = outputs_of(hostile_learner())
    assert set(outputs) == {"stablesoftmax", "gather"}
    for document in documents(outputs).values():
        for test in document["tests"]:
            for key in ("name", "message", "test_code", "filename"):
                if key in test:
                    assert_safe_line(test[key])
    report = report_for(outputs)
    assert_no_forged_commands(report)
    assert not any("999" in line for line in expected_notices(report))


def test_the_export_is_name_value_lines_for_github_output():
    text = export([hostile_learner()], "classroom")
    for line in text.splitlines():
        name, _, value = line.partition("=")
        assert name.isalnum() and name.islower()
        base64.b64decode(value, validate=True)


@pytest.mark.parametrize("slugs, expected", [
    (["stable-softmax", "gather"], ["stablesoftmax", "gather"]),
    (["a-b", "ab", "a_b", "---"], ["ab", "ab2", "ab3", "kata4"]),
])
def test_runner_names_are_letters_and_digits_and_unique(slugs, expected):
    assert list(classroom.runner_names(slugs).values()) == expected


# --- size -----------------------------------------------------------------------------------

def big_kata(kata: str, tests: int, text: str, weight: float = 1.0) -> KataResult:
    return KataResult(kata=kata, title=kata, submission={"path": "", "sha256": ""}, devices=["cpu"],
                      isolation={"level": "strong", "mechanisms": []}, lang="en",
                      tests=[TestResult(name=f"test_case_number_{i}_with_a_long_descriptive_name", visibility="public",
                                        status="failed", points=0.0, max_points=weight, message=text, line=i + 1,
                                        file=f"katas/{kata}/specs/test_public.py")
                             for i in range(tests)])


@pytest.mark.parametrize("katas, tests, weight", [(33, 8, 2.0), (3, 2_000, 1.0), (2, 300, 0.25), (600, 3, 3.0)])
def test_every_result_stays_well_within_one_environment_variable(katas, tests, weight):
    learner = LearnerResult("big", "/x", "", [big_kata(f"kata-{k}", tests, HOSTILE[-1] + HOSTILE[-2], weight)
                                              for k in range(katas)])
    outputs = outputs_of(learner)
    assert len(outputs) == katas
    for name, value in outputs.items():
        assert len(f"{name.upper()}_RESULTS={value}") < ARG_STRLEN // 2
        assert len(value) <= classroom.RUNNER_BUDGET
    assert sum(len(value) for value in outputs.values()) <= classroom.TOTAL_BUDGET
    report = report_for(outputs)
    assert report.max_points == pytest.approx(katas * tests * weight)
    assert_no_forged_commands(report)


def test_messages_are_shortened_before_tests_are_grouped():
    learner = LearnerResult("long", "/x", "", [big_kata("k", 60, "why " * 5_000)])
    document = documents(outputs_of(learner))["k"]
    assert len(document["tests"]) == 60                       # still one entry per 1-point test
    assert all(0 < len(test.get("message", "")) <= 300 for test in document["tests"])


# --- the reporter's table ---------------------------------------------------------------------

def random_learner(seed: int) -> LearnerResult:
    chance = random.Random(seed)
    results = []
    for k in range(4):
        tests = []
        for i in range(chance.randint(1, 9)):
            weight = chance.choice([0.5, 1.0, 2.0, 3.0, 4.0])
            status = chance.choice(["passed", "failed", "error", "timeout", "skipped"])
            tests.append(TestResult(name=f"t{i}", visibility=chance.choice(["public", "hidden"]), status=status,
                                    points=weight if status == "passed" else 0.0, max_points=weight, line=i + 1))
        if chance.random() < 0.2:
            tests.append(TestResult(name="uses no forbidden API", visibility="public", kind="rule", points=0.0,
                                    max_points=0.0, status=chance.choice(["passed", "failed"])))
        results.append(KataResult(kata=f"kata{k}", title="", submission={}, devices=["cpu"], isolation={},
                                  lang="en", tests=tests))
    return LearnerResult(f"learner{seed}", "/x", "", results)


@pytest.mark.parametrize("seed", range(40))
def test_the_reporters_table_adds_up_to_the_points_classroom_records(seed):
    learner = random_learner(seed)
    outputs = outputs_of(learner)
    report = report_for(outputs)
    for (name, table_score, table_max), document in zip(report.table, documents(outputs).values()):
        assert table_score == pytest.approx(sum(test["score"] for test in document["tests"]), abs=1e-9), name
        assert table_max == document["max_score"]
    assert report.total_points == pytest.approx(learner.points, abs=1e-9)
    assert report.max_points == pytest.approx(learner.max_points, abs=1e-9)


def test_a_three_point_test_is_three_one_point_entries():
    learner = LearnerResult("x", "/x", "", [KataResult(
        kata="k", title="", submission={}, devices=[], isolation={}, lang="en", tests=[
            TestResult(name="a", visibility="public", status="passed", points=3, max_points=3, line=4),
            TestResult(name="b", visibility="public", status="error", points=0, max_points=2, message="boom",
                       line=9)])])
    tests = documents(outputs_of(learner))["k"]["tests"]
    assert [(t["name"], t["status"], t["score"]) for t in tests] == [
        ("k: a (1/3)", "pass", 1), ("k: a (2/3)", "pass", 1), ("k: a (3/3)", "pass", 1),
        ("k: b (1/2)", "error", 0), ("k: b (2/2)", "fail", 0)]
    assert tests[0]["line_no"] == 4 and tests[1]["line_no"] == 0 and tests[3]["message"] == "boom"


def test_quantum_is_the_largest_common_step():
    from fractions import Fraction
    assert classroom.quantum([2.0, 3.0, 4.0]) == 1
    assert classroom.quantum([2.0, 4.0]) == 2
    assert classroom.quantum([0.5, 1.5, 3.0]) == Fraction(1, 2)
    assert classroom.quantum([1 / 3]) == Fraction(1, 3)
    assert classroom.quantum([]) is None


def test_a_kata_with_nothing_graded_is_an_error_not_a_pass():
    learner = LearnerResult("x", "/x", "", [KataResult(
        kata="k", title="", submission={}, devices=[], isolation={}, lang="en", tests=[
            TestResult(name="a[cuda]", visibility="public", status="skipped", points=0, max_points=3,
                       message="not run: no CUDA")])])
    document = documents(outputs_of(learner))["k"]
    assert document["status"] == "error" and document["tests"][0]["status"] == "error"
    assert "no CUDA" in document["tests"][0]["message"]


# --- the workflow -------------------------------------------------------------------------------

def workflow_steps(text: str) -> dict[str, dict]:
    workflow = yaml.safe_load(text)
    assert workflow["name"] == "Autograding Tests" and list(workflow["jobs"]) == ["run-autograding-tests"]
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    return {step.get("id") or step["name"]: step for step in steps}


def test_the_workflow_grades_and_reports_whatever_failed_before():
    text = classroom_workflow("torchkata==0.2.0", {"stable-softmax": 9.0, "gather": 5})
    steps = workflow_steps(text)
    grade = steps["torchkata"]
    reporter = next(step for step in steps.values() if "autograding-grading-reporter" in step.get("uses", ""))
    assert grade["if"] == "always()" and reporter["if"] == "always()"
    assert reporter["with"]["runners"] == "stablesoftmax,gather"
    assert reporter["env"] == {"STABLESOFTMAX_RESULTS": "${{ steps.torchkata.outputs.stablesoftmax }}",
                               "GATHER_RESULTS": "${{ steps.torchkata.outputs.gather }}"}
    assert json.loads(grade["env"]["TORCHKATA_RUNNERS"]) == {"stablesoftmax": 9, "gather": 5}
    assert "GITHUB_OUTPUT" in grade["run"] and "GITHUB_STEP_SUMMARY" in grade["run"]
    install = next(step for step in steps.values() if "Install torchkata" in step.get("name", ""))
    assert '"torchkata==0.2.0"' in install["run"]
    everything = "\n".join(step.get("run", "") for step in steps.values())
    assert "pip install ." not in everything and "-e ." not in everything
    assert any("upload-artifact" in step.get("uses", "") for step in steps.values())


def run_fallback(tmp_path: Path, exported: str | None, log: str, runners: dict) -> dict[str, str]:
    export_file, log_file = tmp_path / "classroom.out", tmp_path / "grade.log"
    if exported is not None:
        export_file.write_text(exported)
    log_file.write_text(log, encoding="utf-8", errors="replace")
    done = subprocess.run([sys.executable, "-", str(export_file), str(log_file)], input=CLASSROOM_FALLBACK,
                          capture_output=True, text=True, env={**os.environ, "TORCHKATA_RUNNERS": json.dumps(runners)})
    assert done.returncode == 0, done.stderr
    return github_output(done.stdout)


@pytest.mark.parametrize("last_line", HOSTILE[:12] + ["kata: command not found"])
def test_the_fallback_gives_every_missing_runner_an_error_worth_its_points(tmp_path, last_line):
    runners = {"stablesoftmax": 9, "gather": 5}
    partial = "gather=" + classroom.encode({"version": 1, "status": "pass", "max_score": 5, "tests": [
        {"name": "gather: t", "status": "pass", "score": 5, "max_score": 5, "line_no": 1}]}) + "\nnoise\n"
    outputs = run_fallback(tmp_path, partial, "grading 1 learners\n" + last_line + "\n", runners)
    docs = documents(outputs)
    assert docs["gather"]["status"] == "pass"
    error = docs["stablesoftmax"]
    assert error["status"] == "error" and error["max_score"] == 9 and error["tests"][0]["score"] == 0
    assert_safe_line(error["tests"][0]["message"])
    assert error["tests"][0]["message"].startswith("grading failed: ")
    report = report_for(outputs)
    assert report.max_points == 14 and report.total_points == 5
    assert_no_forged_commands(report)


# --- the released workflow, run -----------------------------------------------------------------

@pytest.fixture(scope="module")
def released(tmp_path_factory):
    from torchkata.catalogue import load_course
    from torchkata.release import release_course
    root = make_course(tmp_path_factory.mktemp("course") / "course", ("stable-softmax", "gather"))
    out = tmp_path_factory.mktemp("released") / "template"
    release_course(load_course(root), out)
    return root, out


def run_grade_step(repo: Path, tmp: Path) -> tuple[dict[str, str], str, dict]:
    """The workflow's grading step, run with bash as the Actions runner would, in the learner's checkout."""
    steps = workflow_steps((repo / ".github" / "workflows" / "classroom.yml").read_text())
    step = steps["torchkata"]
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(parents=True)
    output, summary = tmp / "github_output", tmp / "summary.md"
    env = {**os.environ, **step["env"], "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output),
           "GITHUB_STEP_SUMMARY": str(summary), "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("TORCHKATA_COURSE", None)
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    reporter = next(s for s in steps.values() if "autograding-grading-reporter" in s.get("uses", ""))
    outputs = github_output(output.read_text())
    return outputs, summary.read_text(), reporter


def learner_checkout(template: Path, where: Path, files: dict[str, Path]) -> Path:
    shutil.copytree(template, where)
    for name, source in files.items():
        shutil.copy(source, where / "submissions" / name)
    return where


@pytest.mark.slow
def test_the_released_workflow_gives_every_learner_the_same_maximum(released, tmp_path):
    root, template = released
    softmax, gather = COURSE / "reference" / "stable_softmax.py", COURSE / "reference" / "gather_rows.py"
    learners = {
        "empty": {},
        "started": {"stable_softmax.py": COURSE / "katas" / "stable-softmax" / "stub.py"},
        "half": {"stable_softmax.py": softmax},
        "done": {"stable_softmax.py": softmax, "gather_rows.py": gather},
    }
    seen = {}
    for name, files in learners.items():
        repo = learner_checkout(template, tmp_path / name, files)
        outputs, summary, reporter = run_grade_step(repo, tmp_path / f"{name}-run")
        report = run_reporter(reporter["with"]["runners"], reporter_env(reporter, outputs))
        assert_no_forged_commands(report)
        for (runner, table_score, _), document in zip(report.table, documents(outputs).values()):
            assert table_score == pytest.approx(sum(t["score"] for t in document["tests"])), (name, runner)
        seen[name] = (report.total_points, report.max_points)
        assert "## torchkata:" in summary
    assert len({maximum for _, maximum in seen.values()}) == 1, seen
    assert seen["empty"][0] == seen["started"][0] == 0
    assert 0 < seen["half"][0] < seen["done"][0] == seen["done"][1]


@pytest.mark.slow
def test_a_broken_course_still_reports_every_runner_with_the_same_maximum(released, tmp_path):
    _, template = released
    repo = learner_checkout(template, tmp_path / "broken", {})
    (repo / "course.toml").write_text("this is = not [toml\n")
    outputs, summary, reporter = run_grade_step(repo, tmp_path / "run")
    report = run_reporter(reporter["with"]["runners"], reporter_env(reporter, outputs))
    steps = workflow_steps((template / ".github" / "workflows" / "classroom.yml").read_text())
    maximum = sum(json.loads(steps["torchkata"]["env"]["TORCHKATA_RUNNERS"]).values())
    assert report.max_points == maximum and report.total_points == 0
    assert report.failed == "Some tests errored."
    for document in documents(outputs).values():
        assert document["status"] == "error" and "course.toml" in document["tests"][0]["message"]
    assert_no_forged_commands(report)
    assert "could not grade" in summary


# --- the reporter's own code, where it can run ---------------------------------------------------

REPORTER = os.environ.get("TORCHKATA_CLASSROOM_REPORTER")   # a folder with its src/ and node_modules/


@pytest.mark.skipif(not (REPORTER and shutil.which("node")), reason="set TORCHKATA_CLASSROOM_REPORTER to a checkout "
                    "of classroom-resources/autograding-grading-reporter with its node_modules to run its own code")
@pytest.mark.parametrize("seed", [None, *range(8)])
def test_the_reporters_own_code_agrees_with_the_model(seed):
    outputs = outputs_of(hostile_learner() if seed is None else random_learner(seed))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}, "INPUT_RUNNERS": ",".join(outputs),
           **{f"{name.upper()}_RESULTS": value for name, value in outputs.items()}}
    done = subprocess.run(["node", str(Path(REPORTER) / "src" / "main.js")], env=env, capture_output=True, text=True)
    model = report_for(outputs)
    lines = done.stdout.splitlines()
    notices = [line for line in lines if line.startswith("::notice")]
    assert notices == expected_notices(model)
    for line in lines:
        if line not in notices and not line.startswith("::error::Some tests"):
            assert command_in(line) is None, line
    assert [line for line in lines if line.startswith(("🔄", "Error:", "Total points"))] == \
        [line for line in model.log if line.startswith(("🔄", "Error:", "Total points"))]
