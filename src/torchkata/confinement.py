"""Confinement of learner code: what the kernel lets us take away, and probes of what is in force.

Everything here runs on the untrusted side of the boundary, in the worker, before any learner
code is imported. Each mechanism is optional: it is tried, and when it cannot be had the reason
is recorded, never hidden. The level a result prints is not computed from what was tried but from
probes (:func:`torchkata.isolation_probes.run_probes`, in each child just before learner code, and the trusted side's own
checks in :mod:`torchkata.launcher`); :mod:`torchkata.isolation` names it.

Where each step happens:

the zygote, once (:func:`enter_jail`, while it is still single-threaded, before torch)
    a user namespace (the learner's uid inside is 1000; when we start as root it is mapped to the
    unprivileged host uid 65534 by a helper process that stays outside, since only a process
    with CAP_SETUID outside may map a second id), a network namespace (no interface but a
    loopback that is down) and a PID namespace in which the zygote is process 1. Then a mount
    namespace of its own, in which :class:`Views` builds a read-only filesystem view once per set
    of hidden folders: the Python installation and system libraries bound read-only, the hidden
    folders covered, a minimal /dev, and nothing else (no host /tmp, /run, /home or sockets).
the fork (:meth:`Jail.fork`)
    every child is process 1 of a PID namespace of its own: killing it ends every process it
    started, ``setsid`` or not, and its /proc shows no other process.
the child, before learner code (:func:`confine_child`)
    its own mount, IPC and UTS namespaces; a fresh tmpfs on /tmp and /dev/shm, its own /proc, the
    sandbox bound in, then ``pivot_root`` into the view. It drops to uid 1000 and enters a user
    namespace of its own (so the process limit counts its processes only, and no further user
    namespace can be made), sets every rlimit with hard = soft, drops every capability, and
    applies Landlock (:mod:`torchkata.landlock`: filesystem, TCP, abstract sockets and signals).
    Then :mod:`torchkata.probes` tries what learner code must not be able to do.
the trusted side (:mod:`torchkata.cgroups`, :mod:`torchkata.launcher`)
    as root, a memory and a pids cgroup per child (so memfds and page cache count), and checks
    from outside: the child's namespaces, host uid and cgroup.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import signal
import socket
import tempfile

from torchkata.landlock import (apply_landlock, gpu_device_nodes, landlock_abi,  # noqa: F401 (re-exported)
                                read_only_roots, readable_paths)

LEARNER_UID = LEARNER_GID = 1000      # the learner's ids inside the user namespace
HOST_LEARNER_UID = HOST_LEARNER_GID = 65534   # what they are on the host when we start as root ("nobody")

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_MS_NOATIME, _MS_NODIRATIME, _MS_RELATIME = 1024, 2048, 1 << 21
_MNT_DETACH = 2
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}
_CAPSET = {"x86_64": 126, "aarch64": 91, "arm64": 91}


class JailError(OSError):
    """A confinement step the kernel refused (the message says which and why)."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


_LIBC = _libc()


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise JailError(code, f"{what}: {os.strerror(code)}")


def _unshare(flags: int, what: str) -> None:
    _check(_LIBC.unshare(ctypes.c_int(flags)), what)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_LIBC.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def enter_cgroups(files: list[str]) -> None:
    """Move this (single-threaded) child into the cgroups the trusted side made for it, by writing 0
    to their ``tasks`` files: no global lock, unlike another process writing its pid. Best effort:
    the trusted side checks where the child is and moves it itself where this did not."""
    for path in files:
        try:
            _write(path, "0")
        except OSError:
            pass


def _reason(exc: BaseException) -> str:
    return str(exc.strerror if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, JailError) else exc)


# --- the zygote: namespaces for all its children ------------------------------------------------

