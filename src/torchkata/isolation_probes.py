"""Probes: what learner code must not be able to do, tried by the confined child itself just
before any learner code runs. Their outcomes (and the trusted side's own checks) are all the
isolation level is computed from (:mod:`torchkata.isolation`).
"""
from __future__ import annotations

import errno
import os
import resource
import socket
import sys

_RLIMITS = sorted(getattr(resource, name) for name in dir(resource) if name.startswith("RLIMIT_"))

def run_probes(targets: dict, sandbox: str) -> dict:
    """Try, from inside the confined child, what learner code must not be able to do.

    ``targets`` come from the trusted side (:class:`torchkata.launcher.ProbeTargets`): a file, a
    listening pathname socket, an abstract socket, TCP and UDP ports of the host, and its pid;
    the zygote adds an abstract socket of its own network namespace. Each probe is True when the
    attempt failed as it must; ``errors`` keeps the errno names, which tell the mechanisms apart.
    """
    errors: dict[str, str] = {}
    probes = {
        "own_pid_namespace": os.getppid() == 0,          # the zygote, its parent, is outside its namespace
        "host_processes_hidden": not [p for p in _listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())],
        "signals_contained": _blocked(errors, "signal", lambda: os.kill(int(targets["launcher_pid"]), 0)),
        "limits_locked": _limits_locked(),
        "unprivileged": _unprivileged(),
        "nproc": _nproc(),
        "host_files_hidden": _host_files_hidden(errors, targets),
        "host_unchanged": _host_unchanged(errors, targets, sandbox),
        "host_sockets_unreachable": all([
            _blocked(errors, "unix", lambda: _connect(socket.AF_UNIX, socket.SOCK_STREAM, targets["unix"])),
            _blocked(errors, "abstract", lambda: _connect(socket.AF_UNIX, socket.SOCK_STREAM,
                                                           "\0" + targets["abstract"]))]),
        "sibling_sockets_unreachable": _blocked(errors, "sibling", lambda: _connect(
            socket.AF_UNIX, socket.SOCK_STREAM, "\0" + targets["sibling"])) if targets.get("sibling") else False,
        "network_unreachable": all([
            _blocked(errors, "tcp", lambda: _connect(socket.AF_INET, socket.SOCK_STREAM,
                                                      ("127.0.0.1", int(targets["tcp"])))),
            _blocked(errors, "udp", lambda: _send_udp(("127.0.0.1", int(targets["udp"]))))]),
        "scratch_write": _blocked(errors, "scratch", lambda: _create_and_remove(os.path.join(
            "/tmp", f".torchkata-probe-{os.getpid()}"))),
    }
    probes["errors"] = errors
    return probes


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _blocked(errors: dict, name: str, attempt) -> bool:
    """True when ``attempt`` raised OSError (the errno name is kept); False when it succeeded."""
    try:
        attempt()
    except OSError as exc:
        errors[name] = errno.errorcode.get(exc.errno or 0, "EIO")
        return True
    except (KeyError, TypeError, ValueError) as exc:    # no target given: not proven
        errors[name] = f"not probed ({type(exc).__name__})"
        return False
    errors[name] = "reachable"
    return False


def _connect(family: int, kind: int, address) -> None:
    with socket.socket(family, kind) as sock:
        sock.settimeout(1.0)
        sock.connect(address)


def _send_udp(address) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"torchkata-probe", address)


def _create_and_remove(path: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.unlink(path)


def _limits_locked() -> bool:
    for kind in _RLIMITS:
        soft, hard = resource.getrlimit(kind)
        if soft != hard:
            return False
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard + 1))
    except (OSError, ValueError):
        return True
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, soft))
    return False


def _unprivileged() -> bool:
    if 0 in os.getresuid() or 0 in os.getresgid():
        return False
    try:
        with open("/proc/self/status") as f:
            caps = {line.split(":")[0]: int(line.split()[1], 16) for line in f if line.startswith("Cap")}
    except (OSError, ValueError, IndexError):
        return False
    return caps.get("CapEff", 1) == 0 and caps.get("CapPrm", 1) == 0 and caps.get("CapAmb", 0) == 0


def _nproc() -> int | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _host_files_hidden(errors: dict, targets: dict) -> bool:
    def read_canary():
        with open(targets["file"], "rb") as f:
            f.read(1)
    hidden = _blocked(errors, "read", read_canary)
    if os.getpid() != 1:         # the namespace's process 1 is not the child: its root must be out of reach
        hidden &= _blocked(errors, "init_root", lambda: os.listdir("/proc/1/root/"))
    for folder in targets.get("hidden", []):
        try:
            if os.listdir(folder):
                errors["hidden"] = f"listed {folder}"
                hidden = False
        except OSError:
            pass
    return hidden


def _host_unchanged(errors: dict, targets: dict, sandbox: str) -> bool:
    places = [os.path.dirname(targets.get("file", "")) or "/", sys.prefix]
    blocked = True
    for number, place in enumerate(places):
        if os.path.realpath(place).startswith(os.path.realpath(sandbox)):
            continue
        blocked &= _blocked(errors, f"write{number}", lambda: _create_and_remove(
            os.path.join(place, f".torchkata-probe-{os.getpid()}")))
    return blocked
