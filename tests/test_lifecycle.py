"""The instructor's lifecycle exactly as README's "Teaching" block tells it, on a machine that has never
seen this repository; and the authoring commands it starts with.

The end-to-end test runs in a temporary HOME, outside the checkout, with a fresh virtualenv holding
only the built wheel (and PyTorch): new-course, new, validate, release; three learners' repositories
(correct, wrong, empty) made with git; the released workflow's own `run:` steps executed in a clone of
each, with the environment a GitHub runner gives them and the grader bundled in the template;
collect, grade with the manifest, every export and the leaderboard; and the Gradescope zip's setup.sh
and run_autograder.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pytest
import tomlkit
import yaml
from click.testing import CliRunner

from tests.conftest import REPO
from tests.installed import clean_env, fresh_venv, instructor_venv, run, torch_requirement
from torchkata.catalogue import load_course
from torchkata.cli import author, main
from torchkata.results import write_atomically
from torchkata.scaffold import check_writable, course_for_new, installed_package

# What the author writes in place of `kata new`'s TODOs: a small, finished kata.
RELU = {
    "katas/relu/kata.toml": '''format_version = 2
slug = "relu"
points = 3
timeout = 5
submission = "relu.py"
devices = ["cpu"]

[title]
en = "ReLU"
ko = "ReLU 함수"

[prompt]
en = """
Write `relu(x)` in `submissions/relu.py`: max(0, x) for every entry of a tensor of
any shape, as a new tensor of the same shape and dtype.
"""
ko = """
`submissions/relu.py`에 `relu(x)`를 작성하세요. 텐서의 모든 원소에 max(0, x)를 계산해,
모양과 dtype이 같은 새 텐서로 돌려줍니다.
"""

[[hints]]
en = "Negative entries become 0; the others pass through unchanged."
ko = "음수인 원소는 0이 되고, 나머지는 그대로 통과합니다."

[[hints]]
en = "`torch.where(x > 0, x, torch.zeros_like(x))` keeps the shape and the dtype."
ko = "`torch.where(x > 0, x, torch.zeros_like(x))`는 모양과 dtype을 그대로 유지합니다."

[[mutants]]
file = "mutants/identity.py"
diagnosis.en = "Negative entries must become 0: your function returns its input unchanged."
diagnosis.ko = "음수인 원소는 0이 되어야 합니다. 입력을 그대로 돌려주고 있습니다."

[[mutants]]
file = "mutants/absolute.py"
diagnosis.en = "Negative entries must become 0, not their absolute value."
diagnosis.ko = "음수인 원소는 절댓값이 아니라 0이 되어야 합니다."

[[mutants]]
file = "mutants/all_zeros.py"
diagnosis.en = "Positive entries must pass through: your function returns zeros everywhere."
diagnosis.ko = "양수인 원소는 그대로 통과해야 합니다. 모든 원소를 0으로 만들고 있습니다."
''',
    "katas/relu/stub.py": '''"""Kata: relu. Run `kata hint` for a hint and `kata check` to grade this file."""
import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    # TODO: max(0, x) for every entry
    raise NotImplementedError("relu is not written yet")
''',
    "reference/relu.py": '''"""Reference solution for the relu kata."""
import torch


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))
''',
    "katas/relu/mutants/identity.py": "import torch\n\n\ndef relu(x):\n    return x.clone()\n",
    "katas/relu/mutants/absolute.py": "import torch\n\n\ndef relu(x):\n    return x.abs()\n",
    "katas/relu/mutants/all_zeros.py": "import torch\n\n\ndef relu(x):\n    return torch.zeros_like(x)\n",
    "katas/relu/specs/test_public.py": '''"""Public specs: the learner sees these inputs and every detail of a failure."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.public(points=2)
def test_the_prompts_example(sub, ref):
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
    expect_close(sub.relu(x), ref.relu(x))
''',
    "katas/relu/specs/test_hidden.py": '''"""Hidden specs: the learner sees only the diagnosis of a failure, not these inputs."""
import pytest
import torch

from torchkata.spec import expect_close