class Jail:
    """What the zygote set up for its children, and how it forks them.

    ``status`` maps each zygote-level mechanism to "" when it is in place, else the reason it is
    not; the hello reports it and the level is still decided by the children's probes.

    Each child is process 2 of a PID namespace of its own, whose process 1 (its *init*) is a small
    process made by :class:`InitFactory`: the child dies of its own signals like any process (a
    namespace's process 1 ignores them), and when it ends the zygote kills its init, which ends every
    process the child started. Without the factory the child is process 1 itself.
    """

    def __init__(self, status: dict[str, str], own_pid_namespace: int = -1, root: bool = False,
                 factory: "InitFactory | None" = None):
        self.status = status
        self._own_pid_namespace = own_pid_namespace
        self.root = root                       # the learner is mapped to HOST_LEARNER_UID
        self.views = Views() if not status.get("mount-namespace") else None
        self.factory = factory
        self._inits: dict[int, int] = {}       # child pid -> the pid of its namespace's process 1

    @classmethod
    def without(cls, why: str) -> "Jail":
        return cls({name: why for name in ("user-namespace", "network-namespace", "pid-namespace", "mount-namespace")})

    @property
    def namespaces(self) -> bool:
        return not self.status.get("user-namespace")

    def learner_host_ids(self) -> tuple[int, int] | None:
        """Who owns a sandbox folder so the learner may write it (None: the launcher's own ids)."""
        return (HOST_LEARNER_UID, HOST_LEARNER_GID) if self.root and self.namespaces else None

    def fork(self) -> int:
        """os.fork(), the child in a PID namespace of its own where one can be made."""
        if self._own_pid_namespace < 0:
            return os.fork()
        made = self.factory.take() if self.factory is not None else None
        init = made[0] if made else None
        try:
            if made:
                try:
                    _check(_LIBC.setns(ctypes.c_int(made[1]), ctypes.c_int(_CLONE_NEWPID)), "setns(pid)")
                finally:
                    os.close(made[1])
            else:
                _unshare(_CLONE_NEWPID, "unshare(CLONE_NEWPID)")
        except JailError:                    # e.g. user.max_pid_namespaces reached: the probes will say so
            self._kill(init)
            return os.fork()
        try:
            pid = os.fork()
        except BaseException:
            self._back_to_own_pid_namespace()
            self._kill(init)
            raise
        if pid:
            self._back_to_own_pid_namespace()   # the next child gets a namespace of its own again
            if init is not None:
                self._inits[pid] = init
        return pid

    def ended(self, pid: int) -> None:
        """A child ended or is being killed: end its namespace, and with it whatever it started."""
        self._kill(self._inits.pop(pid, None))

    @staticmethod
    def _kill(init: int | None) -> None:
        if init is not None:
            try:
                os.kill(init, signal.SIGKILL)
            except OSError:
                pass

    def _back_to_own_pid_namespace(self) -> None:
        _check(_LIBC.setns(ctypes.c_int(self._own_pid_namespace), ctypes.c_int(_CLONE_NEWPID)), "setns(pid)")

    def for_subzygote(self) -> socket.socket | None:
        """A connection of its own to the factory, for a sub-zygote about to be forked."""
        return self.factory.new_connection() if self.factory is not None else None

    def in_subzygote(self, connection: socket.socket | None) -> None:
        self._inits.clear()
        if self.factory is not None:
            self.factory.use(connection)

    def forget_in_child(self) -> None:
        """In a confined child: close what only the zygote needs."""
        if self._own_pid_namespace >= 0:
            os.close(self._own_pid_namespace)
            self._own_pid_namespace = -1
        if self.factory is not None:
            self.factory.close()
            self.factory = None


