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
