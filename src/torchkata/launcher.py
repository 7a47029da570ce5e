"""Trusted side of the boundary: starts the worker and talks to its confined children.

This module imports no torch, so the CLI can start the worker first and let it
import torch while the trusted process imports its own copy in parallel.

``Worker``        one long-lived ``python -I -m torchkata.worker`` process (the zygote).
``Sandbox``       a fresh temporary directory holding only one implementation file.
``ChildProcess``  one forked, confined child running one implementation's calls, with deadlines.
``Call``/``Outcome`` what a spec asks of an implementation, and what came back (plain data only).
``ProbeTargets``  what a child's probes try to reach on the host: a file, sockets, the launcher.

This side also does the confinement steps that need the real user's rights (see
:mod:`torchkata.confinement` for the others): it owns each child's cgroups, learns the
child's host pid and uid from the kernel (SO_PASSCRED on its first two messages, "started"
and "confined", both sent before any learner code runs), checks its
namespaces from outside, and names the isolation level (:mod:`torchkata.isolation`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchkata import isolation, protocol
from torchkata.cgroups import CgroupRoot, Placement

# Variables that may pass into the worker; everything else (tokens, secrets) stays out.
_PASS_THROUGH = ("CUDA_VISIBLE_DEVICES", "CUDA_HOME", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES")


class WorkerError(Exception):
    """The worker could not be started or stopped answering."""


class IsolationTooWeak(WorkerError):
    """The confinement the probes show is below what was required (``--min-isolation``)."""

    def __init__(self, report: dict, minimum: str):
        self.report, self.minimum = report, minimum
        missing = "; ".join(report.get("missing", [])) or "no confined process could be started"
        super().__init__(f"the confinement in force here is {report.get('level', 'none')!r}, below the required "
                         f"{minimum!r} (--min-isolation); missing: {missing}")


@dataclass(frozen=True)
class Call:
    """One call a spec makes: ``name(*args, **kwargs)`` in the implementation (or its harness).

    ``args`` and ``kwargs`` are already encoded as plain data, so a call can be hashed,
    recorded and replayed. ``count_ops`` asks the child to count the torch operations
    the call dispatches (the measured "no Python loop" rule). ``probe`` asks for what an
    engine probe checks (:mod:`torchkata.probes`): ``"args"`` returns (result, args, kwargs)
    as they are after the call; ``"reread"`` makes two calls (``args`` holds each one's args and
    kwargs) and returns the first result as it was, as it is after the second, and the second;
    ``"device"`` and ``"same-device"`` run it on the simulated second device
    (:mod:`torchkata.simdevice`) and return (result, placement, devices that computed).
    """
    name: str
    harness: bool
    args: Any
    kwargs: Any
    count_ops: bool = False
    probe: str = ""
    key: str = field(default="", compare=False)     # the digest, computed once

    def digest(self) -> str:
        if not self.key:
            fields = [self.name, self.harness, self.args, self.kwargs, self.count_ops] + ([self.probe] if self.probe else [])
            text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
            object.__setattr__(self, "key", hashlib.sha256(text.encode("utf-8")).hexdigest())
        return self.key

    @classmethod
    def make(cls, name: str, args: tuple, kwargs: dict, harness: bool = False, count_ops: bool = False,
             probe: str = "") -> "Call":
        return cls(name, harness, protocol.encode(list(args)), protocol.encode(dict(kwargs)), count_ops, probe)


def chain(previous: str, call: Call) -> str:
    """The key of a call sequence: each call's digest chained onto the key of the calls before it."""
    return hashlib.sha256(f"{previous}:{call.digest()}".encode("ascii")).hexdigest()


@dataclass
class Outcome:
    """What a call produced. ``status``: ``ok`` (``value`` holds the decoded result), ``raised``
    (``info`` has the exception's type, message and the implementation's own frames),
    ``timeout`` or ``crashed`` (``info["detail"]`` says how)."""
    status: str
    value: Any = None
    info: dict = field(default_factory=dict)
    ops: dict | None = None          # {"torch": operations dispatched, "lines": learner lines run} when counted


class LearnerError(Exception):
    """The learner's code raised. ``info`` has its type, message and the learner's own frames."""

    def __init__(self, info: dict):
        self.info = info
        super().__init__(f"{info.get('type', 'Exception')}: {info.get('message', '')}")