class InitFactory:
    """A small process, forked before torch is imported, that makes the process 1 of each child's
    PID namespace (a fork of itself: cheap) ahead of time; the zygote asks for one per child."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:
            keep = theirs.fileno()
            os.closerange(3, keep)           # the zygote's control socket above all: only the zygote holds it
            os.closerange(keep + 1, 1 << 16)
            code = 0
            try:
                _serve_inits(theirs)
            except BaseException:          # noqa: BLE001 — the zygote then forks without it
                code = 70
            finally:
                os._exit(code)
        theirs.close()
        self._connection = ours
        self._asked = False

    def take(self) -> tuple[int, int] | None:
        """A fresh namespace's process 1: (its pid here, a descriptor of its namespace), or None when
        the factory cannot give one. The next one is asked for at once, so that its answer is waiting."""
        try:
            if not self._asked:
                self._connection.sendall(b"i")
            reply, fds, _, _ = socket.recv_fds(self._connection, 4, 1)
            self._connection.sendall(b"i")
            self._asked = True
        except OSError:
            self._asked = False
            return None
        pid = int.from_bytes(reply, "little", signed=True) if len(reply) == 4 else -1
        if pid <= 0 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            return None
        return pid, fds[0]

    def new_connection(self) -> socket.socket | None:
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self._connection, [b"c"], [theirs.fileno()])
        except OSError:
            ours.close()
            return None
        finally:
            theirs.close()
        return ours

    def use(self, connection: socket.socket | None) -> None:
        self._connection.close()
        self._connection = connection if connection is not None else socket.socket()
        self._asked = False

    def close(self) -> None:
        self._connection.close()


def _serve_inits(first: socket.socket) -> None:
    import select
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)           # the kernel reaps the inits
    own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    connections = [first]
    ready = _make_init(own, connections)
    while connections:
        for connection in select.select(connections, [], [])[0]:
            try:
                data, fds, _, _ = socket.recv_fds(connection, 1, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                connections.remove(connection)
                connection.close()
            elif data == b"c" and fds:
                connections.append(socket.socket(fileno=fds[0]))
            else:
                pid, namespace = ready
                socket.send_fds(connection, [pid.to_bytes(4, "little", signed=True)],
                                [namespace] if namespace >= 0 else [])
                if namespace >= 0:
                    os.close(namespace)
                ready = _make_init(own, connections)


def _make_init(own: int, connections: list) -> tuple[int, int]:
    """Fork the process 1 of a new PID namespace; returns its pid and a descriptor of the namespace,
    which it opens itself (it is not dumpable: nobody else may)."""
    try:
        _unshare(_CLONE_NEWPID, "unshare(CLONE_NEWPID)")
    except JailError:
        return -1, -1
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        for connection in [*connections, ours]:
            connection.close()
        os.close(own)
        namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)   # the host's /proc: "self" is this process
        socket.send_fds(theirs, [b"n"], [namespace])
        os.close(namespace)
        theirs.close()
        _be_init()
    _check(_LIBC.setns(ctypes.c_int(own), ctypes.c_int(_CLONE_NEWPID)), "setns(pid)")
    theirs.close()
    try:
        _, fds, _, _ = socket.recv_fds(ours, 1, 1)
    finally:
        ours.close()
    return pid, fds[0] if fds else -1


def _be_init() -> None:
    """Process 1 of a child's namespace: reap whatever is orphaned there, until killed. Not dumpable:
    its /proc/1/root (the host's tree) stays out of the learner's reach even under the same uid."""
    _LIBC.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    while True:
        signal.sigwait({signal.SIGCHLD})
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def enter_jail(close_in_parent: tuple[int, ...] = ()) -> Jail:
    """Give this process (the zygote, single-threaded, nothing imported yet) its namespaces.

    With a PID namespace, the process forks: the child, process 1 of the new namespace, returns
    and becomes the zygote; this one waits for it and exits with its status (closing the file
    descriptors in ``close_in_parent``, so that only the zygote holds them).
    """
    root = os.geteuid() == 0
    try:
        _user_namespace(root, _CLONE_NEWNET)
    except JailError as exc:
        return Jail.without(_userns_reason(exc))
    status = {"user-namespace": "", "network-namespace": "", "pid-namespace": ""}
    try:       # only now: a failure here leaves nothing half done
        _unshare(_CLONE_NEWPID, "unshare(CLONE_NEWPID)")
    except JailError as exc:
        status["pid-namespace"] = str(exc)
    if not status["pid-namespace"]:
        _become_process_one(close_in_parent)
    status["mount-namespace"] = _own_mount_namespace()
    if status["pid-namespace"]:
        return Jail(status, -1, root)
    own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    return Jail(status, own, root, InitFactory())


def _userns_reason(exc: JailError) -> str:
    try:
        with open("/proc/sys/user/max_user_namespaces") as f:
            if f.read().strip() == "0":
                return "user namespaces are disabled on this machine (user.max_user_namespaces = 0)"
    except OSError:
        pass
    try:
        with open("/proc/sys/kernel/unprivileged_userns_clone") as f:
            if f.read().strip() == "0" and os.geteuid() != 0:
                return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
    except OSError:
        pass
    try:
        with open("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") as f:
            if f.read().strip() == "1" and os.geteuid() != 0:
                return "AppArmor restricts unprivileged user namespaces on this machine"
    except OSError:
        pass
    return f"no user namespace ({exc})"


def _user_namespace(root: bool, more: int) -> None:
    """unshare a user namespace (plus ``more``) and map the ids: see the module's docstring."""
    flags = _CLONE_NEWUSER | more
    if not root:
        uid, gid = os.geteuid(), os.getegid()       # inside, before the map is written, they read as 65534
        _unshare(flags, "unshare(CLONE_NEWUSER)")
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{LEARNER_UID} {uid} 1\n")
            _write("/proc/self/gid_map", f"{LEARNER_GID} {gid} 1\n")
        except OSError as exc:
            raise JailError(exc.errno or errno.EPERM, f"mapping the learner's ids: {exc.strerror}") from None
        return
    # Root: a helper that stays outside writes both maps (root inside is root outside; the learner
    # is nobody outside). It is forked now, while this process is small.
    go_r, go_w = os.pipe()
    done_r, done_w = os.pipe()
    helper = os.fork()
    if helper == 0:
        code = 1
        try:
            os.close(go_w)
            os.close(done_r)
            if os.read(go_r, 1) == b"1":
                parent = os.getppid()
                _write(f"/proc/{parent}/uid_map", f"0 0 1\n{LEARNER_UID} {HOST_LEARNER_UID} 1\n")
                _write(f"/proc/{parent}/gid_map", f"0 0 1\n{LEARNER_GID} {HOST_LEARNER_GID} 1\n")
                os.write(done_w, b"1")
                code = 0
        finally:
            os._exit(code)
    os.close(go_r)
    os.close(done_w)
    unshared = _LIBC.unshare(ctypes.c_int(flags))
    code = ctypes.get_errno()
    os.write(go_w, b"1" if unshared == 0 else b"0")
    os.close(go_w)
    mapped = os.read(done_r, 1) == b"1"
    os.close(done_r)
    os.waitpid(helper, 0)
    if unshared != 0:
        raise JailError(code, f"unshare(CLONE_NEWUSER): {os.strerror(code)}")
    if not mapped:
        raise JailError(errno.EPERM, "the helper could not map the learner's ids")


def _become_process_one(close_in_parent: tuple[int, ...]) -> None:
    """Fork into the new PID namespace; only the child (process 1 there) returns."""
    pid = os.fork()
    if pid == 0:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # the parent is killed: so is the zygote
        return
    for fd in close_in_parent:
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 70)


