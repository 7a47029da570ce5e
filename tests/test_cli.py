"""The learner CLI through click's CliRunner (in-process), in a workspace on the built-in course."""
import json
import re
import shutil

import pytest
from click.testing import CliRunner

from torchkata.cli import main
from torchkata.i18n import display_width
from tests.conftest import SOFTMAX, SOFTMAX_POINTS, SOFTMAX_REFERENCE


@pytest.fixture
def run(workspace, monkeypatch):
    for var in ("TORCHKATA_COURSE", "TORCHKATA_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.chdir(workspace)

    def invoke(*args, input=None, env=None):
        return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
    return invoke


def progress(workspace):
    return json.loads((workspace / "submissions" / "progress.json").read_text())


def test_list_shows_the_catalogue(run):
    result = run("list")
    assert result.exit_code == 0
    assert "stable-softmax" in result.output and "A numerically stable softmax" in result.output
    assert "not started" in result.output and f"{SOFTMAX_POINTS} pts" in result.output


def test_list_in_korean_uses_korean_units(run):
    result = run("list", "--lang", "ko")
    assert "수치적으로 안정적인 소프트맥스" in result.output and "21점" in result.output and "pts" not in result.output


def test_korean_columns_line_up_by_display_width(run):
    lines = [line for line in run("list", "--lang", "ko").output.splitlines() if "점" in line]
    ends = {display_width(line[:line.index("점")]) for line in lines}
    assert len(ends) == 1


def test_korean_locale_is_detected(run):
    result = run("hint", "stable-softmax", env={"LANG": "ko_KR.UTF-8"})
    assert result.output.startswith("힌트 1/")


def test_next_creates_the_stub_and_prints_the_prompt(run, workspace):
    result = run("next", "stable-softmax")
    assert result.exit_code == 0
    created = workspace / "submissions" / "stable_softmax.py"
    assert created.read_text() == (SOFTMAX / "stub.py").read_text()
    assert "stable_softmax(x, dim=-1)" in result.output and "kata check" in result.output
    assert progress(workspace)["current"] == "stable-softmax"
    created.write_text("# my work\n")
    again = run("next", "stable-softmax")
    assert "Your file" in again.output and created.read_text() == "# my work\n"   # never overwritten


def test_next_without_a_slug_goes_to_the_first_unsolved_kata(run, course, workspace):
    result = run("next")
    first = course.katas[0]
    assert result.exit_code == 0 and (workspace / "submissions" / first.submission_file).exists()
    assert progress(workspace)["current"] == first.slug


def test_show_prints_another_katas_prompt_without_moving(run, workspace):
    run("next", "stable-softmax")
    result = run("show", "gather")
    assert result.exit_code == 0 and "gather" in result.output
    assert progress(workspace)["current"] == "stable-softmax"


def test_hints_are_progressive_and_wrapped_to_the_terminal(run, workspace):
    first = run("hint", "stable-softmax")
    assert "Hint 1/3" in first.output and "Hint 2/3" not in first.output
    assert all(display_width(line) <= 60 for line in first.output.splitlines())
    second = run("hint", "stable-softmax")
    assert "Hint 1/3" in second.output and "Hint 2/3" in second.output
    run("hint", "stable-softmax")
    last = run("hint", "stable-softmax")
    assert "Hint 3/3" in last.output and "That was the last hint." in last.output
    assert progress(workspace)["katas"]["stable-softmax"]["hints_shown"] == 3
    korean = run("hint", "stable-softmax", "--lang", "ko")
    assert all(display_width(line) <= 60 for line in korean.output.splitlines())


def test_check_stub_exits_1_and_reference_exits_0_with_the_solution(run, workspace):
    run("next", "stable-softmax")
    failed = run("check")
    assert failed.exit_code == 1 and f"Score: 0/{SOFTMAX_POINTS}" in failed.output
    assert "Not written yet in submissions/stable_softmax.py" in failed.output
    assert re.search(r"! stable_softmax\(\)\s+line 13, \d+ tests", failed.output)        # one line, not one per test
    assert "test_small_values" not in failed.output and "your code raised NotImplementedError" not in failed.output
    shutil.copy(SOFTMAX_REFERENCE, workspace / "submissions" / "stable_softmax.py")
    passed = run("check", "stable-softmax")
    assert passed.exit_code == 0 and f"Score: {SOFTMAX_POINTS}/{SOFTMAX_POINTS}" in passed.output and "All tests passed." in passed.output
    assert "Solved! Run `kata next`" in passed.output and "reference solution" in passed.output
    assert (workspace / "solutions" / "stable_softmax.py").read_text() == SOFTMAX_REFERENCE.read_text()
    state = progress(workspace)["katas"]["stable-softmax"]
    assert state["solved"] and state["best_points"] == SOFTMAX_POINTS
    assert "✓ solved" in run("list").output


def test_no_solution_is_shown_before_a_pass(run, workspace):
    run("next", "stable-softmax")
    run("check")
    assert not (workspace / "solutions").exists()


def test_check_json_follows_the_result_schema(run):
    run("next", "stable-softmax")
    result = run("check", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["schema"] == "torchkata.result" and data["version"] == 2
    assert {"kata", "submission", "devices", "isolation", "tests", "totals", "lang"} <= set(data)
    assert {"name", "visibility", "status", "points", "max_points", "message", "diagnosis", "duration",
            "line", "file"} <= set(data["tests"][0])


def test_public_only_never_claims_all_passed(run, workspace):
    shutil.copy(SOFTMAX_REFERENCE, workspace / "submissions" / "stable_softmax.py")
    result = run("check", "stable-softmax", "--public-only")
    assert "All tests passed" not in result.output and "Hidden specs were not run" in result.output
    assert result.exit_code == 0


def test_check_with_submission_option_leaves_progress_alone(run, workspace):
    result = run("check", "stable-softmax", "--submission", str(SOFTMAX_REFERENCE))
    assert result.exit_code == 0 and not (workspace / "submissions" / "progress.json").exists()


def test_check_cuda_without_cuda_says_not_run_and_exits_1(run, workspace):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    shutil.copy(SOFTMAX_REFERENCE, workspace / "submissions" / "stable_softmax.py")
    result = run("check", "stable-softmax", "--device", "cuda")
    assert result.exit_code == 1, result.output
    assert "not run: no CUDA" in result.output and "error" not in result.output.lower()
    assert "field 'points'" not in result.output and "All tests passed" not in result.output
    assert "1 CUDA test (1 point) not run: this machine has no CUDA" in result.output
    assert re.search(r"test_keeps_dtype_and_device\[cuda\] \(hidden\)\s+-/1\s+not run", result.output)
    shown = SOFTMAX_POINTS - 1        # the table's points, and the one not run
    assert f"Score: {shown}/{shown} (1 point not run)" in result.output


def test_check_cuda_on_a_cpu_only_kata_says_not_run(run, workspace):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    (workspace / "submissions" / "stable_softmax.py").write_text(SOFTMAX_REFERENCE.read_text())
    result = run("check", "stable-softmax", "--device", "all", "--json")
    data = json.loads(result.output)
    assert {t["status"] for t in data["tests"] if t["device"] == "cuda"} == {"skipped"}
    assert data["totals"]["points"] == data["totals"]["max_points"] == SOFTMAX_POINTS


def test_missing_submission_is_exit_2_with_advice(run):
    result = run("check", "stable-softmax")
    assert result.exit_code == 2 and "run `kata next stable-softmax` to create it" in result.output
    assert "submissions/stable_softmax.py: no such submission file" in result.output


def test_unknown_kata_is_exit_2_with_a_suggestion(run):
    result = run("check", "stable-sotfmax")
    assert result.exit_code == 2 and "did you mean 'stable-softmax'" in result.output


def test_bad_device_is_a_usage_error(run):
    assert run("check", "--device", "tpu").exit_code == 2


def test_reset_asks_backs_up_and_restores_the_stub(run, workspace):
    run("next", "stable-softmax")
    target = workspace / "submissions" / "stable_softmax.py"
    target.write_text("# work in progress\n")
    declined = run("reset", "stable-softmax", input="n\n")
    assert declined.exit_code == 1 and target.read_text() == "# work in progress\n"
    accepted = run("reset", "stable-softmax", input="y\n")
    assert accepted.exit_code == 0 and "TODO" in target.read_text()
    backups = list((workspace / "submissions" / "backups").glob("stable_softmax-*.py"))
    assert [b.read_text() for b in backups] == ["# work in progress\n"] and "saved as" in accepted.output


def test_reset_dialogue_in_korean(run, workspace):
    run("next", "stable-softmax")
    result = run("reset", "stable-softmax", "--lang", "ko", input="n\n")
    assert "처음 상태로 되돌리고" in result.output and "아무것도 바꾸지 않았습니다" in result.output


def test_status_reports_current_kata(run):
    assert "kata next" in run("status").output
    run("next", "stable-softmax")
    run("hint")
    output = run("status").output
    assert "stable-softmax" in output and "hints: 1/3" in output


@pytest.mark.parametrize("content, field", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format": 1, "katas": {"stable-softmax": {"hints_shown": "lots"}}}', "hints_shown"),
    ('{"format": 1, "katas": {"stable-softmax": {"hints_shown": -5}}}', "hints_shown"),
    ('{"format": 1, "katas": {"stable-softmax": {"hints_shown": 1000000000}}}', "hints_shown"),
    ('{"format": 1, "katas": {"stable-softmax": {"best_points": "x"}}}', "best_points"),
    ('{"format": 1, "katas": {"stable-softmax": {"best_points": 5, "max_points": 3}}}', "best_points"),
    ('{"format": 1, "katas": []}', "katas"),
    ('{"format": 1, "current": 7}', "current"),
])
@pytest.mark.parametrize("command", ["status", "hint", "list", "next"])
def test_bad_progress_files_are_named_never_a_traceback(run, workspace, content, field, command):
    (workspace / "submissions" / "progress.json").write_text(content)
    result = run(command, "stable-softmax") if command in ("hint", "next") else run(command)
    assert result.exit_code == 2, result.output
    assert "progress.json" in result.output and field in result.output
    assert "Traceback" not in result.output


def test_no_color_and_non_terminals_get_plain_text(run, workspace):
    run("next", "stable-softmax")
    assert "\x1b[" not in run("check", env={"NO_COLOR": "1"}).output
    coloured = CliRunner().invoke(main, ["check"], color=True)
    assert "\x1b[" in coloured.output
    assert "\x1b[" not in CliRunner().invoke(main, ["check"], color=True, env={"NO_COLOR": "1"}).output


def test_lang_is_accepted_by_every_command_before_or_after_it(run):
    for command in main.commands.values():
        names = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert "--lang" in names and "--course" in names, command.name
    assert run("--lang", "ko", "status").output.startswith("푼 카타")
    assert run("status", "--lang", "ko").output.startswith("푼 카타")


def test_korean_help_and_errors(run):
    helped = run("check", "--help", "--lang", "ko")
    assert "제출 파일을 채점합니다" in helped.output and "사용법" in helped.output
    assert "이 도움말을 보여 주고 끝냅니다" in helped.output
    wrong = run("check", "--nope", "--lang", "ko")
    assert wrong.exit_code == 2 and "그런 옵션이 없습니다" in wrong.output
    missing = run("check", "stable-softmax", "--lang", "ko")
    assert missing.exit_code == 2 and "오류" in missing.output and "제출 파일이 없습니다" in missing.output


def test_outside_a_workspace_learner_commands_say_kata_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    result = CliRunner().invoke(main, ["next"])
    assert result.exit_code == 2 and "kata init" in result.output


def test_malformed_kata_is_reported_and_the_others_keep_working(course_copy, tmp_path, monkeypatch):
    root = course_copy("stable-softmax", "gather")
    toml = root / "katas" / "gather" / "kata.toml"
    toml.write_text(toml.read_text().replace("timeout = ", "timout = "))
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["init", "ws", "--course", str(root)], catch_exceptions=False)
    monkeypatch.chdir(tmp_path / "ws")
    listed = CliRunner().invoke(main, ["list"])
    assert listed.exit_code == 0 and "stable-softmax" in listed.output and "broken" in listed.output
    assert "did you mean 'timeout'" in listed.output
    broken = CliRunner().invoke(main, ["next", "gather"])
    assert broken.exit_code == 2 and f"{toml}: unknown field 'timout'" in broken.output
    working = CliRunner().invoke(main, ["next", "stable-softmax"])
    assert working.exit_code == 0


