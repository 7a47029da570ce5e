"""Noticing saves and key presses, for `kata watch`.

:class:`FileWatch` reports when a file's content changes. It watches the file's folder
with watchfiles (inotify and friends), so editors that save by writing a temporary file
and renaming it, or by deleting and re-creating the file, are seen too; where watchfiles
cannot run it falls back to polling. A save that leaves the content as it was (an editor
writing twice, a touch) is not a change.

:class:`Keys` reads single key presses from a terminal without waiting for Enter.
"""
from __future__ import annotations

import hashlib
import os
import select
import sys
import time
from pathlib import Path
from typing import Iterator

TICK = 0.05          # how often the loop comes back when nothing happens (seconds)


def content_signature(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None            # missing for a moment (deleted and about to be re-created), or unreadable


def stat_signature(path: Path) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class FileWatch:
    """``ticks()`` yields True when the file's content changed, and False every TICK otherwise.

    Between notifications a cheap stat() comparison runs on every tick too, so a save that
    happened while the watcher was being set up is not lost.
    """

    def __init__(self, path: Path, force_polling: bool = False):
        self.path = path
        self.last = content_signature(path)
        self.last_stat = stat_signature(path)
        self.polling = force_polling or os.environ.get("TORCHKATA_WATCH_POLLING") == "1"

    def changed(self) -> bool:
        self.last_stat = stat_signature(self.path)
        now = content_signature(self.path)
        if now is None or now == self.last:
            return False
        self.last = now
        return True

    def stat_changed(self) -> bool:
        return stat_signature(self.path) != self.last_stat and self.changed()

    def ticks(self) -> Iterator[bool]:
        if not self.polling:
            try:
                yield from self._notified()
                return
            except (ImportError, OSError, RuntimeError):
                self.polling = True       # no inotify (or too many watches): poll instead
        yield from self._polled()

    def _notified(self) -> Iterator[bool]:
        from watchfiles import watch
        name = self.path.name
        for changes in watch(self.path.parent, watch_filter=lambda _change, path: Path(path).name == name,
                             debounce=400, step=5, rust_timeout=int(TICK * 1000), yield_on_timeout=True,
                             recursive=False, raise_interrupt=True):
            yield self.changed() if changes else self.stat_changed()

    def _polled(self) -> Iterator[bool]:
        while True:
            time.sleep(TICK)
            yield self.stat_changed()


class Keys:
    """Single key presses from a terminal (cbreak mode while in use; nothing when not a terminal)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdin
        self.fd = None
        self._saved = None

    def __enter__(self) -> "Keys":
        try:
            if self.stream.isatty():
                import termios
                import tty
                self.fd = self.stream.fileno()
                self._saved = termios.tcgetattr(self.fd)
                tty.setcbreak(self.fd)
        except (OSError, ValueError, ImportError):
            self.fd = None
        return self

    def read(self) -> str | None:
        if self.fd is None:
            return None
        ready, _, _ = select.select([self.fd], [], [], 0)
        if not ready:
            return None
        data = os.read(self.fd, 1)
        if not data:
            return None
        return data.decode("utf-8", errors="ignore").lower() or None

    def __exit__(self, *exc) -> None:
        if self.fd is not None and self._saved is not None:
            import termios
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