def _own_mount_namespace() -> str:
    """A private mount namespace for the zygote, where the views are built ("" or why not)."""
    try:
        _unshare(_CLONE_NEWNS, "unshare(CLONE_NEWNS)")
        _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    except JailError as exc:
        return str(exc)
    if platform.machine() not in _PIVOT_ROOT:
        return f"pivot_root is not known on {platform.machine()}"
    return ""


# --- views: the filesystem a child sees ----------------------------------------------------------

class Views:
    """Read-only filesystem views, built in the zygote's mount namespace, one per (hidden folders,
    sandbox parent); every child copies the namespace and enters its view with ``pivot_root``."""

    def __init__(self) -> None:
        self._built: dict[tuple, str] = {}
        self._failed: dict[tuple, str] = {}
        self._under_tmp: dict[str, list[list[str]]] = {}

    def get(self, hidden: tuple[str, ...], sandbox_parent: str) -> tuple[str, str]:
        """(the view's folder, "") or ("", why there is none)."""
        key = (hidden, sandbox_parent)
        if key not in self._built and key not in self._failed:
            where = tempfile.mkdtemp(prefix="view-", dir=os.environ.get("HOME") or None)
            roots = [p for p in read_only_roots() if not p.startswith(("/proc", "/dev"))]
            hidden_real = [os.path.realpath(h) for h in hidden]
            try:
                build_view(where, roots, hidden_real, sandbox_parent)
                self._built[key] = where
                self._under_tmp[where] = [[r for r in _outermost(roots) if r.startswith("/tmp/")],
                                          [h for h in hidden_real if h.startswith("/tmp/")]]
            except (OSError, ValueError) as exc:
                self._failed[key] = f"building the filesystem view: {_reason(exc)}"
        return self._built.get(key, ""), self._failed.get(key, "")

    def under_tmp(self, view: str) -> list[list[str]]:
        """[read-only roots, hidden folders] of ``view`` that lie in /tmp: a child's fresh /tmp covers
        them, so it binds and covers them again (:func:`_rebind_under_tmp`)."""
        return self._under_tmp.get(view, [[], []])


