"""`kata watch` end to end, in a pseudo-terminal, as a learner uses it."""
import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import SOFTMAX, SOFTMAX_REFERENCE
from tests.ptydrive import PtySession, save

KATA = Path(sys.executable).parent / "kata"
SCREEN_END = r"graded in [0-9.]+ s"


def start(workspace, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("TORCHKATA_LANG", "TORCHKATA_COURSE")}
    environment.update({"LANG": "C.UTF-8", "COLUMNS": "120", "LINES": "40", **env})
    return PtySession([str(KATA), "watch", "stable-softmax", *args], cwd=workspace, env=environment)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["rename", "recreate", "in place"])
def test_watch_grades_each_save_shows_the_solution_and_quits_with_q(workspace, how):
    session = start(workspace)
    try:
        first = session.expect(r"Score: 0/21[\s\S]*?" + SCREEN_END)
        assert "NotImplementedError" in first and "keys: h hint" in first
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, (SOFTMAX / "mutants" / "whole_tensor_normalisation.py").read_text(), how)
        wrong = session.expect(r"Score: \d+/21[\s\S]*?" + SCREEN_END)
        assert "Likely mistake: the whole tensor sums to 1" in wrong and "Score: 21/21" not in wrong
        save(submission, SOFTMAX_REFERENCE.read_text(), how)
        right = session.expect(r"Score: 21/21[\s\S]*?" + SCREEN_END)
        assert "The reference solution, for comparison" in right and "Press n for the next kata" in right
        assert (workspace / "solutions" / "stable_softmax.py").exists()
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()
    progress = json.loads((workspace / "submissions" / "progress.json").read_text())
    assert progress["katas"]["stable-softmax"]["solved"]


@pytest.mark.slow
def test_watch_survives_submissions_that_crash_hang_or_kill_their_process(workspace):
    session = start(workspace, TORCHKATA_WATCH_POLLING="1")            # the polling fallback, too
    try:
        session.expect(SCREEN_END)
        submission = workspace / "submissions" / "stable_softmax.py"
        save(submission, "import os\n\ndef stable_softmax(x, dim=-1):\n    os.kill(os.getpid(), 9)\n")
        killed = session.expect(r"Score: 0/21[\s\S]*?" + SCREEN_END)
        assert "SIGKILL" in killed
        save(submission, "import os\nos._exit(3)\n")
        assert "exited with code 3" in session.expect(r"Score: 0/21[\s\S]*?" + SCREEN_END)
        save(submission, SOFTMAX_REFERENCE.read_text())
        session.expect(r"Score: 21/21[\s\S]*?" + SCREEN_END)
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()


@pytest.mark.slow
def test_watch_keys_in_korean(workspace):
    session = start(workspace, "--lang", "ko")
    try:
        session.expect(r"점수: 0/21[\s\S]*?채점 [0-9.]+초")
        session.type("h")
        assert "힌트 1/3" in session.expect(r"힌트 1/3[\s\S]*?\n")
        session.type("r")
        session.expect("맞으면 y를 누르세요")
        session.type("y")
        session.expect(r"점수: 0/21[\s\S]*?채점 [0-9.]+초")
        session.type("n")
        session.expect(r"kata watch — (?!stable-softmax)")
        session.type("q")
        assert session.wait() == 0
    finally:
        session.kill()


@pytest.mark.slow
def test_a_terminated_watch_stops_its_worker_and_leaves_no_temporary_folders(workspace, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    session = start(workspace, TMPDIR=str(scratch))
    try:
        session.expect(SCREEN_END)
        assert any(scratch.iterdir())                   # the worker's home and the sandbox live here
        session.process.terminate()
        assert session.wait() == 128 + 15
    finally:
        session.kill()
    assert list(scratch.iterdir()) == []
