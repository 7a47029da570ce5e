"""Driving an interactive command in a pseudo-terminal (for `kata watch` tests and bench/watch_latency.py)."""
from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time


class PtySession:
    """A command whose stdin, stdout and stderr are a pseudo-terminal; read what it shows, type keys."""

    def __init__(self, args: list[str], cwd, env: dict[str, str]):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(args, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.pending = b""
        self.seen = b""

    def expect(self, pattern: str, timeout: float = 120) -> str:
        """Read until ``pattern`` (a regex) appears; returns the text up to its end (ANSI codes stripped)."""
        regex = re.compile(pattern.encode())
        deadline = time.monotonic() + timeout
        while True:
            found = regex.search(self.pending)
            if found:
                text, self.pending = self.pending[:found.end()], self.pending[found.end():]
                return strip_ansi(text.decode("utf-8", errors="replace"))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{pattern!r} did not appear; last output: "
                                   f"{strip_ansi(self.pending[-3000:].decode('utf-8', 'replace'))}")
            ready, _, _ = select.select([self.master], [], [], min(remaining, 0.2))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk and self.process.poll() is not None:
                    raise TimeoutError(f"the command ended before {pattern!r} appeared: "
                                       f"{strip_ansi(self.pending[-3000:].decode('utf-8', 'replace'))}")
                self.pending += chunk
                self.seen += chunk

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 30) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            os.close(self.master)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


def save(path, text: str, how: str = "rename") -> None:
    """Save like an editor: write a temporary file and rename it, delete and re-create, or write in place."""
    if how == "rename":
        temporary = f"{path}.swp~"
        with open(temporary, "w") as f:
            f.write(text)
        os.replace(temporary, path)
    elif how == "recreate":
        os.unlink(path)
        with open(path, "w") as f:
            f.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)
