"""Memory and pids cgroups for confined children (trusted side).

An rlimit on the address space does not count memory held in a memfd or in page cache; a
memory cgroup does, and a pids cgroup bounds the processes and threads of a child and all it
starts. Only the launcher can make them: it runs as the real user (root, or a user whose
cgroup was delegated to it), while the zygote and its children live in a user namespace.

:meth:`CgroupRoot.find` looks for somewhere this process may create cgroups: cgroup v1's
memory and pids hierarchies (as root), or a cgroup v2 subtree with both controllers (a
delegated one, or the hierarchy's root as root). Each child then gets one cgroup per
controller (:meth:`CgroupRoot.attach`), with its limits written before the child's pid is
moved in, and read back afterwards. Where nothing can be made, ``why`` says so, and the
report names it.
"""
from __future__ import annotations

import errno
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field


@dataclass
class Placement:
    """The cgroups one child was moved into, and the limits read back from them."""
    paths: list[str] = field(default_factory=list)
    memory: str = ""          # e.g. "v1, 2304 MiB": empty when not in force
    pids: str = ""
    why_memory: str = ""
    why_pids: str = ""
    made: dict[str, str] = field(default_factory=dict)   # controller -> its cgroup (one folder for both on v2)
    ready: bool = False                                  # made, with its limits: a child may be moved in

    def summary(self) -> dict:
        return {"memory": self.memory, "pids": self.pids, "why_memory": self.why_memory, "why_pids": self.why_pids}