class LearnerTimeout(Exception):
    """The learner's code ran past the time limit. ``stopped_at``: where the child said its code was
    ({"line", "function"} in the learner's file), or None: a claim, for the message only."""

    def __init__(self, detail: str = "", stopped_at: dict | None = None):
        super().__init__(detail)
        self.stopped_at = stopped_at


class LearnerCrashed(Exception):
    """The process running the learner's code died or sent something unreadable."""


class ReferenceFailed(Exception):
    """The reference (or its recording) could not produce a value: the kata is broken, not the learner."""


def unwrap(outcome: "Outcome"):
    """A learner's outcome as a spec sees it: the value, or the exception that explains it."""
    if outcome.status == "ok":
        return outcome.value
    if outcome.status == "raised":
        raise LearnerError(outcome.info)
    if outcome.status == "timeout":
        raise LearnerTimeout(outcome.info.get("detail", "time limit reached"), outcome.info.get("stopped_at"))
    raise LearnerCrashed(outcome.info.get("detail", "the process running your code ended"))


@dataclass
class Limits:
    timeout: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 16
    open_files: int = 256
    extra_processes: int = 16

    def for_child(self, tests: int = 1) -> dict:
        """CPU time adds up over the tests one child serves; the wall-clock deadline is per test."""
        return {"cpu_seconds": int(self.timeout * max(1, tests)) + 2, "memory_mb": self.memory_mb,
                "file_mb": self.file_mb, "open_files": self.open_files, "extra_processes": self.extra_processes}