def test_korean_report_columns_line_up_by_display_width(run, workspace):
    (workspace / "submissions" / "stable_softmax.py").write_text(SOFTMAX_REFERENCE.read_text())
    output = run("check", "stable-softmax", "--lang", "ko").output
    rows = [line for line in output.splitlines() if line.startswith("  ✓ ")]
    assert len(rows) > 5 and any("금지된 API" in row for row in rows)
    columns = {display_width(row[:row.index("통과")]) for row in rows}
    assert len(columns) == 1, rows


def test_a_course_that_keeps_its_solutions_private_shows_none(course_copy, tmp_path, monkeypatch):
    root = course_copy()
    (root / "course.toml").write_text((root / "course.toml").read_text() + "show_solutions = false\n")
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["init", "ws", "--course", str(root)], catch_exceptions=False)
    monkeypatch.chdir(tmp_path / "ws")
    (tmp_path / "ws" / "submissions" / "stable_softmax.py").write_text(SOFTMAX_REFERENCE.read_text())
    result = CliRunner().invoke(main, ["check", "stable-softmax"], catch_exceptions=False)
    assert result.exit_code == 0 and "reference solution" not in result.output
    assert not (tmp_path / "ws" / "solutions").exists()


def test_kata_new_scaffolds_a_kata_that_validate_calls_unfinished(course_copy, monkeypatch):
    root = course_copy()
    monkeypatch.chdir(root)
    made = CliRunner().invoke(main, ["new", "relu"], catch_exceptions=False)
    assert made.exit_code == 0 and "kata validate relu" in made.output
    folder = root / "katas" / "relu"
    for part in ("kata.toml", "stub.py", "specs/test_public.py", "specs/test_hidden.py"):
        assert (folder / part).is_file(), part
    assert list((folder / "mutants").glob("*.py")) and (root / "reference" / "relu.py").is_file()
    assert '"relu"' in (root / "course.toml").read_text()
    listed = CliRunner().invoke(main, ["list"], catch_exceptions=False)
    assert "relu" in listed.output and "TODO" in listed.output
    validated = CliRunner().invoke(main, ["validate", "relu"], catch_exceptions=False)
    assert validated.exit_code == 1 and "unfinished: TODO in katas/relu/kata.toml" in validated.output
    again = CliRunner().invoke(main, ["new", "relu"])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = CliRunner().invoke(main, ["new", "Bad_Slug"])
    assert bad.exit_code == 2 and "expected lower-case" in bad.output