_DEVICES = ("null", "zero", "full", "random", "urandom")
_HOST_ROOT = "/.host"          # where pivot_root puts the host's tree in a child, under a cover


def build_view(where: str, roots: list[str], hidden: list[str], sandbox_parent: str) -> None:
    """Make ``where`` a tmpfs holding read-only binds of ``roots`` (hidden folders covered), a
    minimal /dev, and empty mount points for /proc, /tmp and the sandbox's parent."""
    _mount("tmpfs", where, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=755,size=1m")
    for root in _outermost(roots):
        _bind_read_only(root, where + root, recursive=root != "/sys")    # not the cgroup mounts below /sys
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):   # merged-/usr systems
        if os.path.islink(link) and not os.path.lexists(where + link):
            os.symlink(os.readlink(link), where + link)
    for folder in hidden:
        if os.path.isdir(where + folder):
            _mount("tmpfs", where + folder, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                   "mode=555,size=4k")
    for point in ("/proc", "/tmp", sandbox_parent, _HOST_ROOT):
        if not os.path.isdir(where + point):
            os.makedirs(where + point, mode=0o755)
    _minimal_dev(where + "/dev")
    _mount(None, where, None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, "mode=755")


def _outermost(paths: list[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _bind_read_only(source: str, target: str, recursive: bool = True) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(source, target, None, _MS_BIND | (_MS_REC if recursive else 0))
    _remount(target, _MS_RDONLY | _MS_NOSUID)


def _remount(target: str, flags: int) -> None:
    """Remount a bind with ``flags``, keeping the flags a user namespace may not clear (the source's)."""
    have = os.statvfs(target).f_flag
    keep = have & (_MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_NOATIME | _MS_NODIRATIME)
    keep |= _MS_RELATIME if have & 4096 else 0         # ST_RELATIME is 4096, MS_RELATIME is 1 << 21
    keep |= _MS_RDONLY if have & 1 else 0
    _mount(None, target, None, _MS_BIND | _MS_REMOUNT | flags | keep)


def _minimal_dev(dev: str) -> None:
    os.makedirs(dev, exist_ok=True)
    _mount("tmpfs", dev, "tmpfs", _MS_NOSUID | _MS_NOEXEC, "mode=755,size=64k")
    for name in _DEVICES:
        if os.path.exists("/dev/" + name):
            open(os.path.join(dev, name), "a").close()
            _mount("/dev/" + name, os.path.join(dev, name), None, _MS_BIND)
    for name in gpu_device_nodes():          # CUDA talks to its driver through these
        source = os.path.join("/dev", name)
        if os.path.isdir(source):
            os.makedirs(os.path.join(dev, name), exist_ok=True)
        else:
            open(os.path.join(dev, name), "a").close()
        _mount(source, os.path.join(dev, name), None, _MS_BIND | _MS_REC)
    os.makedirs(os.path.join(dev, "shm"))
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, name))
    _mount(None, dev, None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NOEXEC, "mode=755")


