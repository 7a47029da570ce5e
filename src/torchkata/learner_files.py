"""Reading files from a learner's repository, which is hostile input.

Only regular files are read, never through a symbolic link (every folder on the way
inside the learner's repository is opened with O_NOFOLLOW too), never a FIFO or a
device, and never more than a size limit. A file that breaks a rule is a
:class:`SubmissionProblem` that says which rule; its target is never opened.
Source text is decoded as Python does (PEP 263 coding lines and a UTF-8 BOM).
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_SUBMISSION_BYTES = 512 * 1024      # a kata's solution is a few kilobytes; this leaves ample room


class SubmissionProblem(Exception):
    """The learner's file cannot be graded (the message says why, naming the file)."""


@dataclass(frozen=True)
class Submission:
    path: Path           # where it was read from
    display: str         # how the learner knows it (relative path)
    data: bytes
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def read_submission(path: Path, base: Path | None = None, limit: int = MAX_SUBMISSION_BYTES,
                    display: str | None = None) -> Submission:
    """Read ``path`` safely. With ``base`` (a learner's repository), every folder between
    ``base`` and the file is checked too; ``base`` itself is trusted (the grader chose it). The file is then
    shown relative to ``base`` (submissions/x.py), never by the grader's own path to it."""
    shown = display or (display_path(path) if base is None else _relative_to_base(path, base))
    data = read_regular_file(path, base, limit, shown)
    return Submission(path, shown, data, decode_source(data, shown))


def _relative_to_base(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return display_path(path)


def read_regular_file(path: Path, base: Path | None, limit: int, shown: str) -> bytes:
    parts = path.relative_to(base).parts if base is not None else (path.name,)
    start = str(base) if base is not None else str(path.parent)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        directory = os.open(start, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SubmissionProblem(f"{shown}: no such file") from None
    except OSError as exc:
        raise SubmissionProblem(f"{shown}: cannot be read ({exc.strerror})") from None
    try:
        for folder in parts[:-1]:
            directory = _open_step(directory, folder, shown, os.O_DIRECTORY)
        _check_entry(directory, parts[-1], shown)
        fd = _open_at(directory, parts[-1], flags | os.O_NONBLOCK, shown)
    finally:
        os.close(directory)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionProblem(f"{shown} is not a regular file: it was not read")
        if info.st_size > limit:
            raise SubmissionProblem(f"{shown} is {info.st_size:,} bytes, more than the {limit:,}-byte limit "
                                    "for a submission: it was not graded")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise SubmissionProblem(f"{shown} is more than the {limit:,}-byte limit for a submission: "
                                    "it was not graded")
        return data
    finally:
        os.close(fd)


def _check_entry(directory: int, name: str, shown: str) -> None:
    try:
        info = os.stat(name, dir_fd=directory, follow_symlinks=False)
    except FileNotFoundError:
        raise SubmissionProblem(f"{shown}: no such file") from None
    except OSError as exc:
        raise SubmissionProblem(f"{shown}: cannot be read ({exc.strerror})") from None
    kind = _kind(info.st_mode)
    if kind != "regular file":
        raise SubmissionProblem(f"{shown} is a {kind}, not a regular file: it was not read")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "symbolic link"), (stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
                       (stat.S_ISREG, "regular file")):
        if test(mode):
            return name
    return "special file"


def _open_step(directory: int, name: str, shown: str, extra: int) -> int:
    _check_folder(directory, name, shown)
    fd = _open_at(directory, name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | extra, shown)
    os.close(directory)
    return fd


def _check_folder(directory: int, name: str, shown: str) -> None:
    try:
        info = os.stat(name, dir_fd=directory, follow_symlinks=False)
    except FileNotFoundError:
        raise SubmissionProblem(f"{shown}: no such file (the folder {name!r} is missing)") from None
    except OSError as exc:
        raise SubmissionProblem(f"{shown}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise SubmissionProblem(f"{shown}: {name!r} on its path is a {_kind(info.st_mode)}, not a folder: "
                                "it was not read")


def _open_at(directory: int, name: str, flags: int, shown: str) -> int:
    try:
        return os.open(name, flags, dir_fd=directory)
    except OSError as exc:
        raise SubmissionProblem(f"{shown}: cannot be read safely ({exc.strerror})") from None


def decode_source(data: bytes, shown: str) -> str:
    """Python's own rules: a BOM or a coding line (PEP 263), else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise SubmissionProblem(f"{shown} cannot be decoded as Python source ({exc}); save it as UTF-8") from None
