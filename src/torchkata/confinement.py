"""Confinement of the worker: what the kernel lets us take away from learner code.

Everything here runs on the untrusted side, inside the worker, before any learner
code is imported. Each mechanism is optional: we detect it, use it when present,
and report what was in force so the result can say so honestly.

- :func:`enter_network_namespace` (in the long-lived worker, once): an unprivileged
  user + network namespace, so learner code has no network at all.
- :func:`apply_limits` (in each forked test process): rlimits on CPU time, memory,
  file size, open files and processes.
- :func:`apply_landlock` (in each forked test process): read-only access to the
  Python installation, read-write access to the sandbox directory only, no TCP,
  no signals or abstract sockets outside the sandbox.
"""
from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import sys

# --- network namespace -------------------------------------------------------

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def enter_network_namespace() -> bool:
    """Move this (still single-threaded) process into a fresh user+network namespace.

    Maps our own uid/gid so files keep working. Returns False where the kernel
    forbids unprivileged user namespaces.
    """
    uid, gid = os.getuid(), os.getgid()
    if _libc().unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    except OSError:
        return True  # isolated, though ids show as "nobody"; still no network
    return True


# --- resource limits ---------------------------------------------------------

def _set_limit(kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, soft if hard == resource.RLIM_INFINITY else hard))


def _current_vm_bytes() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tasks_of_user(uid: int) -> int:
    """How many processes and threads this user runs (RLIMIT_NPROC counts them all)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count


def apply_limits(cpu_seconds: int, memory_mb: int, file_mb: int, open_files: int, extra_processes: int) -> list[str]:
    """Limit this process. Memory is on top of what the warm worker already maps."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead of killing
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_CPU, cpu_seconds)
    _set_limit(resource.RLIMIT_AS, _current_vm_bytes() + memory_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_NOFILE, open_files)
    if os.getuid() != 0:      # the kernel does not apply RLIMIT_NPROC to root: no need to count (~2 ms)
        _set_limit(resource.RLIMIT_NPROC, _tasks_of_user(os.getuid()) + extra_processes)
    return ["rlimits"]


# --- Landlock ------------------------------------------------------------------

_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446), "arm64": (444, 445, 446)}
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_ALL = (1 << 0) | (1 << 1)           # bind and connect TCP
_SCOPE_ALL = (1 << 0) | (1 << 1)         # abstract unix sockets, signals


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, or 0 when Landlock is unavailable."""
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None:
        return 0
    version = _libc().syscall(numbers[0], None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = _FS_ALL_ABI1
    if abi >= 2:
        rights |= _FS_REFER
    if abi >= 3:
        rights |= _FS_TRUNCATE
    if abi >= 5:
        rights |= _FS_IOCTL_DEV
    return rights


def read_only_roots() -> list[str]:
    """What learner code may read: the Python installation, system libraries, GPU device nodes."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    paths.update(["/usr", "/lib", "/lib64", "/proc", "/sys/devices/system/cpu", "/etc/ld.so.cache",
                  "/etc/localtime", "/dev/null", "/dev/urandom", "/dev/zero"])
    return sorted({os.path.realpath(p) for p in paths if os.path.exists(p)})


def readable_paths(hidden: list[str]) -> list[str]:
    """The read-only roots, minus every folder in ``hidden`` (a course's references and hidden specs).

    Landlock only grants, so a hidden folder inside a readable root is cut out by granting,
    level by level down the path to it, every sibling instead of the parent.
    """
    hidden_real = [os.path.realpath(h) for h in hidden]
    out: list[str] = []
    for root in read_only_roots():
        _grant_except(root, hidden_real, out)
    return out


def _grant_except(path: str, hidden: list[str], out: list[str]) -> None:
    if any(path == h or path.startswith(h + os.sep) for h in hidden):
        return
    inside = [h for h in hidden if h.startswith(path.rstrip(os.sep) + os.sep)]
    if not inside or not os.path.isdir(path):
        out.append(path)
        return
    try:
        names = os.listdir(path)
    except OSError:
        return
    for name in names:
        _grant_except(os.path.join(path, name), inside, out)


def apply_landlock(sandbox: str, readable: list[str]) -> list[str]:
    """Confine this process to reading ``readable`` and writing the sandbox.

    Returns the mechanisms now in force (empty when Landlock is unavailable).
    """
    abi = landlock_abi()
    if abi < 1:
        return []
    create, add_rule, restrict = _SYSCALLS[platform.machine()]
    libc = _libc()
    handled = _fs_rights(abi)
    attr = _RulesetAttr(handled, _NET_ALL if abi >= 4 else 0, _SCOPE_ALL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return []
    try:
        read = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
        rules = [(p, read) for p in readable]
        rules.append((os.path.realpath(sandbox), handled))
        rules.append(("/dev/null", read | _FS_WRITE_FILE))
        # CUDA talks to its driver through these device nodes (read, write and ioctl).
        rules += [(os.path.join("/dev", name), read | _FS_WRITE_FILE | _FS_IOCTL_DEV)
                  for name in _gpu_device_nodes()]
        for path, access in rules:
            _add_path_rule(libc, add_rule, ruleset, path, access & handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return []
        if libc.syscall(restrict, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return []
    finally:
        os.close(ruleset)
    mechanisms = [f"landlock-fs(abi {abi})"]
    if abi >= 4:
        mechanisms.append("landlock-net")
    if abi >= 6:
        mechanisms.append("landlock-scope")
    return mechanisms


def _gpu_device_nodes() -> list[str]:
    try:
        return [name for name in os.listdir("/dev") if name.startswith("nvidia")]
    except OSError:
        return []


def _add_path_rule(libc, add_rule: int, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            # Directory-only rights are refused on files.
            access &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
        rule = _PathBeneathAttr(access, fd)
        libc.syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0))
    finally:
        os.close(fd)
