"""Attack: a fork bomb, and processes that outlive the child (fork, setsid, double fork)."""
import os

from tests.red_team.jail_support import (attack, earns_nothing, grade, needs_pid_namespace_or_cgroups, token,
                                         wait_until_gone)

BOMB = """
import os

made = 0
for _ in range(64):                  # four times the 16 extra processes a child may start
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        try:
            os.execv("/bin/sleep", ["sleep", "{marker}"])
        finally:
            os._exit(0)
    made += 1
"""

SURVIVOR = """
import os

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            os.execv("/bin/sleep", ["sleep", "{marker}"])
        finally:
            os._exit(0)
    os._exit(0)
started = True
"""


def test_a_fork_bomb_stops_at_the_process_limit(course, worker, tmp_path):
    needs_pid_namespace_or_cgroups(worker)
    marker = f"300.{int(token(), 16) % 10**9}"
    result = grade(course, course.get("stable-softmax"), worker,
                   attack(tmp_path, BOMB.replace("{marker}", marker), "made >= 40"), public_only=True)
    earns_nothing(result)
    assert result.isolation["checks"]["process_limit"] or result.isolation["checks"]["pids_limit"], result.isolation
    assert wait_until_gone(marker) == []


def test_a_setsid_grandchild_does_not_survive_the_child(course, worker, tmp_path):
    needs_pid_namespace_or_cgroups(worker)
    marker = f"301.{int(token(), 16) % 10**9}"
    result = grade(course, course.get("stable-softmax"), worker,
                   attack(tmp_path, SURVIVOR.replace("{marker}", marker), "False"), public_only=True)
    earns_nothing(result)
    assert result.isolation["checks"]["descendants_end"], result.isolation
    assert wait_until_gone(marker) == [], "a process started by learner code outlived its child"
    assert os.getpid()