class CgroupRoot:
    """Where this launcher creates its children's cgroups (``bases``: controller -> folder)."""

    def __init__(self, version: int, bases: dict[str, str], why: dict[str, str]):
        self.version, self.bases, self.why = version, bases, why
        self._count = 0
        self._mounts: dict[str, tuple[str, str]] | None = None
        self._leftover: list[str] = []

    @classmethod
    def find(cls) -> "CgroupRoot":
        try:
            own = _own_cgroups()
            mounts = _cgroup_mounts()
        except OSError as exc:
            return cls(0, {}, _both(f"cgroup: cannot read /proc ({exc.strerror})"))
        name = f"torchkata-{os.getpid()}-{secrets.token_hex(3)}"
        v1 = {c: mounts[c] for c in ("memory", "pids") if c in mounts}
        if v1:
            return cls._v1(v1, own, name)
        if "" in mounts:
            return cls._v2(mounts[""], own.get("", "/"), name)
        return cls(0, {}, _both("cgroup: no cgroup filesystem is mounted"))

    @classmethod
    def _v1(cls, mounts: dict[str, tuple[str, str]], own: dict[str, str], name: str) -> "CgroupRoot":
        bases, why = {}, {}
        for controller in ("memory", "pids"):
            if controller not in mounts:
                why[controller] = f"cgroup: the {controller} controller is not mounted (cgroup v1)"
                continue
            mount, root = mounts[controller]
            parent = os.path.join(mount, _relative(own.get(controller, "/"), root))
            cls.sweep_stale(parent)
            base = os.path.join(parent, name)
            try:
                os.mkdir(base)
                bases[controller] = base
            except OSError as exc:
                why[controller] = f"cgroup: {_permission(exc)} ({base})"
        return cls(1, bases, why)

    @classmethod
    def _v2(cls, mount: tuple[str, str], own: str, name: str) -> "CgroupRoot":
        mountpoint, root = mount
        candidates = [os.path.join(mountpoint, _relative(own, root))]
        if os.geteuid() == 0 and candidates[0] != mountpoint:
            candidates.append(mountpoint)             # as root: the hierarchy's root, which may hold processes
        problem = "cgroup: the memory and pids controllers are not delegated to this process's cgroup (v2)"
        for parent in candidates:
            try:
                enabled = _read(os.path.join(parent, "cgroup.subtree_control")).split()
                if not {"memory", "pids"} <= set(enabled):
                    if parent != mountpoint:
                        continue
                    _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids")
                cls.sweep_stale(parent)
                base = os.path.join(parent, name)
                os.mkdir(base)
                try:
                    _write(os.path.join(base, "cgroup.subtree_control"), "+memory +pids")
                except OSError:
                    os.rmdir(base)
                    raise
                return cls(2, {"memory": base, "pids": base}, {})
            except OSError as exc:
                problem = f"cgroup: {_permission(exc)} ({parent}, v2)"
        return cls(2, {}, _both(problem))

    def attach(self, pid: int, memory_bytes: int, max_tasks: int) -> Placement:
        """Create a cgroup per controller for one child, set its limits, move ``pid`` in, read back."""
        return self.enter(pid, self.prepare(memory_bytes, max_tasks))

    def prepare(self, memory_bytes: int, max_tasks: int) -> Placement:
        """Create a cgroup per controller for one child and set its limits; nothing is in it yet."""
        self._remove_leftovers()
        placement = Placement(why_memory=self.why.get("memory", ""), why_pids=self.why.get("pids", ""))
        self._count += 1
        name = f"c{os.getpid()}-{self._count}"
        for controller, base in self.bases.items():
            path = os.path.join(base, name)
            if path in placement.made.values():
                placement.made[controller] = path
                continue
            try:
                os.mkdir(path)
                placement.made[controller] = path
                placement.paths.append(path)
            except OSError as exc:
                setattr(placement, f"why_{controller}", f"cgroup: {_permission(exc)} ({path})")
        try:
            if "memory" in placement.made:
                self._limit_memory(placement.made["memory"], memory_bytes)
            if "pids" in placement.made:
                _write(os.path.join(placement.made["pids"], "pids.max"), str(max_tasks))
        except OSError as exc:
            self._failed(placement, exc)
            return placement
        placement.ready = True
        return placement

    def entry_files(self, placement: Placement) -> list[str]:
        """What a child may write "0" to, to move itself in before any learner code runs: v1's ``tasks``.
        A thread moving itself takes no global lock, while another process writing its pid to
        ``cgroup.procs`` waits for an RCU grace period (measured here: 0.1 ms against 12 ms). Empty on
        v2, where both wait. :meth:`enter` checks where the child really is."""
        return [os.path.join(path, "tasks") for path in placement.paths] if self.version == 1 and placement.ready \
            else []

    def enter(self, pid: int, placement: Placement) -> Placement:
        """Move ``pid`` into each of its cgroups it is not in yet, then read back what is in force."""
        if not placement.ready:
            return placement
        try:
            where = _own_cgroups(pid)
            for controller, path in placement.made.items():
                if not self._holds(where, controller, path):
                    _write(os.path.join(path, "cgroup.procs"), str(pid))
        except OSError as exc:
            self._failed(placement, exc)
            return placement
        self._read_back(pid, placement)
        return placement

    @staticmethod
    def _failed(placement: Placement, exc: OSError) -> None:
        problem = f"cgroup: {_permission(exc)}"
        placement.why_memory = placement.why_memory or problem
        placement.why_pids = placement.why_pids or problem

    def _holds(self, where: dict[str, str], controller: str, path: str) -> bool:
        """Whether a process whose /proc/PID/cgroup reads ``where`` is in ``path`` for ``controller``."""
        if self._mounts is None:
            self._mounts = _cgroup_mounts()
        key = controller if self.version == 1 else ""
        mount, root = self._mounts.get(key, ("", "/"))
        expected = os.path.normpath("/" + os.path.relpath(path, mount)) if mount else ""
        return bool(mount) and expected == os.path.normpath("/" + _relative(where.get(key, ""), root))

    def _limit_memory(self, path: str, memory_bytes: int) -> None:
        if self.version == 1:
            _write(os.path.join(path, "memory.limit_in_bytes"), str(memory_bytes))
            try:   # swap too, where it is accounted (it must not be below the memory limit)
                _write(os.path.join(path, "memory.memsw.limit_in_bytes"), str(memory_bytes))
            except OSError:
                pass
        else:
            _write(os.path.join(path, "memory.max"), str(memory_bytes))
            try:
                _write(os.path.join(path, "memory.swap.max"), "0")
            except OSError:
                pass

    def _read_back(self, pid: int, placement: Placement) -> None:
        """What is really in force: the child's cgroups as /proc shows them, and their limits."""
        try:
            where = _own_cgroups(pid)
        except OSError as exc:
            placement.why_memory = placement.why_pids = f"cgroup: the child's cgroups cannot be read ({exc.strerror})"
            return
        for controller, path in placement.made.items():
            if not self._holds(where, controller, path):
                setattr(placement, f"why_{controller}", f"cgroup: the child is not in {path}")
                continue
            limit_file = {("memory", 1): "memory.limit_in_bytes", ("memory", 2): "memory.max",
                          ("pids", 1): "pids.max", ("pids", 2): "pids.max"}[(controller, self.version)]
            try:
                value = _read(os.path.join(path, limit_file)).strip()
            except OSError:
                value = "max"
            if value == "max" or (controller == "memory" and int(value) >= 1 << 62):
                setattr(placement, f"why_{controller}", f"cgroup: {path} has no {controller} limit")
                continue
            shown = f"{int(value) >> 20} MiB" if controller == "memory" else value
            setattr(placement, controller, f"v{self.version}, {shown}")

    def kill(self, placement: Placement) -> None:
        """SIGKILL every process in the child's cgroups (what a PID namespace would end, where there is none)."""
        for path in placement.paths:
            if os.path.exists(os.path.join(path, "cgroup.kill")):
                try:
                    _write(os.path.join(path, "cgroup.kill"), "1")
                    continue
                except OSError:
                    pass
            for _ in range(8):
                try:
                    pids = [int(p) for p in _read(os.path.join(path, "cgroup.procs")).split()]
                except (OSError, ValueError):
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        self._leftover += placement.paths
        placement.paths = []

    def _remove_leftovers(self) -> None:
        """rmdir the cgroups of killed children that have gone by now (the others wait for the next try)."""
        self._leftover = [path for path in self._leftover if not _rmdir(path)]

    def close(self) -> None:
        """Remove every child cgroup and the bases. A child killed a moment ago is still being torn
        down (tens of milliseconds): what cannot be removed yet is left to a detached process, so that
        `kata check` need not wait for it."""
        for base in set(self.bases.values()):
            try:
                self._leftover += [os.path.join(base, n) for n in os.listdir(base) if n.startswith("c")
                                   and os.path.isdir(os.path.join(base, n))]
            except OSError:
                pass
        self._remove_leftovers()
        left = [*self._leftover, *sorted(set(self.bases.values()))]
        self._leftover, self.bases = [], {}
        left = [path for path in left if not _rmdir(path)]
        if left:
            subprocess.Popen([sys.executable, "-I", "-c", _REMOVE_LATER, *left], start_new_session=True,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @staticmethod
    def sweep_stale(parent: str) -> None:
        """Remove what a launcher that died before closing left in ``parent`` (its pid is in the name)."""
        try:
            names = [n for n in os.listdir(parent) if n.startswith("torchkata-")]
        except OSError:
            return
        for name in names:
            try:
                pid = int(name.split("-")[1])
                os.kill(pid, 0)
                continue                      # its launcher still runs
            except (ValueError, IndexError):
                continue
            except ProcessLookupError:
                pass
            except OSError:
                continue
            base = os.path.join(parent, name)
            for child in _listdir(base):
                _rmdir(os.path.join(base, child))
            _rmdir(base)


_REMOVE_LATER = """
import os, sys, time
left = sys.argv[1:]
for _ in range(200):
    kept = []
    for path in left:
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            kept.append(path)
    left = kept
    if not left:
        break
    time.sleep(0.05)
"""


def _listdir(path: str) -> list[str]:
    try:
        return [n for n in os.listdir(path) if os.path.isdir(os.path.join(path, n))]
    except OSError:
        return []


def _both(why: str) -> dict[str, str]:
    return {"memory": why, "pids": why}


def _permission(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no permission" + (" (not root)" if os.geteuid() != 0 else "")
    return exc.strerror or str(exc)


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _rmdir(path: str) -> bool:
    try:
        os.rmdir(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _own_cgroups(pid: int | str = "self") -> dict[str, str]:
    """controller -> path from /proc/PID/cgroup (``""`` for cgroup v2)."""
    out: dict[str, str] = {}
    for line in _read(f"/proc/{pid}/cgroup").splitlines():
        number, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            out[controller] = path
    return out


def _cgroup_mounts() -> dict[str, tuple[str, str]]:
    """controller -> (mount point, root of the hierarchy seen there) for v1; ``""`` -> v2's."""
    mounts: dict[str, tuple[str, str]] = {}
    for line in _read("/proc/self/mountinfo").splitlines():
        left, _, right = line.partition(" - ")
        fields, after = left.split(), right.split()
        if len(fields) < 5 or len(after) < 3:
            continue
        root, point, fstype, options = fields[3], _unescape(fields[4]), after[0], after[2].split(",")
        if fstype == "cgroup2":
            mounts.setdefault("", (point, root))
        elif fstype == "cgroup":
            for controller in ("memory", "pids"):
                if controller in options:
                    mounts.setdefault(controller, (point, root))
    return mounts


def _unescape(text: str) -> str:
    return text.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _relative(path: str, root: str) -> str:
    """``path`` (from /proc/PID/cgroup) relative to the mounted hierarchy's root."""
    path, root = os.path.normpath("/" + path), os.path.normpath("/" + root)
    if root != "/" and (path == root or path.startswith(root + "/")):
        path = path[len(root):] or "/"
    return path.lstrip("/")
