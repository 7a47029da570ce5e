"""The real `kata` command in a subprocess, as a learner runs it."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHEATS, SOFTMAX_POINTS, SOFTMAX_REFERENCE

KATA = Path(sys.executable).parent / "kata"


def kata(workspace, *args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("TORCHKATA_COURSE", "TORCHKATA_LANG")}
    env.update({"LANG": "C.UTF-8", **(env_extra or {})})
    return subprocess.run([str(KATA), *args], cwd=workspace, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_learner_journey(workspace):
    listed = kata(workspace, "list")
    assert listed.returncode == 0 and "stable-softmax" in listed.stdout

    started = kata(workspace, "next", "stable-softmax")
    assert started.returncode == 0
    submission = workspace / "submissions" / "stable_softmax.py"
    assert submission.exists()

    stub = kata(workspace, "check", "stable-softmax")
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert f"Score: 0/{SOFTMAX_POINTS}" in stub.stdout

    submission.write_text(SOFTMAX_REFERENCE.read_text())
    solved = kata(workspace, "check", "stable-softmax", "--json")
    assert solved.returncode == 0, solved.stdout + solved.stderr
    data = json.loads(solved.stdout)
    assert data["totals"]["points"] == data["totals"]["max_points"] == SOFTMAX_POINTS
    assert data["solved"] is True and data["isolation"]["level"] in ("strong", "partial", "basic")

    hint = kata(workspace, "hint", "--lang", "ko")
    assert hint.returncode == 0 and "힌트 1/3" in hint.stdout


@pytest.mark.slow
def test_secrets_do_not_reach_the_worker(workspace):
    spy = workspace / "submissions" / "stable_softmax.py"
    spy.write_text("import os\n\ndef stable_softmax(x, dim=-1):\n"
                   "    raise RuntimeError('SECRET=' + os.environ.get('GITHUB_TOKEN', 'absent'))\n")
    result = kata(workspace, "check", "stable-softmax", "--json", env_extra={"GITHUB_TOKEN": "hunter2"})
    data = json.loads(result.stdout)
    assert "SECRET=absent" in data["tests"][0]["message"]
    assert "hunter2" not in result.stdout


@pytest.mark.slow
def test_endless_loop_command_returns(workspace):
    shutil.copy(CHEATS / "infinite_loop.py", workspace / "submissions" / "stable_softmax.py")
    result = kata(workspace, "check", "stable-softmax", "--json")
    assert result.returncode == 1
    statuses = {t["status"] for t in json.loads(result.stdout)["tests"] if t["kind"] == "spec"}
    assert statuses == {"timeout"}


@pytest.mark.slow
def test_korean_help_through_the_console_script(workspace):
    helped = kata(workspace, "--help", env_extra={"LANG": "ko_KR.UTF-8"})
    assert "사용법:" in helped.stdout and "명령" in helped.stdout and "PyTorch를 카타 하나씩" in helped.stdout