@pytest.mark.hidden(points=1)
def test_a_random_matrix(sub, ref):
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    expect_close(sub.relu(x), ref.relu(x))
''',
}
# The three learners: a correct solution, a known mistake, and nothing at all.
LEARNERS = {"ada": RELU["reference/relu.py"], "bo": RELU["katas/relu/mutants/absolute.py"], "cy": None}
ROSTER = ('"identifier","github_username","github_id","name"\n"ada@uni.edu","ada","1","Ada"\n'
          '"bo@uni.edu","bo","2","Bo"\n"cy@uni.edu","cy","3","Cy"\n"kim@uni.edu","","","김철수"\n')


def readme_teaching_block() -> list[str]:
    """The commands of README's "Teaching" block, as an instructor would type them."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Teaching\n.*?```sh\n(.*?)```", text, re.S)[1]
    commands = [re.split(r"\s+#", line, maxsplit=1)[0].strip() for line in block.splitlines()]
    return [command for command in commands if command and not command.startswith("#")]


class Instructor:
    """Types README's commands into a shell, in a folder of their own, with nothing but the wheel."""

    def __init__(self, venv: Path, work: Path, env: dict[str, str]):
        self.venv, self.work, self.env = venv, work, env
        self.readme = readme_teaching_block()

    def types(self, command: str, instead: dict[str, str] | None = None, expect: int = 0) -> subprocess.CompletedProcess:
        """Run README's ``command`` (it must be there, word for word), with ``instead``'s substitutions."""
        assert command in self.readme, f"README's Teaching block has no {command!r}"
        typed = command
        for old, new in (instead or {}).items():
            typed = typed.replace(old, new)
        done = subprocess.run(["bash", "-c", f"umask 022; {typed}"], cwd=self.work, env=self.env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == expect, f"{typed}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        return done

    def kata(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
        done = run([self.venv / "bin" / "kata", *args], cwd=self.work, env=self.env, check=False)
        assert done.returncode == expect, f"kata {args}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        return done


def git(*args, cwd: Path, env: dict[str, str]) -> None:
    run(["git", *args], cwd=cwd, env={**env, "GIT_AUTHOR_NAME": "learner", "GIT_AUTHOR_EMAIL": "l@uni.edu",
                                      "GIT_COMMITTER_NAME": "learner", "GIT_COMMITTER_EMAIL": "l@uni.edu"})


class Runner:
    """A GitHub-hosted runner for the released workflow: `actions/checkout` is a clone of the learner's
    repository, `actions/setup-python` is ``python_bin`` on PATH; every `run:` step runs in bash as the
    runner runs it (``bash -e -o pipefail``), with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP."""

    def __init__(self, python_bin: Path, home: Path, runner_temp: Path):
        self.python_bin, self.home, self.runner_temp = python_bin, home, runner_temp

    def run_workflow(self, workflow: dict, workspace: Path) -> dict:
        job = workflow["jobs"]["run-autograding-tests"]
        assert job["if"] == "github.actor != 'github-classroom[bot]'"       # a learner's push runs the job
        shutil.rmtree(self.runner_temp, ignore_errors=True)
        self.runner_temp.mkdir(parents=True)
        output, summary = self.runner_temp / "_output", self.runner_temp / "_summary"
        output.touch()
        summary.touch()
        env = {"PATH": f"{self.python_bin}:/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8", "CI": "true",
               "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(self.runner_temp),
               "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_OS": "Linux"}
        outputs: dict[str, dict[str, str]] = {}
        failed = False
        for step in job["steps"]:
            condition = str(step.get("if", ""))
            if ("failure()" in condition and not failed) or (failed and "always()" not in condition
                                                             and "failure()" not in condition):
                continue
            if "uses" in step:
                assert step["uses"].split("@")[0] in ("actions/checkout", "actions/setup-python",
                                                      "actions/upload-artifact",
                                                      "classroom-resources/autograding-grading-reporter"), step
                continue
            output.write_text("")
            context = {"runner.temp": str(self.runner_temp), "github.workspace": str(workspace)}
            context.update({f"steps.{sid}.outputs.{key}": value for sid, values in outputs.items()
                            for key, value in values.items()})
            step_env = {name: _expand(str(value), context) for name, value in step.get("env", {}).items()}
            done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                                   _expand(step["run"], context)], cwd=workspace, env={**env, **step_env},
                                  capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                failed = True
                pytest.fail(f"step {step.get('name')!r} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        return {"outputs": outputs, "summary": summary.read_text(encoding="utf-8")}


def _expand(text: str, context: dict[str, str]) -> str:
    """The `${{ ... }}` expressions a step holds, for the contexts a runner would fill in."""
    def value(match: re.Match) -> str:
        name = match[1].strip()
        if name not in context:
            raise AssertionError(f"this test does not know the expression {name!r}: teach Runner about it")
        return context[name]
    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_the_lifecycle_as_the_readme_tells_it(tmp_path_factory, tmp_path):
    venv = instructor_venv(tmp_path_factory)
    work = tmp_path / "work"
    work.mkdir()
    me = Instructor(venv, work, clean_env(venv, tmp_path / "home"))
    remote = tmp_path / "github" / "my-org"        # where the learners' repositories live

    # 1. A course, and a kata in it; each command's next command works as printed.
    made = me.types("kata new-course my-course")
    assert "`kata new SLUG --course my-course`" in made.stdout
    assert load_course(work / "my-course").katas == []
    made = me.types("kata new relu --course my-course")
    assert "run `kata validate relu --course my-course`" in made.stdout
    unfinished = me.types("kata validate relu --course my-course", expect=1)
    assert "unfinished: TODO in" in unfinished.stdout
    (work / "my-course" / "katas" / "relu" / "mutants" / "forgot_to_double.py").unlink()
    for name, text in RELU.items():
        (work / "my-course" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "my-course" / name).write_text(text, encoding="utf-8")
    validated = me.types("kata validate relu --course my-course")
    assert "1/1 kata valid" in validated.stdout

    # 2. The release: a template that carries its grader, and a Gradescope autograder.
    released = me.types("kata release --course my-course --out hw1 --gradescope hw1-autograder.zip")
    assert "built-in course" not in released.stderr
    me.types("cp hw1/torchkata-manifest.json hw1-manifest.json")
    template = work / "hw1"
    wheel = next((template / "grader").glob("torchkata-*.whl"))
    assert zipfile.ZipFile(work / "hw1-autograder.zip").read(f"grader/{wheel.name}") == wheel.read_bytes()
    assert not any("reference" in p.parts or "mutants" in p.parts for p in template.rglob("*"))

    # 3. Three learners' repositories (GitHub Classroom names them <assignment>-<username>).
    for username, solution in LEARNERS.items():
        repo = remote / f"hw1-{username}"
        shutil.copytree(template, repo)
        if solution is not None:
            (repo / "submissions" / "relu.py").write_text(solution)
        git("init", "-q", cwd=repo, env=me.env)
        git("add", "-A", cwd=repo, env=me.env)
        git("commit", "-qm", "my work", cwd=repo, env=me.env)

    # 4. Gradescope builds its image from the zip (setup.sh: a virtualenv, PyTorch, the zip's wheel)
    #    and grades an upload with the hidden specs (run_autograder).
    autograder = tmp_path / "autograder"
    zipfile.ZipFile(work / "hw1-autograder.zip").extractall(autograder / "source")
    runner_venv = fresh_venv(tmp_path / "runner-venv", tmp_path_factory)     # the image: PyTorch, no torchkata
    python3 = tmp_path / "image-bin"          # the image's python3 (this interpreter's own Python)
    python3.mkdir()
    (python3 / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))
    setup_env = {**me.env, "PATH": f"{python3}:/usr/bin:/bin", "TORCHKATA_VENV": str(runner_venv),
                 "TORCHKATA_BIN": str(autograder / "bin"), "TORCH_SPEC": torch_requirement()[-1],
                 "TORCH_PIP_ARGS": os.environ.get("TORCH_PIP_ARGS", "")}
    run(["bash", autograder / "source" / "setup.sh"], cwd=autograder / "source", env=setup_env)
    assert (autograder / "bin" / "kata").resolve() == (runner_venv / "bin" / "kata").resolve()
    assert _installed_from(runner_venv).endswith(f"/autograder/source/grader/{wheel.name}")
    (autograder / "submission").mkdir()
    (autograder / "submission" / "relu.py").write_text(LEARNERS["ada"])
    # As root, run_autograder grades as `nobody`; pytest's 0700 temporary folders (and this checkout's
    # PyTorch) are out of that user's reach, so here it keeps the current user. test_gradescope.py
    # checks the drop to `nobody` itself.
    run(["bash", autograder / "source" / "run_autograder"], cwd=autograder,
        env={**me.env, "AUTOGRADER": str(autograder), "PATH": f"{autograder / 'bin'}:/usr/bin:/bin",
             "TORCHKATA_GRADER_USER": ""})
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 3 and any(t["visibility"] == "after_due_date" for t in results["tests"])

    # 5. Every push: the released workflow, step by step, on a runner that has never seen this repository,
    #    installing the grader bundled in the template (PyTorch is already there, as step 4 left it).
    run([runner_venv / "bin" / "python", "-m", "pip", "uninstall", "-q", "-y", "torchkata"], cwd=tmp_path)
    runner = Runner(runner_venv / "bin", tmp_path / "runner-home", tmp_path / "runner-temp")
    classroom = {}
    for username in LEARNERS:
        checkout = tmp_path / "runner" / username
        git("clone", "-q", f"file://{remote}/hw1-{username}", checkout, cwd=tmp_path, env=me.env)
        workflow = yaml.safe_load((checkout / ".github" / "workflows" / "classroom.yml").read_text())
        ran = runner.run_workflow(workflow, checkout)
        document = json.loads(base64.b64decode(ran["outputs"]["torchkata"]["relu"]))   # one runner per kata
        classroom[username] = (sum(t["score"] for t in document["tests"]), document["max_score"], ran["summary"])
        if username == "ada":
            assert _installed_from(runner_venv) == f"file://{checkout}/grader/{wheel.name}"
    assert classroom["ada"][0] == classroom["ada"][1] == 2                   # the public specs: 2 of the 3 points
    assert classroom["bo"][0] == 0 and "not their absolute value" in classroom["bo"][2]
    assert classroom["cy"][0] == 0 and classroom["cy"][2]

    # 6. Collect, grade with the hidden specs and the manifest, export, rank.
    (work / "roster.csv").write_text(ROSTER, encoding="utf-8")
    collected = me.types("kata collect roster.csv --out class --org my-org --assignment hw1",
                         instead={"--org my-org": f"--base file://{remote}"}, expect=1)
    assert "skipped line 5 (kim@uni.edu): no GitHub account is linked to this row" in collected.stderr
    assert (work / "class" / "learners.txt").read_text().split() == ["ada", "bo", "cy"]
    me.types("kata grade --course my-course class/learners.txt --out grades -j 4 --manifest hw1-manifest.json")
    graded = {p.stem: json.loads(p.read_text()) for p in (work / "grades" / "learners").glob("*.json")}
    assert {name: data["points"] for name, data in graded.items()} == {"ada": 3, "bo": 0, "cy": 0}
    assert all(data["integrity"]["status"] == "intact" for data in graded.values())
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in (work / "grades" / "learners").glob("*.json"))

    csv = me.types("kata export grades --format csv").stdout
    assert csv.startswith("learner,kata,points") and "\nada,relu,3" in csv
    assert "or jsonl, junit; gradescope, classroom, classroom50, markdown for one learner" in (REPO / "README.md").read_text()
    jsonl = [json.loads(line) for line in me.kata("export", "grades", "--format", "jsonl").stdout.splitlines()]
    assert {row["learner"] for row in jsonl} == {"ada", "bo", "cy"}
    junit = ElementTree.fromstring(me.kata("export", "grades", "--format", "junit").stdout)
    assert junit.iter("testcase")
    one = "grades/learners/ada.json"
    assert json.loads(me.kata("export", one, "--format", "gradescope").stdout)["score"] == 3
    runners = dict(line.split("=", 1) for line in me.kata("export", one, "--format", "classroom").stdout.split())
    assert json.loads(base64.b64decode(runners["relu"]))["tests"]          # one name=base64 line per kata
    markdown = me.kata("export", one, "--format", "markdown").stdout
    assert markdown and me.kata("export", one, "--format", "md").stdout == markdown         # one name, md accepted

    me.types("kata leaderboard grades --format html --anonymize --salt SECRET -o board.html")
    board = (work / "board.html").read_text()
    assert "<table" in board and "ada" not in board and stat.S_IMODE((work / "board.html").stat().st_mode) == 0o644
    ranked = me.kata("leaderboard", "grades", "--format", "markdown").stdout
    assert ranked == me.kata("leaderboard", "grades", "--format", "md").stdout == me.kata("leaderboard", "grades").stdout
    assert ranked.index("| ada |") < ranked.index("| bo |")
    assert me.kata("leaderboard", "grades", "--format", "csv").stdout.splitlines()[1].split(",")[:2] == ["1", "ada"]
    assert json.loads(me.kata("leaderboard", "grades", "--format", "json").stdout)


def _installed_from(venv: Path) -> str:
    """Where pip installed torchkata from in ``venv`` (direct_url.json: the file it was given)."""
    script = "import importlib.metadata as m, json; print(json.loads(m.distribution('torchkata').read_text(" \
             "'direct_url.json'))['url'])"
    return run([venv / "bin" / "python", "-c", script], cwd=venv).stdout.strip()


# --- the authoring commands -------------------------------------------------------------------------

def test_new_course_writes_a_course_that_loads_whatever_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    name = 'Deep learning "101"\nsecond line \x01'
    result = CliRunner().invoke(main, ["new-course", "my course", "--name", name])
    assert result.exit_code == 0, result.output
    assert "`kata new SLUG --course 'my course'`" in result.output        # quoted, as a shell needs it
    course = load_course(tmp_path / "my course")
    assert course.name == name and course.katas == [] and not course.show_solutions
    assert (tmp_path / "my course" / "katas").is_dir() and (tmp_path / "my course" / "reference").is_dir()
    again = CliRunner().invoke(main, ["new-course", "my course"])
    assert again.exit_code == 2 and "exists already" in again.output


def test_kata_new_outside_any_course_says_how_to_make_one_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    before = sorted(installed_package().rglob("*"))
    result = CliRunner().invoke(main, ["new", "relu"])
    assert result.exit_code == 2
    assert "kata new-course my-course" in result.output and "kata new relu --course my-course" in result.output
    assert sorted(installed_package().rglob("*")) == before and not list(tmp_path.iterdir())
    result = CliRunner().invoke(main, ["new", "relu", "--course", "nowhere"])        # not interactive: no question
    assert result.exit_code == 2 and "`kata new-course nowhere`" in result.output and not (tmp_path / "nowhere").exists()


def test_kata_new_offers_to_make_the_course_and_its_next_command_works_as_printed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    monkeypatch.setattr(author, "_interactive", lambda: True)
    declined = CliRunner().invoke(main, ["new", "relu", "--course", "my-course"], input="n\n")
    assert declined.exit_code == 2 and not (tmp_path / "my-course").exists()
    result = CliRunner().invoke(main, ["new", "relu", "--course", "my-course"], input="y\n")
    assert result.exit_code == 0, result.output
    assert load_course(tmp_path / "my-course").get("relu")
    printed = re.search(r"run `(kata [^`]+)`", result.output)[1]
    assert printed == "kata validate relu --course my-course"
    validated = CliRunner().invoke(main, shlex.split(printed)[1:])
    assert validated.exit_code == 1 and "unfinished: TODO in" in validated.output      # it ran, on this course
    inside = tmp_path / "my-course" / "katas"
    monkeypatch.chdir(inside)                                # found by the upward search: no --course needed
    result = CliRunner().invoke(main, ["new", "gelu"])
    assert result.exit_code == 0 and "run `kata validate gelu`." in result.output


def test_kata_new_keeps_course_toml_comments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORCHKATA_COURSE", raising=False)
    (tmp_path / "c" / "katas").mkdir(parents=True)
    (tmp_path / "c" / "reference").mkdir()
    (tmp_path / "c" / "course.toml").write_text(
        '# my course\nformat_version = 1\nname = "c"  # the name\n# order matters\norder = [] # none yet\n')
    assert CliRunner().invoke(main, ["new", "relu", "--course", "c"]).exit_code == 0
    assert CliRunner().invoke(main, ["new", "gelu", "--course", "c"]).exit_code == 0
    text = (tmp_path / "c" / "course.toml").read_text()
    assert "# my course" in text and '"c"  # the name' in text and "# order matters" in text
    assert tomlkit.parse(text)["order"] == ["relu", "gelu"]


def test_a_source_checkout_may_add_to_its_own_course_but_an_installation_never():
    assert course_for_new(None, REPO / "katas" / "stable-softmax") == REPO     # the top level is the course
    check_writable(REPO)                                                      # a maintainer's checkout
    package = installed_package()
    if (package / "course").is_dir():
        with pytest.raises(Exception, match="inside the installed torchkata package"):
            check_writable(package / "course")
    with pytest.raises(Exception, match="inside the installed torchkata package"):
        check_writable(package)


def test_files_written_atomically_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "board.html", "<table></table>")
        write_atomically(tmp_path / "bytes.bin", b"\x00\x01")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "board.html").stat().st_mode) == 0o640
    assert (tmp_path / "bytes.bin").read_bytes() == b"\x00\x01"
    old = os.umask(0o002)
    try:
        write_atomically(tmp_path / "board.html", "again")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "board.html").stat().st_mode) == 0o664