def clean_environment(sandbox_home: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": sandbox_home, "TMPDIR": sandbox_home, "LANG": "C.UTF-8",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({k: os.environ[k] for k in _PASS_THROUGH if k in os.environ})
    return env


def user_namespaces_possible() -> bool:
    """User namespaces are allowed at all (checked without creating one); the worker tries, and says why not."""
    try:
        return Path("/proc/sys/user/max_user_namespaces").read_text().strip() != "0"
    except OSError:
        return False


def _jail_argument(jail: bool | None) -> list[str]:
    """``--jail``, or ``--no-jail WHY``. TORCHKATA_JAIL=off runs children without namespaces (for
    debugging; the report and --min-isolation say so)."""
    if jail is None and os.environ.get("TORCHKATA_JAIL", "").lower() == "off":
        return ["--no-jail", "turned off by TORCHKATA_JAIL=off"]
    if jail is None and not user_namespaces_possible():
        return ["--no-jail", "user namespaces are disabled on this machine (user.max_user_namespaces = 0)"]
    return ["--jail"] if jail is not False else ["--no-jail", "turned off by the launcher"]


class ProbeTargets:
    """Things of the host a confined child must not reach; its probes try each one.

    A file, a listening pathname socket and an abstract one, TCP and UDP ports on the loopback,
    all held by this (trusted) process; :meth:`arrived` tells whether anything got through, so a
    probe's claim is checked from this side too.
    """

    def __init__(self, home: str):
        self.file = os.path.join(home, "probe-canary")
        with open(self.file, "w") as f:
            f.write(secrets.token_hex(16))
        os.chmod(self.file, 0o644)
        self.listeners: dict[str, socket.socket] = {}
        self.targets: dict[str, Any] = {"file": self.file, "launcher_pid": os.getpid()}
        self._listen("unix", socket.AF_UNIX, socket.SOCK_STREAM, os.path.join(home, "probe.sock"))
        abstract = f"torchkata-probe-{os.getpid()}-{secrets.token_hex(4)}"
        self._listen("abstract", socket.AF_UNIX, socket.SOCK_STREAM, "\0" + abstract, abstract)
        self._listen("tcp", socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", 0))
        self._listen("udp", socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 0))

    def _listen(self, name: str, family: int, kind: int, address, shown=None) -> None:
        sock = socket.socket(family, kind)
        try:
            sock.bind(address)
            if kind == socket.SOCK_STREAM:
                sock.listen(64)
            sock.setblocking(False)
        except OSError:
            sock.close()
            return                         # not probed: the report will not count this as shown
        self.listeners[name] = sock
        self.targets[name] = shown or (address if family == socket.AF_UNIX else sock.getsockname()[1])

    def arrived(self) -> set[str]:
        """The listeners something reached since the last call (emptied as it reads)."""
        reached = set()
        for name, sock in self.listeners.items():
            while True:
                try:
                    if sock.type == socket.SOCK_DGRAM:
                        sock.recv(64)
                    else:
                        sock.accept()[0].close()
                except OSError:
                    break
                reached.add(name)
        return reached

    def close(self) -> None:
        for sock in self.listeners.values():
            sock.close()
        self.listeners = {}


class Worker:
    """The zygote: started once, forks one confined child per implementation run.

    Grading processes forked from the owner each talk to it over a connection of their
    own: :meth:`new_client` hands the zygote a fresh socket and returns ours.

    ``jail``: give the zygote its namespaces (None: where the machine allows user namespaces).
    ``min_isolation``: a child whose probes show less is killed before learner code runs;
    :meth:`require_isolation` checks it once up front.
    """

    def __init__(self, jail: bool | None = None, start_timeout: float = 120.0, preload: tuple[str, ...] = (),
                 min_isolation: str = "none"):
        if min_isolation not in isolation.LEVELS:
            raise ValueError(f"min_isolation must be one of {', '.join(isolation.LEVELS)}, not {min_isolation!r}")
        self._home = tempfile.mkdtemp(prefix="torchkata-home-")
        ours, theirs = socket.socketpair()
        self._control = ours
        cmd = [sys.executable, "-I", "-m", "torchkata.worker", str(theirs.fileno()), *_jail_argument(jail)]
        if preload:
            cmd += ["--preload", ",".join(preload)]
        self._process = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], env=clean_environment(self._home),
                                         cwd=self._home, start_new_session=True, stdin=subprocess.DEVNULL)
        theirs.close()
        self._owner = os.getpid()
        self._start_timeout = start_timeout
        self._hello: dict | None = None
        self.min_isolation = min_isolation
        self.probe = ProbeTargets(self._home)
        self.cgroups = CgroupRoot.find()

    def new_client(self) -> socket.socket:
        """A connection of its own for a grading process about to be forked (the owner keeps this one)."""
        self.hello()
        ours, theirs = socket.socketpair()
        try:
            protocol.send_message(self._control, {"connect": True}, fds=[theirs.fileno()])
        finally:
            theirs.close()
        if not self._reply(timeout=30).get("connected"):
            raise WorkerError("the worker did not accept a new connection")
        return ours

    def use_client(self, control: socket.socket) -> None:
        """In a forked grading process: talk to the worker over ``control`` only."""
        if control is not self._control:
            self._control.close()
        self._control = control
        self._hello = None

    def hello(self) -> dict:
        """Wait for the worker to finish importing torch; returns what it reported."""
        if self._hello is None:
            reply = self._reply(timeout=self._start_timeout)
            if "hello" not in reply or not isinstance(reply["hello"], dict):
                raise WorkerError("the worker did not start correctly")
            self._hello = reply["hello"]
        return self._hello

    @property
    def jail(self) -> dict[str, str]:
        """The zygote's own mechanisms: name -> "" when set up, else why not (the children's probes decide)."""
        status = self.hello().get("jail", {})
        return {str(k): str(v) for k, v in status.items()} if isinstance(status, dict) else {}

    def learner_host_ids(self) -> tuple[int, int] | None:
        ids = self.hello().get("learner_host_ids")
        return (int(ids[0]), int(ids[1])) if isinstance(ids, list) and len(ids) == 2 else None

    def fork(self, job: dict) -> tuple[int, socket.socket]:
        """Ask for a child; returns its pid in the zygote's namespace (for kill and reap) and our socket.
        The kernel attaches the sender's credentials to what the child sends (see ChildProcess)."""
        self.hello()
        ours, theirs = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        try:
            protocol.send_message(self._control, {"fork": job}, fds=[theirs.fileno()])
        finally:
            theirs.close()
        reply = self._reply(timeout=30)
        if not isinstance(reply.get("forked"), int):
            raise WorkerError("the worker did not fork a test process")
        return reply["forked"], ours

    def reap(self, pid: int) -> dict:
        """Kill the child if it still runs, wait for it, and say how it ended."""
        protocol.send_message(self._control, {"reap": pid})
        return self._reply(timeout=30).get("reaped", {})

    def kill(self, pid: int) -> None:
        """SIGKILL a child (with its PID namespace, everything it started); the worker collects it, nobody waits.
        Only the zygote signals by this pid: it has not reaped the child, so the pid cannot be anyone else's."""
        try:
            protocol.send_message(self._control, {"kill": pid})
        except OSError:
            pass

    def require_isolation(self) -> dict:
        """Start one confined child that runs no learner code, and check its probes against
        ``min_isolation``; raises IsolationTooWeak below it. Returns that child's report."""
        sandbox = Sandbox(b"", "torchkata_probe.py")
        try:
            job = {"module": "torchkata_probe", "limits": Limits().for_child(), "preload": [], "harness": None,
                   "forbidden": [], "hide": [], "coverage": None}
            child = ChildProcess(self, sandbox, job, deadline=time.monotonic() + 60)
            report = child.isolation
            child.close()
        finally:
            sandbox.remove()
        if not isolation.at_least(report.get("level", "none"), self.min_isolation):
            raise IsolationTooWeak(report, self.min_isolation)
        return report

    def _reply(self, timeout: float) -> dict:
        """The worker's answer to the request just sent."""
        self._control.settimeout(timeout)
        try:
            return protocol.recv_message(self._control)
        except (EOFError, OSError, protocol.ProtocolError) as exc:
            self.close()
            raise WorkerError(f"the worker stopped answering ({exc})") from None
        finally:
            try:
                self._control.settimeout(None)
            except OSError:
                pass

    def close(self) -> None:
        """Stop the worker and everything in its session (only its owner stops it)."""
        try:
            self._control.close()
        except OSError:
            pass
        if os.getpid() != self._owner:
            return
        if self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._process.wait()
        self.cgroups.close()
        self.probe.close()
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Sandbox:
    """A fresh temporary directory holding only one implementation file, and where its output goes."""

    def __init__(self, data: bytes, file_name: str):
        self.path = tempfile.mkdtemp(prefix="torchkata-sandbox-")
        self.file_name, self._data = file_name, data
        self._abandoned: list[str] = []
        self._write_file()
        self.output = CapturedOutput()

    @property
    def file(self) -> str:
        return os.path.join(self.path, self.file_name)

    def restore(self, keep_prefix: str = "") -> None:
        """Back to the implementation file alone, written again from the bytes the trusted side read.

        A child may change its folder: rewrite the file, put bytecode in ``__pycache__`` or a module
        beside it. The next child imports from here, so without this it could run code the source rules
        never read. Entries named ``keep_prefix...`` (coverage data) stay. Links are removed, never
        followed. What cannot be removed (a folder the child made unreadable) makes it start over in a
        new folder; the old one goes with :meth:`remove`."""
        try:
            with os.scandir(self.path) as entries:
                for entry in entries:
                    if keep_prefix and entry.name.startswith(keep_prefix) and entry.is_file(follow_symlinks=False):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path)
                    else:
                        os.unlink(entry.path)
        except OSError:
            self._abandoned.append(self.path)
            self.path = tempfile.mkdtemp(prefix="torchkata-sandbox-")
        self._write_file()

    def _write_file(self) -> None:
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with open(fd, "wb") as f:
            f.write(self._data)

    def remove(self) -> None:
        for path in [*self._abandoned, self.path]:
            shutil.rmtree(path, ignore_errors=True)
        self.output.close()