# --- the child: before any learner code ------------------------------------------------------------

def confine_child(job: dict, jail: Jail) -> dict[str, str]:
    """Confine this freshly forked child as described in the module's docstring.

    Returns, for each child-level mechanism, "" when it was set up, else why not. The caller then
    runs :func:`torchkata.isolation_probes.run_probes`: only they decide what is reported as in force.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # an over-long write fails instead of killing
    setup: dict[str, str] = {}
    sandbox, limits = job["sandbox"], job["limits"]
    in_view = False
    if jail.namespaces:
        view, why = job.get("view") or "", job.get("view_error") or jail.status.get("mount-namespace", "")
        if view:
            try:
                _enter_view(view, sandbox, limits["memory_mb"], private_proc=not jail.status.get("pid-namespace"),
                            under_tmp=job.get("view_under_tmp") or [[], []])
                in_view = True
            except (OSError, ValueError) as exc:
                why = f"entering the filesystem view: {_reason(exc)}"
        setup["mount-namespace"] = "" if in_view else (why or "no filesystem view")
    else:
        setup["mount-namespace"] = jail.status.get("user-namespace", "no user namespace")
    _learner_environment(sandbox)
    setup.update(_drop_privileges(jail))
    nested = not setup.get("own-user-namespace")
    setup["rlimits"] = apply_limits(limits["cpu_seconds"], limits["memory_mb"], limits["file_mb"],
                                    limits["open_files"], limits["extra_processes"], own_user_namespace=nested)
    if job.get("landlock", True):
        own_proc = in_view and not jail.status.get("pid-namespace")
        setup.update(apply_landlock(sandbox, job["readable"], private_proc=own_proc))
    else:
        setup.update({"landlock-fs": "turned off", "landlock-net": "turned off", "landlock-scope": "turned off"})
    return setup


def _enter_view(view: str, sandbox: str, memory_mb: int, private_proc: bool, under_tmp: list[list[str]]) -> None:
    _unshare(_CLONE_NEWNS, "unshare(CLONE_NEWNS)")
    for flag in (_CLONE_NEWIPC, _CLONE_NEWUTS):         # SysV memory and the host name: best effort
        _LIBC.unshare(ctypes.c_int(flag))
    scratch = f"mode=1777,size={max(1, int(memory_mb))}m,nr_inodes=65536"
    _mount("tmpfs", view + "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, scratch)
    _rebind_under_tmp(view, *under_tmp)
    _mount("tmpfs", view + "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, scratch)
    parent = os.path.dirname(sandbox)
    if parent != "/tmp":
        if parent.startswith("/tmp/"):       # under the fresh /tmp just mounted: its mount point is made now
            os.makedirs(view + parent, mode=0o755, exist_ok=True)
        _mount("tmpfs", view + parent, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=755,size=64k")
    os.mkdir(view + sandbox, 0o700)
    _mount(sandbox, view + sandbox, None, _MS_BIND)
    _remount(view + sandbox, _MS_NOSUID | _MS_NODEV)
    if private_proc:
        _mount("proc", view + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    os.chdir(view)
    _check(_LIBC.syscall(_PIVOT_ROOT[platform.machine()], b".", _HOST_ROOT[1:].encode()), "pivot_root")
    os.chdir("/")
    # The host's tree, now below /.host, is covered rather than unmounted: an unmount waits for an RCU
    # grace period (milliseconds on a busy machine, at every fork). Nothing can reach what is covered:
    # the child holds no descriptor into it and no capability to unmount the cover (nor Landlock's leave).
    _mount("tmpfs", _HOST_ROOT, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "mode=555,size=4k")
    _LIBC.sethostname(b"torchkata", 9)


def _rebind_under_tmp(view: str, roots: list[str], hidden: list[str]) -> None:
    """The fresh /tmp covers what the view bound below it: a checkout, a virtualenv or an editable install
    in /tmp (a CI runner's, a test's). Bind those read-only roots again, from the host's tree (still in
    reach before pivot_root), and cover the hidden folders among them again (both as :meth:`Views.get`
    found them, once per view)."""
    for root in roots:
        _bind_read_only(root, view + root)
    for folder in hidden:
        if os.path.isdir(view + folder):
            _mount("tmpfs", view + folder, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                   "mode=555,size=4k")


def _learner_environment(sandbox: str) -> None:
    os.environ.update({"HOME": sandbox, "TMPDIR": sandbox, "USER": "learner", "LOGNAME": "learner"})
    tempfile.tempdir = None


def _drop_privileges(jail: Jail) -> dict[str, str]:
    """uid 1000, a user namespace of its own (no further ones), no capabilities."""
    if not jail.namespaces:
        why = jail.status.get("user-namespace", "")
        note = "" if os.geteuid() != 0 else f"still root (no user namespace: {why})"
        return {"unprivileged-uid": note, "own-user-namespace": why or "no user namespace",
                "capabilities-dropped": _drop_capabilities()}
    result = {"unprivileged-uid": "", "own-user-namespace": ""}
    try:
        if os.getuid() == 0:
            os.setgroups([])
            os.setresgid(LEARNER_GID, LEARNER_GID, LEARNER_GID)
            os.setresuid(LEARNER_UID, LEARNER_UID, LEARNER_UID)     # clears every capability
    except OSError as exc:
        result["unprivileged-uid"] = f"could not drop to uid {LEARNER_UID}: {exc.strerror}"
    _LIBC.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)   # /proc/self stays ours (the uid change cleared it)
    try:
        uid, gid = os.geteuid(), os.getegid()
        _unshare(_CLONE_NEWUSER, "unshare(CLONE_NEWUSER)")
        _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
        _write("/proc/sys/user/max_user_namespaces", "0")
    except OSError as exc:
        result["own-user-namespace"] = _reason(exc)
    result["capabilities-dropped"] = _drop_capabilities()
    return result


def _drop_capabilities() -> str:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        _LIBC.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)
    number = _CAPSET.get(platform.machine())
    if number is None:
        return f"capset is not known on {platform.machine()}"
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)          # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    if _LIBC.syscall(number, ctypes.byref(header), ctypes.byref(data)) != 0:
        return f"capset: {os.strerror(ctypes.get_errno())}"
    _LIBC.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return ""


# --- resource limits ---------------------------------------------------------------------------

_RLIMITS = sorted(getattr(resource, name) for name in dir(resource) if name.startswith("RLIMIT_"))


def _current_vm_bytes() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


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


def apply_limits(cpu_seconds: int, memory_mb: int, file_mb: int, open_files: int, extra_processes: int,
                 own_user_namespace: bool = False) -> str:
    """Set every rlimit with hard = soft, so no limit can be raised again. Memory (address space) is
    on top of what the warm worker already maps. Returns "" or what could not be set.

    In a user namespace of its own, RLIMIT_NPROC counts this child's tasks only; otherwise it
    counts the user's, so the ones already running are added (the kernel ignores it for root)."""
    chosen = {resource.RLIMIT_CORE: 0, resource.RLIMIT_CPU: cpu_seconds,
              resource.RLIMIT_AS: _current_vm_bytes() + memory_mb * 1024 * 1024,
              resource.RLIMIT_FSIZE: file_mb * 1024 * 1024, resource.RLIMIT_NOFILE: open_files}
    tasks = _threads() if own_user_namespace else (_tasks_of_user(os.getuid()) if os.getuid() else 0)
    chosen[resource.RLIMIT_NPROC] = tasks + extra_processes
    failed = []
    for kind in _RLIMITS:
        soft, hard = resource.getrlimit(kind)
        value = chosen.get(kind, soft)
        if hard != resource.RLIM_INFINITY and (value == resource.RLIM_INFINITY or value > hard):
            value = hard
        try:
            resource.setrlimit(kind, (value, value))
        except (OSError, ValueError) as exc:
            failed.append(f"{kind}: {exc}")
    return "; ".join(failed)
