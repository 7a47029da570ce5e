"""Attack: signal processes outside the child (another of the host's, the grader itself)."""
import os
import subprocess

import pytest

from tests.red_team.jail_support import attack, earns_nothing, grade, jail_reason
from torchkata.confinement import landlock_abi

KILL = """
import os
import signal

hit = []
for pid in ({victim}, {grader}):
    try:
        os.kill(pid, signal.SIGKILL if pid == {victim} else 0)
        hit.append(pid)
    except OSError as exc:
        print(pid, exc)
"""


def test_processes_outside_the_child_cannot_be_signalled(course, worker, tmp_path):
    if jail_reason(worker, "pid-namespace") and landlock_abi() < 6:
        pytest.skip(f"needs a PID namespace ({jail_reason(worker, 'pid-namespace')}) or Landlock ABI 6")
    victim = subprocess.Popen(["sleep", "120"])
    try:
        body = KILL.replace("{victim}", str(victim.pid)).replace("{grader}", str(os.getpid()))
        result = grade(course, course.get("stable-softmax"), worker, attack(tmp_path, body, "hit"))
        earns_nothing(result)
        assert victim.poll() is None, "learner code killed a process of the host"
        assert result.isolation["checks"]["signals_contained"], result.isolation
    finally:
        victim.kill()
        victim.wait()