class ChildProcess:
    """One confined child running one implementation, serving spec tests one after another.

    Each test opens with ``begin_test`` (its own deadline and output files) and closes
    with ``end_test``. A call never raises for what the implementation did: it returns
    an :class:`Outcome`. After a timeout or crash the child is killed and marked ``dead``.
    """

    def __init__(self, worker: Worker, sandbox: Sandbox, job: dict, deadline: float):
        self.worker, self.sandbox, self.deadline = worker, sandbox, deadline
        probe = {**worker.probe.targets, "hidden": list(job.get("hide", []))}
        job = {**job, "sandbox": sandbox.path, "file": sandbox.file_name, "probe": probe}
        owner = worker.learner_host_ids()
        if owner is not None:        # the learner's uid is not ours: it must be able to write its sandbox
            os.chown(sandbox.path, *owner)
            os.chown(sandbox.file, *owner)
        # Its cgroups are made first; the child moves itself in where it can (cgroups.entry_files), before
        # saying it started, and what it did not do is done below, from here, once it has.
        self.cgroup = self._prepare_cgroups(job["limits"])
        job["cgroup_entry"] = self.worker.cgroups.entry_files(self.cgroup)
        self.pid, self.channel = worker.fork(job)
        self.dead = False
        self.failure: Outcome | None = None        # the timeout or crash that ended this child
        self.import_error: dict | None = None
        self.begun = False                         # the child's output goes to our files (see begin_test)
        self.output = sandbox.output
        self._pidfd = -1
        confined, credentials = self._receive_first("while the test process was starting")
        if isinstance(confined, dict) and confined.get("started") is True and credentials is not None:
            # No learner code has run yet, so the pid is the child's own; its second message must agree.
            self.cgroup = self.worker.cgroups.enter(credentials[0], self.cgroup)
            started_by = credentials[0]
            confined, credentials = self._receive_first("while the test process was starting")
            if credentials is not None and credentials[0] != started_by:
                credentials = None
        self.isolation = self._isolation(confined, credentials)
        if self.failure is None and not isolation.at_least(self.isolation["level"], worker.min_isolation):
            self._fail("crashed", str(IsolationTooWeak(self.isolation, worker.min_isolation)) +
                       ": your code was not run")
            self.kill()

    def _receive_first(self, during: str) -> tuple[dict | Outcome, tuple[int, int] | None]:
        """The child's first message, and the host pid and uid the kernel attached to it: sent before
        any learner code ran, so they are the child's own (later messages could come from anything it started)."""
        remaining = self.deadline - time.monotonic()
        credentials = None
        if remaining > 0:
            self.channel.settimeout(remaining)
            try:
                _, ancillary, _, _ = self.channel.recvmsg(1, socket.CMSG_SPACE(12), socket.MSG_PEEK)
                for level, kind, data in ancillary:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(data) >= 12:
                        pid, uid, _gid = struct.unpack("iII", data[:12])
                        credentials = (pid, uid)
            except OSError:
                pass                       # _receive below says what happened
        if credentials is not None and self._pidfd < 0:
            try:
                self._pidfd = os.pidfd_open(credentials[0])
            except (OSError, AttributeError):
                self._pidfd = -1
        return self._receive(during), credentials

    def _prepare_cgroups(self, limits: dict) -> Placement:
        memory = (int(limits["memory_mb"]) + int(self.worker.hello().get("zygote_rss_mb", 0))) << 20
        return self.worker.cgroups.prepare(memory, int(limits["extra_processes"]) + 1)

    def _isolation(self, confined, credentials: tuple[int, int] | None) -> dict:
        """The child's report joined with what this side checks itself (see torchkata.isolation).
        Its cgroups were made when it started; a child that never said so has none (the report says so)."""
        body = confined.get("confined") if isinstance(confined, dict) else None
        if not isinstance(body, dict) or credentials is None:
            return isolation.combine([])
        host_pid, host_uid = credentials
        outside = {"namespaces": _namespaces_differ(host_pid), "host_uid": host_uid,
                   "cgroup": self.cgroup.summary(), "arrived": sorted(self.worker.probe.arrived())}
        setup = body.get("setup") if isinstance(body.get("setup"), dict) else {}
        probes = body.get("probes") if isinstance(body.get("probes"), dict) else {}
        return isolation.report(self.worker.jail, setup, probes, outside)

    def begin_test(self, deadline: float) -> None:
        self.deadline = deadline
        if self.failure is not None:
            return
        self.output.clear()
        try:
            protocol.send_message(self.channel, {"begin": True}, fds=self.output.fds)
        except OSError:
            self._fail("crashed", self._crash_detail("while importing your module"))
            return
        self.begun = True
        reply = self._receive("while importing your module")
        if isinstance(reply, dict) and "import_error" in reply:
            self.import_error = reply["import_error"] if isinstance(reply["import_error"], dict) else {}

    def call(self, call: Call) -> Outcome:
        if self.failure is not None:
            return self.failure
        if self.import_error is not None:
            return Outcome("raised", info=self.import_error)
        try:
            message = {"call": call.name, "harness": call.harness, "args": call.args, "kwargs": call.kwargs,
                       "count_ops": call.count_ops}
            if call.probe:
                message["probe"] = call.probe
            protocol.send_message(self.channel, message)
        except OSError:
            return self._fail("crashed", self._crash_detail(f"while running {call.name}()"))
        reply = self._receive(f"while running {call.name}()")
        if not isinstance(reply, dict):
            return reply
        if "error" in reply:
            info = reply["error"] if isinstance(reply["error"], dict) else {"message": str(reply["error"])}
            return Outcome("raised", info=info)
        if "result" not in reply:
            return self._fail("crashed", "the test process sent an answer the grader does not understand")
        ops = reply.get("ops")
        counted = {key: ops.get(key) for key in ("torch", "lines")} if isinstance(ops, dict) else {}
        valid = all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counted.values())
        try:
            return Outcome("ok", value=protocol.decode(reply["result"]), ops=counted if counted and valid else None)
        except protocol.ProtocolError as exc:
            return self._fail("crashed", f"the test process sent malformed data: {exc}")

    def end_test(self, output_cap: int) -> str:
        """What the implementation printed during the test (stdout, then stderr; capped)."""
        if not self.dead and self.failure is None:
            try:
                protocol.send_message(self.channel, {"end": True})
                self._receive("while finishing the test")
            except OSError:
                pass
        if self.failure is not None:
            self.kill()
        parts = (part.strip() for part in self.output.read(output_cap))
        return "\n".join(part for part in parts if part)

    def _receive(self, during: str) -> dict | Outcome:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return self._fail("timeout", f"time limit reached {during}")
        try:
            return protocol.recv_message(self.channel, deadline=self.deadline)
        except socket.timeout:
            outcome = self._fail("timeout", f"time limit reached {during}")
            where = self._where_stopped()
            if where is not None:
                outcome.info["stopped_at"] = where
            return outcome
        except (EOFError, ConnectionError):
            return self._fail("crashed", self._crash_detail(during))
        except protocol.ProtocolError as exc:
            return self._fail("crashed", f"the test process sent malformed data: {exc}")

    def _where_stopped(self) -> dict | None:
        """Where the child's code is now, from the stack its faulthandler writes to its stderr on
        STOPPED_AT_SIGNAL (see worker._run_child). The dump is taken out of the output again; it is the
        child's claim, used only to tell the learner which of their lines was running."""
        if not self.begun or self.dead:
            return None
        stderr = self.output.fds[1]
        try:
            before = os.fstat(stderr).st_size
            if self._pidfd >= 0:           # the child itself, with no risk of a reused pid
                signal.pidfd_send_signal(self._pidfd, STOPPED_AT_SIGNAL)
            else:
                os.kill(self.pid, STOPPED_AT_SIGNAL)
        except OSError:
            return None
        data, deadline = b"", time.monotonic() + 0.5
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = os.pread(stderr, 256 * 1024, before)
            if now and now == data and b"(most recent call first)" in now:
                break             # the dump is complete: nothing more arrived in the last moment
            data = now
        os.ftruncate(stderr, before)
        for path, line, function in _STACK_FRAME.findall(data.decode("utf-8", errors="replace")):
            if path == self.sandbox.file:            # most recent call first: the learner's innermost frame
                return {"line": int(line), "function": function[:100]}
        return None

    def _crash_detail(self, during: str) -> str:
        return describe_exit(self.kill(describe=True), during)

    def _fail(self, status: str, detail: str) -> Outcome:
        if self.failure is None:
            self.failure = Outcome(status, info={"detail": detail})
        return self.failure

    def kill(self, describe: bool = False) -> dict:
        """Kill the child and whatever it started; with ``describe``, wait to say how it ended.

        The child is process 1 of its own PID namespace where the machine allows one, so its end
        is every descendant's end; its cgroup (when there is one) is killed too, and a pidfd
        reaches the child itself at once, with no risk of a reused pid."""
        if self.dead:
            return {}
        if self._pidfd >= 0:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except OSError:
                pass
            os.close(self._pidfd)
            self._pidfd = -1
        self.worker.cgroups.kill(self.cgroup)
        self.dead = True
        self.channel.close()
        if describe:
            return self.worker.reap(self.pid)
        self.worker.kill(self.pid)
        return {}

    def close(self, graceful: bool = False) -> None:
        """End the child; ``graceful`` lets it finish cleanly first (coverage data is saved at exit)."""
        if self.dead:
            return
        if graceful and self.failure is None:
            try:
                protocol.send_message(self.channel, {"close": True})
                self.channel.settimeout(10)
                self.channel.recv(1)  # b"" once the child has exited
            except OSError:
                pass
        self.kill()


