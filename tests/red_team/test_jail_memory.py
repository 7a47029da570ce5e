"""Attack: hold memory the address-space limit does not count (memfds, System V shared memory)."""
from pathlib import Path

from torchkata.catalogue import load_course
from tests.red_team.jail_support import (attack, earns_nothing, grade, needs_cgroups, needs_namespaces, token)

MEMFD = """
import os

held, chunk = [], b"x" * (1 << 20)
try:
    for _ in range(64):                     # 64 files of 16 MiB (the file-size limit): 1 GiB
        fd = os.memfd_create("hoard")
        for _ in range(16):
            os.write(fd, chunk)
        held.append(fd)
except OSError:
    pass
"""

SYSV = """
import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
segment = libc.shmget({key}, 64 << 20, 0o1600)          # IPC_CREAT | 0600, never removed
address = libc.shmat(segment, None, 0)
if segment >= 0 and address not in (None, ctypes.c_void_p(-1).value):
    ctypes.memset(address, 1, 64 << 20)
kept = segment >= 0
"""


def small_memory_course(course_copy, megabytes: int):
    root = course_copy()
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text("\n".join(f"memory_mb = {megabytes}" if line.startswith("memory_mb") else line
                              for line in toml.read_text().splitlines()) + "\n")
    return load_course(root)


def test_memory_held_in_memfds_counts_against_the_limit(course_copy, worker, tmp_path):
    needs_cgroups(worker, "memory")
    course = small_memory_course(course_copy, 128)
    result = grade(course, course.get("stable-softmax"), worker, attack(tmp_path, MEMFD, "len(held) == 64"),
                   public_only=True)
    earns_nothing(result)
    assert result.isolation["checks"]["memory_limit"], result.isolation
    assert any("SIGKILL" in t.message or "memory" in t.message for t in result.tests), \
        [t.message for t in result.tests]


def test_system_v_shared_memory_dies_with_the_child(course, worker, tmp_path):
    needs_namespaces(worker)
    key = int(token(), 16) % (1 << 30) + 1
    result = grade(course, course.get("stable-softmax"), worker,
                   attack(tmp_path, SYSV.replace("{key}", str(key)), "False"), public_only=True)
    earns_nothing(result)
    segments = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    assert not [line for line in segments if int(line.split()[0]) == key], "the segment outlived the child"
