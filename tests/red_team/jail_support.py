"""What the confinement attacks (test_jail_*.py) share.

Each attack is a learner submission for stable-softmax that returns the right answer only if
its attack worked, so "earns nothing" is a score of 0; "leaks nothing" is checked on every text
the result carries and on the host (a file, a process, a listener) after grading. A test whose
kernel feature this machine lacks skips with the reason the worker gave.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest

from torchkata import engine
from torchkata.confinement import landlock_abi

HEADER = "import torch\n\n"
SUCCEEDS_IF = """

def stable_softmax(x, dim=-1):
    if {condition}:                     # the attack worked: a correct answer
        exps = torch.exp(x - x.amax(dim=dim, keepdim=True))
        return exps / exps.sum(dim=dim, keepdim=True)
    raise RuntimeError("the attack was stopped")
"""


def token() -> str:
    return secrets.token_hex(8)


def attack(tmp_path: Path, body: str, condition: str) -> Path:
    """A submission: ``body`` runs at import; the function is right only when ``condition`` holds."""
    path = tmp_path / f"attack_{token()}.py"
    path.write_text(HEADER + body.strip("\n") + "\n" + SUCCEEDS_IF.format(condition=condition))
    return path


def grade(course, kata, worker, path: Path, **options):
    options.setdefault("diagnose", False)
    return engine.check(course, kata, path, worker, engine.Options(**options))


def earns_nothing(result) -> None:
    assert result.totals.points == 0 and not result.solved, \
        [(t.name, t.status, t.message[:200]) for t in result.tests if t.points]


def all_text(result) -> str:
    """Everything a result can show anyone (the leak checks search it)."""
    return result.to_json()


def jail_reason(worker, mechanism: str) -> str:
    """"" when the zygote could set up ``mechanism`` (a namespace), else why not."""
    return worker.jail.get(mechanism, "unknown")


def needs_namespaces(worker) -> None:
    why = jail_reason(worker, "user-namespace") or jail_reason(worker, "mount-namespace")
    if why:
        pytest.skip(f"needs user and mount namespaces: {why}")


def needs_pid_namespace_or_cgroups(worker) -> None:
    if jail_reason(worker, "pid-namespace") and "pids" not in worker.cgroups.bases:
        pytest.skip(f"needs a PID namespace ({jail_reason(worker, 'pid-namespace')}) or a pids cgroup "
                    f"({worker.cgroups.why.get('pids')})")


def needs_namespaces_or_landlock(worker, abi: int = 1) -> None:
    if jail_reason(worker, "user-namespace") and landlock_abi() < abi:
        pytest.skip(f"needs user namespaces ({jail_reason(worker, 'user-namespace')}) or Landlock ABI {abi} "
                    f"(this kernel: {landlock_abi()})")


def needs_cgroups(worker, *controllers: str) -> None:
    missing = [c for c in controllers if c not in worker.cgroups.bases]
    if missing:
        pytest.skip("; ".join(worker.cgroups.why.get(c, f"no {c} cgroup") for c in missing))


def host_processes_with(text: str) -> list[int]:
    """Host processes whose command line contains ``text`` (this test's own view of /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry))
    return found


def wait_until_gone(text: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = host_processes_with(text)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