# Asks a child for its stack before a timeout kills it (faulthandler's dump: a frame a line, most recent first).
STOPPED_AT_SIGNAL = signal.SIGUSR2
_STACK_FRAME = re.compile(r'File "([^"\n]*)", line (\d+) in (\S+)')
_NAMESPACE_KINDS = ("user", "pid", "mnt", "net", "ipc", "uts")
_own_namespaces: dict[str, str] = {}


def _namespaces_differ(pid: int) -> dict[str, bool | None]:
    """For each namespace kind, whether the child's differs from ours (None: not readable)."""
    if not _own_namespaces:
        _own_namespaces.update({kind: os.readlink(f"/proc/self/ns/{kind}") for kind in _NAMESPACE_KINDS})
    out: dict[str, bool | None] = {}
    for kind in _NAMESPACE_KINDS:
        try:
            out[kind] = os.readlink(f"/proc/{pid}/ns/{kind}") != _own_namespaces[kind]
        except OSError:
            out[kind] = None
    return out


# Signals a learner's code can die of, and what usually causes each.
_SIGNAL_CAUSES = {
    "SIGSEGV": "a segmentation fault: memory was accessed out of bounds (ctypes, an out-of-range index in "
               "a native extension, or unbounded recursion)",
    "SIGBUS": "a bus error: invalid memory access in native code",
    "SIGABRT": "an abort in native code (often a failed internal check in a library)",
    "SIGFPE": "an arithmetic error in native code (an integer division by zero)",
    "SIGILL": "an illegal instruction in native code",
    "SIGXCPU": "the CPU-time limit: the code computed for too long",
    "SIGKILL": "a resource limit (memory or CPU time), or the grader stopping it",
    "SIGXFSZ": "the file-size limit: the code wrote too much to a file",
}


