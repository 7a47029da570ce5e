"""The learner CLI through click's CliRunner (in-process)."""
import json
import shutil

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.conftest import REPO


@pytest.fixture
def run(project, monkeypatch):
    monkeypatch.delenv("TORCHKATA_ROOT", raising=False)
    monkeypatch.delenv("TORCHKATA_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(project)

    def invoke(*args, input=None, env=None):
        return CliRunner().invoke(main, ["--root", str(project), *args], input=input, env=env,
                                  catch_exceptions=False)
    return invoke


def progress(project):
    return json.loads((project / "submissions" / "progress.json").read_text())


def test_list_shows_the_catalogue(run):
    result = run("list")
    assert result.exit_code == 0
    assert "stable-softmax" in result.output and "A numerically stable softmax" in result.output
    assert "not started" in result.output


def test_list_in_korean(run):
    result = run("list", "--lang", "ko")
    assert "수치적으로 안정적인 소프트맥스" in result.output


def test_korean_locale_is_detected(run):
    result = run("hint", "stable-softmax", env={"LANG": "ko_KR.UTF-8"})
    assert result.output.startswith("힌트 1/")


def test_next_creates_the_stub_and_prints_the_prompt(run, project):
    result = run("next")
    assert result.exit_code == 0
    created = project / "submissions" / "stable_softmax.py"
    assert created.read_text() == (REPO / "katas" / "stable-softmax" / "stub.py").read_text()
    assert "stable_softmax(x, dim=-1)" in result.output and "kata check" in result.output
    assert progress(project)["current"] == "stable-softmax"
    created.write_text("# my work\n")
    again = run("next")
    assert "Your file" in again.output and created.read_text() == "# my work\n"   # never overwritten


def test_hints_are_progressive(run, project):
    first = run("hint", "stable-softmax")
    assert "Hint 1/3" in first.output and "Hint 2/3" not in first.output
    second = run("hint", "stable-softmax")
    assert "Hint 1/3" in second.output and "Hint 2/3" in second.output
    run("hint", "stable-softmax")
    last = run("hint", "stable-softmax")
    assert "Hint 3/3" in last.output and "That was the last hint." in last.output
    assert progress(project)["katas"]["stable-softmax"]["hints_shown"] == 3


def test_check_stub_exits_1_and_reference_exits_0(run, project):
    run("next")
    failed = run("check")
    assert failed.exit_code == 1 and "Score: 0/21" in failed.output
    assert "NotImplementedError" in failed.output
    shutil.copy(REPO / "reference" / "stable_softmax.py", project / "submissions" / "stable_softmax.py")
    passed = run("check", "stable-softmax")
    assert passed.exit_code == 0 and "Score: 21/21" in passed.output and "All tests passed." in passed.output
    state = progress(project)["katas"]["stable-softmax"]
    assert state["solved"] and state["best_points"] == 21
    assert "✓ solved" in run("list").output


def test_check_json_follows_the_result_schema(run, project):
    run("next")
    result = run("check", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["schema"] == "torchkata.result" and data["version"] == 1
    assert {"kata", "submission", "devices", "isolation", "tests", "totals", "lang"} <= set(data)
    test = data["tests"][0]
    assert {"name", "visibility", "status", "points", "max_points", "message", "duration"} <= set(test)


def test_public_only_never_claims_all_passed(run, project):
    shutil.copy(REPO / "reference" / "stable_softmax.py", project / "submissions" / "stable_softmax.py")
    result = run("check", "stable-softmax", "--public-only")
    assert "All tests passed" not in result.output
    assert "Hidden specs were not run" in result.output


def test_check_with_submission_option_leaves_progress_alone(run, project):
    result = run("check", "stable-softmax", "--submission", str(REPO / "reference" / "stable_softmax.py"))
    assert result.exit_code == 0
    assert not (project / "submissions" / "progress.json").exists()


def test_missing_submission_is_exit_2_with_advice(run):
    result = run("check", "stable-softmax")
    assert result.exit_code == 2 and "run `kata next`" in result.output


def test_unknown_kata_is_exit_2(run):
    result = run("check", "no-such-kata")
    assert result.exit_code == 2 and "no kata named 'no-such-kata'" in result.output


def test_bad_device_is_a_usage_error(run):
    assert run("check", "--device", "tpu").exit_code == 2


def test_reset_asks_and_restores_the_stub(run, project):
    run("next")
    target = project / "submissions" / "stable_softmax.py"
    target.write_text("# work in progress\n")
    declined = run("reset", "stable-softmax", input="n\n")
    assert declined.exit_code == 1 and target.read_text() == "# work in progress\n"
    accepted = run("reset", "stable-softmax", "--yes")
    assert accepted.exit_code == 0 and "TODO" in target.read_text()


def test_status_reports_current_kata(run):
    assert "kata next" in run("status").output
    run("next")
    run("hint")
    output = run("status").output
    assert "stable-softmax" in output and "hints: 1/3" in output


def test_corrupt_progress_file_is_named(run, project):
    (project / "submissions" / "progress.json").write_text("{not json")
    result = run("status")
    assert result.exit_code == 2 and "progress.json: progress file is not valid" in result.output


def test_no_color_and_non_terminals_get_plain_text(run, project):
    run("next")
    plain = run("check", env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.output
    coloured = CliRunner().invoke(main, ["--root", str(project), "check"], color=True)
    assert "\x1b[" in coloured.output
    no_color = CliRunner().invoke(main, ["--root", str(project), "check"], color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in no_color.output


def test_malformed_kata_is_exit_2_naming_file_and_field(tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(REPO / "katas" / "stable-softmax", root / "katas" / "stable-softmax")
    (root / "reference").mkdir()
    shutil.copy(REPO / "reference" / "stable_softmax.py", root / "reference")
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace("order = 10", 'order = "first"'))
    result = CliRunner().invoke(main, ["--root", str(root), "list"])
    assert result.exit_code == 2
    assert f"{toml}: field 'order': expected an integer" in result.output
