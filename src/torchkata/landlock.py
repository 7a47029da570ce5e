"""Landlock: what learner code may read, write and reach, by path, port and scope (kernel 5.13+).

Applied by each confined child last (:func:`apply_landlock`), on top of the namespaces of
:mod:`torchkata.confinement`: where those are unavailable, it still keeps the filesystem
(read-only roots, the sandbox writable), TCP (ABI 4) and abstract sockets and signals outside
the child (ABI 6) from learner code. :func:`read_only_roots` is also what the children's
filesystem view is built from.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys

_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_NO_NEW_PRIVS = 38


_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446), "arm64": (444, 445, 446)}
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

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
    version = _LIBC.syscall(numbers[0], None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def landlock_unavailable_reason() -> str:
    if platform.machine() not in _SYSCALLS:
        return f"landlock: not known on {platform.machine()}"
    _LIBC.syscall(_SYSCALLS[platform.machine()][0], None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    code = ctypes.get_errno()
    if code == errno.ENOSYS:
        return "landlock: not supported by this kernel"
    if code == errno.EOPNOTSUPP:
        return "landlock: supported by this kernel but turned off (not in the lsm= boot list)"
    return f"landlock: {os.strerror(code)}"


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
    # Libraries the launcher passed on (CUDA's, in some installations), where they live outside these.
    passed = [*os.environ.get("LD_LIBRARY_PATH", "").split(":"), os.environ.get("CUDA_HOME", "")]
    paths.update(p for p in passed if p.startswith("/") and p.rstrip("/").count("/") >= 2 and not p.startswith("/tmp"))
    paths.update(["/usr", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/localtime", "/dev/null", "/dev/urandom",
                  "/dev/zero"])
    # CUDA reads the PCI devices in /sys; without a GPU only the CPU topology is needed.
    paths.add("/sys" if gpu_device_nodes() else "/sys/devices/system/cpu")
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


def _proc_rules(private_proc: bool) -> list[str]:
    """All of /proc when it is the child's own; else only its own entry and a few system files,
    so the command lines of the host's processes stay unreadable."""
    if private_proc:
        return ["/proc"]
    own = os.path.realpath("/proc/self")
    return [p for p in (own, "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/driver") if os.path.exists(p)]


def apply_landlock(sandbox: str, readable: list[str], private_proc: bool = False) -> dict[str, str]:
    """Confine this process to reading ``readable`` and writing the sandbox; no TCP, no abstract
    sockets or signals outside its own Landlock domain. Returns "" or why not, per mechanism."""
    abi = landlock_abi()
    if abi < 1:
        why = landlock_unavailable_reason()
        return {"landlock-fs": why, "landlock-net": why, "landlock-scope": why}
    result = {"landlock-fs": "", "landlock-net": "" if abi >= 4 else f"landlock: ABI {abi} < 4 (kernel 6.7)",
              "landlock-scope": "" if abi >= 6 else f"landlock: ABI {abi} < 6 (kernel 6.12)"}
    create, add_rule, restrict = _SYSCALLS[platform.machine()]
    handled = _fs_rights(abi)
    attr = _RulesetAttr(handled, _NET_ALL if abi >= 4 else 0, _SCOPE_ALL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _LIBC.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        why = f"landlock: creating the ruleset: {os.strerror(ctypes.get_errno())}"
        return {name: why for name in result}
    try:
        read = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
        rules = [(p, read) for p in [*readable, *_proc_rules(private_proc)]]
        rules.append((os.path.realpath(sandbox), handled))
        rules.append(("/dev/null", read | _FS_WRITE_FILE))
        rules += [(os.path.join("/dev", name), read | _FS_WRITE_FILE | _FS_IOCTL_DEV) for name in gpu_device_nodes()]
        for path, access in rules:
            _add_path_rule(add_rule, ruleset, path, access & handled)
        failure = ""
        if _LIBC.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            failure = f"landlock: no_new_privs: {os.strerror(ctypes.get_errno())}"
        elif _LIBC.syscall(restrict, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            failure = f"landlock: restrict_self: {os.strerror(ctypes.get_errno())}"
        if failure:
            return {name: failure for name in result}
    finally:
        os.close(ruleset)
    result["landlock-abi"] = str(abi)
    return result


def _add_path_rule(add_rule: int, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            # Directory-only rights are refused on files.
            access &= _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
        rule = _PathBeneathAttr(access, fd)
        _LIBC.syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                      ctypes.c_uint32(0))
    finally:
        os.close(fd)



def gpu_device_nodes() -> list[str]:
    try:
        return sorted(name for name in os.listdir("/dev") if name.startswith("nvidia"))
    except OSError:
        return []