def describe_exit(exit_info: dict, during: str) -> str:
    signal_name = exit_info.get("signal")
    if signal_name:
        cause = _SIGNAL_CAUSES.get(signal_name, "a signal")
        return f"the process running your code was killed by {signal_name} {during}: {cause}"
    code = exit_info.get("exit_code")
    if code is not None:
        return (f"the process running your code exited with code {code} {during} without returning a result: "
                "does your code call exit() or os._exit()?")
    return f"the process running your code ended {during} without returning a result"


class CapturedOutput:
    """Where a child's stdout and stderr go: two anonymous files this side keeps open.

    The child gets the descriptors at each test's start, never a path: nothing in the
    sandbox can be swapped for a link to a file the grader would then read, and no file
    is created per test (creating files on a busy ext4 /tmp costs more than the test).
    """

    def __init__(self) -> None:
        self.fds = [_anonymous_file("stdout"), _anonymous_file("stderr")]

    def clear(self) -> None:
        for fd in self.fds:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)       # the child shares this offset: it writes from the start

    def read(self, cap: int) -> list[str]:
        out = []
        for fd in self.fds:
            if fd < 0:
                continue
            data = os.pread(fd, cap + 1, 0)
            text = data[:cap].decode("utf-8", errors="replace")
            out.append(text + ("\n[output truncated]" if len(data) > cap else ""))
        return out

    def close(self) -> None:
        for fd in self.fds:
            if fd >= 0:
                os.close(fd)
        self.fds = [-1, -1]


def _anonymous_file(name: str) -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create(f"torchkata-{name}", os.MFD_CLOEXEC)
    handle, path = tempfile.mkstemp(prefix="torchkata-output-")
    os.unlink(path)
    return handle
