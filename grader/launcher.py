"""Trusted side of the boundary: starts the worker and talks to it.

This module imports no torch, so the CLI can start the worker first and let it
import torch while the trusted process imports its own copy in parallel.

``Worker``   one long-lived ``python -I -m grader.worker`` process (the zygote).
``Sandbox``  a fresh temporary directory holding only one submission file.
``SubmissionProcess`` one forked, confined child running one submission's tests, with deadlines.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import protocol

# Variables that may pass into the worker; everything else (tokens, secrets) stays out.
_PASS_THROUGH = ("CUDA_VISIBLE_DEVICES", "CUDA_HOME", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES")


class WorkerError(Exception):
    """The worker could not be started or stopped answering."""


class SubmissionFailure(Exception):
    """Learner code did not produce a result. ``status`` is how the test is reported."""
    status = "error"


class SubmissionRaised(SubmissionFailure):
    def __init__(self, info: dict):
        self.info = info
        super().__init__(f"{info.get('type', 'Exception')}: {info.get('message', '')}")


class SubmissionTimeout(SubmissionFailure):
    status = "timeout"


class SubmissionCrashed(SubmissionFailure):
    pass


@dataclass
class Limits:
    timeout: float = 10.0
    memory_mb: int = 2048
    file_mb: int = 16
    open_files: int = 256
    extra_processes: int = 16

    def for_child(self) -> dict:
        return {"cpu_seconds": int(self.timeout) + 2, "memory_mb": self.memory_mb, "file_mb": self.file_mb,
                "open_files": self.open_files, "extra_processes": self.extra_processes}


def clean_environment(sandbox_home: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": sandbox_home, "TMPDIR": sandbox_home, "LANG": "C.UTF-8",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({k: os.environ[k] for k in _PASS_THROUGH if k in os.environ})
    return env


def network_namespace_possible() -> bool:
    """Unprivileged user namespaces are allowed (checked without creating one)."""
    try:
        return Path("/proc/sys/user/max_user_namespaces").read_text().strip() != "0"
    except OSError:
        return False


class Worker:
    """The zygote: started once, forks one confined child per submission run.

    With ``clients=N`` it serves N grading processes: each one forked from this process
    calls :meth:`use_client` with its own index, so N processes share one warm worker.
    """

    def __init__(self, netns: bool | None = None, start_timeout: float = 120.0, preload: tuple[str, ...] = (),
                 clients: int = 1):
        self._home = tempfile.mkdtemp(prefix="torchkata-home-")
        pairs = [socket.socketpair() for _ in range(clients)]
        self._controls = [ours for ours, _ in pairs]
        self._control = self._controls[0]
        theirs = [t.fileno() for _, t in pairs]
        netns = network_namespace_possible() if netns is None else netns
        cmd = [sys.executable, "-I", "-m", "grader.worker", ",".join(map(str, theirs))] + (["--netns"] if netns else [])
        if preload:
            cmd += ["--preload", ",".join(preload)]
        self._process = subprocess.Popen(cmd, pass_fds=theirs, env=clean_environment(self._home),
                                         cwd=self._home, start_new_session=True, stdin=subprocess.DEVNULL)
        for _, t in pairs:
            t.close()
        self._owner = os.getpid()
        self._start_timeout = start_timeout
        self._hello: dict | None = None

    def use_client(self, index: int) -> None:
        """In a process forked from the owner: talk to the worker over connection ``index`` only."""
        self._control = self._controls[index]
        for number, control in enumerate(self._controls):
            if number != index:
                control.close()
        self._controls = [self._control]

    def hello(self) -> dict:
        """Wait for the worker to finish importing torch; returns what it reported."""
        if self._hello is None:
            reply = self._reply(timeout=self._start_timeout)
            if "hello" not in reply or not isinstance(reply["hello"], dict):
                raise WorkerError("the worker did not start correctly")
            self._hello = reply["hello"]
        return self._hello

    @property
    def mechanisms(self) -> list[str]:
        return [str(m) for m in self.hello().get("mechanisms", [])]

    def fork(self, job: dict) -> tuple[int, socket.socket]:
        self.hello()
        ours, theirs = socket.socketpair()
        try:
            protocol.send_message(self._control, {"fork": job}, fds=[theirs.fileno()])
        finally:
            theirs.close()
        reply = self._reply(timeout=30)
        if not isinstance(reply.get("forked"), int):
            raise WorkerError("the worker did not fork a test process")
        return reply["forked"], ours

    def reap(self, pid: int) -> dict:
        protocol.send_message(self._control, {"reap": pid})
        return self._reply(timeout=30).get("reaped", {})

    def _reply(self, timeout: float) -> dict:
        """The worker's answer to the request just sent."""
        self._control.settimeout(timeout)
        try:
            return protocol.recv_message(self._control)
        except (EOFError, OSError, protocol.ProtocolError) as exc:
            self.close()
            raise WorkerError(f"the worker stopped answering ({exc})") from None
        finally:
            self._control.settimeout(None)

    def close(self) -> None:
        """Stop the worker and everything in its session (only its owner stops it)."""
        for control in self._controls:
            try:
                control.close()
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
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Sandbox:
    """A fresh temporary directory holding only the learner's file."""

    def __init__(self, submission: Path, file_name: str):
        self.path = tempfile.mkdtemp(prefix="torchkata-sandbox-")
        self.file_name = file_name
        shutil.copyfile(submission, os.path.join(self.path, file_name))
        self._count = 0

    def next_output_files(self) -> tuple[str, str]:
        self._count += 1
        return (os.path.join(self.path, f".out-{self._count}.txt"), os.path.join(self.path, f".err-{self._count}.txt"))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class SubmissionProcess:
    """One confined child running one submission, serving the spec tests one after another.

    Each test opens with ``begin_test`` (its own deadline and output files) and closes
    with ``end_test``. After a timeout or crash the child is killed and the process is
    marked ``dead``; the caller forks a fresh one for the next test.
    """

    def __init__(self, worker: Worker, sandbox: Sandbox, job: dict, deadline: float):
        self.worker, self.sandbox, self.deadline = worker, sandbox, deadline
        job = {**job, "sandbox": sandbox.path, "file": sandbox.file_name}
        self.pid, self.channel = worker.fork(job)
        self.dead = False
        self.failure: SubmissionFailure | None = None
        self.import_error: dict | None = None
        self.output_paths: tuple[str, str] | None = None
        confined = self._receive("while the test process was starting")
        self.mechanisms = [str(m) for m in confined.get("confined", [])]

    def begin_test(self, deadline: float) -> None:
        self.deadline = deadline
        self.output_paths = self.sandbox.next_output_files()
        protocol.send_message(self.channel, {"begin": {"stdout": self.output_paths[0], "stderr": self.output_paths[1]}})
        reply = self._receive("while importing your module")
        if "import_error" in reply:
            self.import_error = reply["import_error"] if isinstance(reply["import_error"], dict) else {}

    def call(self, name: str, args: tuple, kwargs: dict, harness: bool = False) -> Any:
        if self.failure is not None:
            raise self.failure
        if self.import_error is not None:
            raise SubmissionRaised(self.import_error)
        protocol.send_message(self.channel, {"call": name, "harness": harness, "args": protocol.encode(list(args)),
                                             "kwargs": protocol.encode(dict(kwargs))})
        reply = self._receive(f"while running {name}()")
        if "error" in reply:
            info = reply["error"] if isinstance(reply["error"], dict) else {"message": str(reply["error"])}
            raise SubmissionRaised(info)
        if "result" not in reply:
            raise self._fail(SubmissionCrashed("the test process sent an answer the grader does not understand"))
        try:
            return protocol.decode(reply["result"])
        except protocol.ProtocolError as exc:
            raise self._fail(SubmissionCrashed(f"the test process sent malformed data: {exc}")) from None

    def end_test(self, output_cap: int) -> str:
        """What the learner's code printed during the test (stdout, then stderr; capped)."""
        if not self.dead and self.failure is None:
            try:
                protocol.send_message(self.channel, {"end": True})
                self._receive("while finishing the test")
            except SubmissionFailure:
                pass
        if self.failure is not None:
            self.kill()
        if self.output_paths is None:
            return ""
        parts = (_read_capped(path, output_cap).strip() for path in self.output_paths)
        return "\n".join(part for part in parts if part)

    def _receive(self, during: str) -> dict:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._fail(SubmissionTimeout(f"time limit reached {during}"))
        self.channel.settimeout(remaining)
        try:
            return protocol.recv_message(self.channel)
        except socket.timeout:
            raise self._fail(SubmissionTimeout(f"time limit reached {during}")) from None
        except (EOFError, ConnectionError):
            exit_info = self.kill()
            raise self._fail(SubmissionCrashed(_describe_exit(exit_info, during))) from None
        except protocol.ProtocolError as exc:
            raise self._fail(SubmissionCrashed(f"the test process sent malformed data: {exc}")) from None

    def _fail(self, failure: SubmissionFailure) -> SubmissionFailure:
        self.failure = failure
        return failure

    def kill(self) -> dict:
        """Kill the child and whatever it started; returns how it ended."""
        if self.dead:
            return {}
        # The group takes any processes the learner started; the pid covers a child
        # killed before it could make its own group.
        for kill, target in ((os.killpg, self.pid), (os.kill, self.pid)):
            try:
                kill(target, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.dead = True
        self.channel.close()
        return self.worker.reap(self.pid)

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


def _describe_exit(exit_info: dict, during: str) -> str:
    if exit_info.get("signal"):
        cause = f"was killed by {exit_info['signal']}"
        if exit_info["signal"] in ("SIGXCPU", "SIGKILL"):
            cause += " (a resource limit: CPU time or memory)"
    elif exit_info.get("exit_code") is not None:
        cause = f"exited with code {exit_info['exit_code']}"
    else:
        cause = "ended"
    return f"the process running your code {cause} {during} without returning a result (does your code call exit?)"


def _read_capped(path: str, cap: int) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError:
        return ""
    text = data[:cap].decode("utf-8", errors="replace")
    return text + ("\n[output truncated]" if len(data) > cap else "")
