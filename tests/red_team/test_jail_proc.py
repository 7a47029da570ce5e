"""Attack: read other processes' command lines and environments (secrets) through /proc."""
import os
import subprocess
import sys

import pytest

from tests.red_team.jail_support import all_text, attack, earns_nothing, grade, needs_namespaces_or_landlock, token

SNOOP = """
import os

found = []
names = []
try:
    names = os.listdir("/proc")
except OSError:
    pass
for pid in [n for n in names if n.isdigit()] + ["{host_pid}"]:
    for part in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            continue
        if "TORCHKATA_REDTEAM_SECRET" in text:
            found.append(text)
print("seen", len(names), "found", found)
"""


@pytest.fixture
def host_process_with_a_secret():
    secret = token()
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)",
                                f"--password=TORCHKATA_REDTEAM_SECRET-{secret}"],
                               env={**os.environ, "API_TOKEN": f"TORCHKATA_REDTEAM_SECRET-{secret}"})
    yield process, secret
    process.kill()
    process.wait()


def test_host_command_lines_and_environments_stay_unreadable(course, worker, tmp_path, host_process_with_a_secret):
    needs_namespaces_or_landlock(worker)
    process, secret = host_process_with_a_secret
    source = attack(tmp_path, SNOOP.replace("{host_pid}", str(process.pid)), "found")
    result = grade(course, course.get("stable-softmax"), worker, source)
    earns_nothing(result)
    assert secret not in all_text(result)
    assert result.isolation["checks"]["host_processes_hidden"], result.isolation
