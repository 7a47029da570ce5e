"""What a new user hit (issue 10): each case is a command as they ran it, and what they now get."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from torchkata import engine
from torchkata.cli import main
from torchkata.learner_files import read_submission
from tests.conftest import SOFTMAX_REFERENCE, make_course

KATA = Path(sys.executable).parent / "kata"
no_cuda = pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has CUDA")


def grade_cmd(*args, cwd=None):
    return subprocess.run([str(KATA), "grade", *map(str, args)], capture_output=True, text=True, timeout=900, cwd=cwd)


@pytest.fixture
def two_katas(tmp_path):
    """A course with a CUDA-capable kata and a CPU-only one, and a learner holding both references."""
    root = make_course(tmp_path / "course", ("stable-softmax", "training-loop"))
    learner = tmp_path / "learners" / "ada"
    (learner / "submissions").mkdir(parents=True)
    for name in ("stable_softmax.py", "training_loop.py"):
        shutil.copy(root / "reference" / name, learner / "submissions" / name)
    toml = root / "katas" / "training-loop" / "kata.toml"
    toml.write_text(toml.read_text().replace('devices = ["cpu", "cuda"]', 'devices = ["cpu"]'))
    return root, learner


@no_cuda
@pytest.mark.slow
def test_grade_device_cuda_counts_what_ran_and_is_not_saved_as_done(two_katas, tmp_path):
    root, learner = two_katas
    out = tmp_path / "out"
    cuda = grade_cmd("--course", root, learner, "--out", out, "--device", "cuda")
    assert cuda.returncode == 1 and "CUDA was asked for but is not available" in cuda.stderr
    reference = json.loads((out / "reference.json").read_text())
    assert reference["points"] > 0 and reference["points"] == reference["max_points"]
    data = json.loads((out / "learners" / "ada.json").read_text())
    for result in data["results"]:
        assert result["devices_not_run"] == ["cuda"]
        assert all(t["status"] == "skipped" for t in result["tests"] if t["device"] == "cuda")
        assert result["totals"]["failed"] == result["totals"]["error"] == 0
    again = grade_cmd("--course", root, learner, "--out", out)                # without --device: graded again
    assert "graded 1, already done 0" in again.stdout
    everything = grade_cmd("--course", root, learner, "--out", tmp_path / "all", "--device", "all")
    results = json.loads((tmp_path / "all" / "learners" / "ada.json").read_text())["results"]
    by_kata = {r["kata"]: r for r in results}
    assert by_kata["training-loop"]["devices"] == ["cpu"] and by_kata["training-loop"]["devices_not_run"] == []
    assert by_kata["training-loop"]["totals"]["points"] == by_kata["training-loop"]["totals"]["max_points"]
    assert everything.returncode == 1     # CUDA was asked for (for stable-softmax) and is absent here


@pytest.mark.slow
def test_a_learner_folder_without_submissions_is_a_warning_and_exit_1(tmp_path):
    root = make_course(tmp_path / "course")
    empty = tmp_path / "learners" / "bo"
    empty.mkdir(parents=True)
    done = grade_cmd("--course", root, empty, "--out", tmp_path / "out")
    assert done.returncode == 1 and "has no submissions/ folder" in done.stderr


def test_a_broken_kata_is_never_saved_as_graded(tmp_path):
    root = make_course(tmp_path / "course")
    spec = root / "katas" / "stable-softmax" / "specs" / "test_public.py"
    spec.write_text(spec.read_text() + "\n\ndef test_unmarked(sub):\n    pass\n")
    learner = tmp_path / "learners" / "cy"
    (learner / "submissions").mkdir(parents=True)
    done = grade_cmd("--course", root, learner, "--out", tmp_path / "out")
    assert done.returncode == 1 and "could not grade cy" in done.stderr and "test_unmarked" in done.stderr
    assert not (tmp_path / "out" / "learners" / "cy.json").exists()


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "expected a JSON object, got list"),
    ('{"schema": "torchkata.learner", "version": 2}', "missing field 'learner'"),
    ("not json", "not valid JSON"),
])
@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["leaderboard"]])
def test_bad_result_files_are_named_never_a_traceback(tmp_path, content, message, command):
    (tmp_path / "learners").mkdir()
    (tmp_path / "learners" / "x.json").write_text(content)
    result = CliRunner().invoke(main, [command[0], str(tmp_path), *command[1:]])
    assert result.exit_code == 2 and "x.json" in result.output and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("body, expected", [
    ("import ctypes\n\ndef stable_softmax(x, dim=-1):\n    return ctypes.string_at(0)\n", "SIGSEGV"),
    ("def stable_softmax(x, dim=-1):\n    return bytearray(10**12)\n", "MemoryError: out of memory"),
    ("", "does not define a function named stable_softmax()"),
])
def test_crashes_and_empty_files_get_the_right_hint(course, worker, tmp_path, body, expected):
    path = tmp_path / "my_softmax.py"
    path.write_text(body)
    result = engine.check(course, course.get("stable-softmax"), path, worker)
    assert expected in result.tests[0].message and "does your code call exit" not in result.tests[0].message
    if not body:
        assert "my_softmax.py" in result.tests[0].message    # the learner's own file name, not the sandbox copy


def test_a_syntax_error_shows_the_line_with_a_caret_once_and_skips_the_api_rule(course, worker, tmp_path):
    path = tmp_path / "stable_softmax.py"
    path.write_text("import torch\n\ndef stable_softmax(x, dim=-1)\n    return x\n")
    result = engine.check(course, course.get("stable-softmax"), path, worker)
    first = result.tests[0].message
    assert "line 3" in first and "def stable_softmax(x, dim=-1)" in first and "^" in first
    assert len({t.message for t in result.tests if t.kind == "spec"}) == 1
    rule = next(t for t in result.tests if t.kind == "rule")
    assert rule.status == "skipped" and "does not parse" in rule.message
    from torchkata.render import feedback_groups
    assert len(feedback_groups(result.tests)) == 2           # the syntax error once, the skipped rule once


def test_a_latin_1_file_with_a_coding_line_is_graded(course, worker, tmp_path):
    path = tmp_path / "stable_softmax.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SOFTMAX_REFERENCE.read_bytes())
    assert engine.check(course, course.get("stable-softmax"), path, worker).solved


def test_a_huge_submission_is_refused_at_once(course, worker, tmp_path):
    path = tmp_path / "stable_softmax.py"
    path.write_text("# padding\n" * 5_000_000)
    result = engine.check(course, course.get("stable-softmax"), path, worker)
    assert result.totals.points == 0 and "more than the" in result.tests[0].message
    assert all(t.status != "timeout" for t in result.tests)


# --- issue 17: a learner's first minutes -------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def learner_run(*args, cwd, lang="en"):
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("TORCHKATA_LANG", "TORCHKATA_COURSE")}
    env.update({"LANG": "C.UTF-8", "COLUMNS": "100"})
    return subprocess.run([str(KATA), *map(str, args), "--lang", lang], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env=env)


@pytest.mark.slow
def test_make_demo_grades_a_typical_mistake_that_gets_a_named_diagnosis():
    makefile = (REPO / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    command = next(line for line in demo.splitlines() if "kata check" in line and "@echo" not in line)
    args = command.split("kata", 1)[1].split("||")[0].split()     # as `make demo` runs it
    shown = learner_run(*args, cwd=REPO)
    assert "Likely mistake: " in shown.stdout, shown.stdout
    assert shown.returncode == 1 and "Score: 0/" not in shown.stdout      # a near miss, not a blank stub
    assert "../" not in shown.stdout and "examples/stable_softmax_attempt.py" in args


def report(result) -> str:
    from torchkata.render import result_lines
    return __import__("click").unstyle("\n".join(result_lines(result)))


def test_an_untouched_stub_prints_one_line_per_unwritten_function(course, worker, workspace):
    import ast
    kata = course.get("tensor-basics")
    functions = [node.name for node in ast.parse(kata.stub.read_text()).body if isinstance(node, ast.FunctionDef)]
    assert len(functions) >= 5
    path = workspace / "submissions" / kata.submission_file
    shutil.copy(kata.stub, path)
    given = read_submission(path, display=f"submissions/{kata.submission_file}")
    for lang, header in (("en", f"Not written yet in submissions/{kata.submission_file}"),
                         ("ko", f"submissions/{kata.submission_file}에 아직 작성하지 않은 함수가 있습니다")):
        shown = report(engine.check(course, kata, given, worker, engine.Options(lang=lang)))
        lines = shown.splitlines()
        listed = [line for line in lines if line.lstrip().startswith("! ")]
        assert sorted(line.split()[1] for line in listed) == sorted(f"{name}()" for name in functions), shown
        assert header in shown
        assert "test_" not in shown and "NotImplementedError:" not in shown            # no line per test
        assert len(lines) <= len(functions) + 8


def test_a_half_written_stub_lists_its_tests_and_only_the_unwritten_functions(course, worker, tmp_path):
    kata = course.get("tensor-basics")
    stub = kata.stub.read_text()
    written = stub.replace('raise NotImplementedError("from_data is not written yet")',
                           "return torch.tensor(data)")
    assert written != stub
    path = tmp_path / kata.submission_file
    path.write_text(written)
    from torchkata.render import result_lines
    result = engine.check(course, kata, path, worker)
    text = "\n".join(result_lines(result))
    assert "from_data()" not in text and "test_from_data_gradebook_of_ints" in text
    assert "describe()" in text and "test_describe_a_gradebook" not in text


@no_cuda
@pytest.mark.parametrize("device", ["cuda", "all"])
def test_device_cuda_without_a_gpu_says_which_tests_did_not_run_and_never_all_passed(course, worker, device):
    import re
    kata = course.get("stable-softmax")
    english = engine.check(course, kata, SOFTMAX_REFERENCE, worker, engine.Options(device=device))
    shown = report(english)
    assert "All tests passed" not in shown
    assert "test_keeps_dtype_and_device[cuda]" in shown and "not run: no CUDA" in shown
    assert "1 CUDA test (1 point) not run: this machine has no CUDA" in shown
    table = sum(float(m.group(1)) for m in re.finditer(r"\s(\d+(?:\.\d+)?)/[\d.]+\s+passed", shown))
    score = re.search(r"Score: (\d+)/(\d+) \(1 point not run\)", shown)
    assert score and float(score.group(1)) == table == float(score.group(2))   # the score line is the table's sum
    korean = report(engine.check(course, kata, SOFTMAX_REFERENCE, worker, engine.Options(device=device, lang="ko")))
    assert "이 컴퓨터에는 CUDA가 없어 CUDA 테스트를 실행하지 않았습니다" in korean and "모든 테스트를 통과했습니다" not in korean


@pytest.mark.slow
def test_a_timeout_names_the_line_the_code_was_stopped_at_for_public_tests_only(tmp_path):
    root = make_course(tmp_path / "course")
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace("timeout = 5", "timeout = 1"))
    workspace = tmp_path / "ws"
    (workspace / "submissions").mkdir(parents=True)
    (workspace / "torchkata.toml").write_text(f'course = "{root}"\n')
    (workspace / "submissions" / "stable_softmax.py").write_text(
        "import torch\n\n\ndef stable_softmax(x, dim=-1):\n    total = 0\n    while True:\n        total += 1\n")
    shown = learner_run("check", "stable-softmax", "--json", cwd=workspace)
    tests = json.loads(shown.stdout)["tests"]
    timed_out = [t for t in tests if t["status"] == "timeout" and "time limit" in t["message"]]
    public = [t for t in timed_out if t["visibility"] == "public"]
    assert public and all("your code was stopped at line" in t["message"] and "in stable_softmax" in t["message"]
                          for t in public)
    assert any(t["message"].endswith("line 6, in stable_softmax: while True:") or
               t["message"].endswith("line 7, in stable_softmax: total += 1") for t in public)
    assert all("stopped at line" not in t["message"] for t in tests if t["visibility"] == "hidden")
    assert all("most recent call first" not in t["output"] for t in tests)    # the stack is not the learner's output


def test_learner_facing_paths_are_relative_to_the_workspace(workspace):
    (workspace / "submissions" / "stable_softmax.py").write_text("def stable_softmax(x, dim=-1)\n    return x\n")
    inside = workspace / "submissions"
    shown = learner_run("check", "stable-softmax", cwd=inside)
    assert "submissions/stable_softmax.py does not parse" in shown.stdout and "../" not in shown.stdout
    missing = learner_run("check", "gather", cwd=inside)
    assert missing.returncode == 2 and "run `kata next gather` to create it" in missing.stderr
    assert "submissions/gather_rows.py" in missing.stderr
    korean = learner_run("check", "gather", cwd=inside, lang="ko")
    assert "`kata next gather`를 실행하면 만들어집니다" in korean.stderr


@pytest.mark.slow
def test_graded_repositories_are_named_by_their_own_paths_never_the_graders(tmp_path):
    root = make_course(tmp_path / "course")
    learner = tmp_path / "elsewhere" / "class" / "ada"
    (learner / "submissions").mkdir(parents=True)
    (learner / "submissions" / "stable_softmax.py").write_text("def stable_softmax(x, dim=-1)\n    return x\n")
    out = tmp_path / "out"
    (tmp_path / "grader" / "deep").mkdir(parents=True)
    grade_cmd("--course", root, learner, "--out", out, cwd=tmp_path / "grader" / "deep")
    data = json.loads((out / "learners" / "ada.json").read_text())
    messages = [t["message"] for result in data["results"] for t in result["tests"]]
    assert any("submissions/stable_softmax.py does not parse" in m for m in messages)
    assert not any("../" in m or str(tmp_path) in m for m in messages)


def test_an_unknown_kata_is_named_in_the_learners_language(workspace):
    english = learner_run("check", "stable-sotfmax", cwd=workspace)
    assert english.returncode == 2 and "did you mean 'stable-softmax'" in english.stderr
    korean = learner_run("check", "stable-sotfmax", cwd=workspace, lang="ko")
    assert korean.returncode == 2 and "stable-softmax 카타를 찾으셨나요?" in korean.stderr
    assert "no kata named" not in korean.stderr
