"""`kata collect`: clone the learners' repositories of a roster, one folder per learner, for `kata grade`.

A roster is GitHub Classroom's roster CSV (its ``github_username`` column; ``identifier`` and
``name`` only label the rows), any CSV with a ``github_username`` or ``username`` column, or a plain
list of GitHub usernames, one per line (``#`` starts a comment). Every row that is not cloned is
reported with its reason: no GitHub account linked, not a GitHub username, listed twice, or the
clone failed.

A learner's repository is hostile input: it is cloned shallow, with no hooks, no submodules, no LFS
or other filters run, symbolic links kept as links (so the grader refuses them instead of following
them), and without asking for credentials on a terminal.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from torchkata.catalogue import KataError
from torchkata.results import write_atomically

USERNAME_COLUMNS = ("github_username", "username")
LABEL_COLUMNS = ("identifier", "name", "roster_identifier")
# GitHub's rule: letters, digits and single hyphens, not at either end, at most 39 characters.
_USERNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_ROSTER_BYTES = 10 * 1024 * 1024
CLONE_SECONDS = 600
LIST_NAME = "learners.txt"


@dataclass(frozen=True)
class Entry:
    line: int               # the roster's line number
    username: str
    label: str = ""         # the row's identifier or name, to say which row it was


@dataclass(frozen=True)
class Skipped:
    line: int
    label: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}{f' ({self.label})' if self.label else ''}: {self.why}"


@dataclass
class Roster:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def read_roster(path: Path) -> Roster:
    """The usernames of a roster file, and every row skipped with its reason."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise KataError(f"{path}: a roster larger than {MAX_ROSTER_BYTES:,} bytes; is this the right file?")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise KataError(f"{path}: not UTF-8 text (expected a roster CSV or one username per line)") from None
    except OSError as exc:
        raise KataError(f"{path}: cannot be read ({exc.strerror})") from None
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next((i for i, row in enumerate(rows) if _content(row)), None)
    if header_at is None:
        return Roster()
    header = [cell.strip().lower() for cell in rows[header_at]]
    if len(header) > 1 or header[0] in USERNAME_COLUMNS + LABEL_COLUMNS:
        return _from_csv(path, rows, header_at, header)
    return _from_list(text)


def _content(row: list[str]) -> bool:
    return bool(row) and any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")


def _from_csv(path: Path, rows: list[list[str]], header_at: int, header: list[str]) -> Roster:
    column = next((header.index(name) for name in USERNAME_COLUMNS if name in header), None)
    if column is None:
        raise KataError(f"{path}: no github_username column (the columns are {', '.join(header)}); export the "
                        "roster from GitHub Classroom after learners have linked their accounts, or give one "
                        "username per line")
    labels = [header.index(name) for name in LABEL_COLUMNS if name in header]
    roster = Roster()
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not _content(row):
            continue
        label = next((row[i].strip() for i in labels if i < len(row) and row[i].strip()), "")
        username = row[column].strip() if column < len(row) else ""
        if not username:
            roster.skipped.append(Skipped(number, label, "no GitHub account is linked to this row"))
            continue
        roster.entries.append(Entry(number, username, label))
    return _checked(roster)


def _from_list(text: str) -> Roster:
    roster = Roster()
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if name:
            roster.entries.append(Entry(number, name))
    return _checked(roster)


def _checked(roster: Roster) -> Roster:
    """Keep valid, first-seen usernames (GitHub's are case-insensitive); skip the rest, saying why."""
    seen: dict[str, int] = {}
    kept = []
    for entry in roster.entries:
        if not _USERNAME.match(entry.username):
            roster.skipped.append(Skipped(entry.line, entry.label, f"{entry.username!r} is not a GitHub username"))
        elif entry.username.lower() in seen:
            roster.skipped.append(Skipped(entry.line, entry.label, f"{entry.username} is listed already, on line "
                                                                   f"{seen[entry.username.lower()]}"))
        else:
            seen[entry.username.lower()] = entry.line
            kept.append(entry)
    roster.entries = kept
    return roster


@dataclass
class Collected:
    cloned: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def collect(roster: Roster, out: Path, base: str, prefix: str, on_clone=lambda username, ok: None) -> Collected:
    """Clone ``base/prefix-username`` (GitHub Classroom's naming) into ``out/username`` for every entry, and
    write ``out/learners.txt`` listing the folders that were cloned, ready for `kata grade`."""
    out.mkdir(parents=True, exist_ok=True)
    done = Collected(skipped=list(roster.skipped))
    for entry in roster.entries:
        url = f"{base.rstrip('/')}/{prefix}-{entry.username}" if prefix else f"{base.rstrip('/')}/{entry.username}"
        problem = _clone(url, out / entry.username)
        if problem is None:
            done.cloned.append(entry.username)
        else:
            done.skipped.append(Skipped(entry.line, entry.label, f"could not clone {url}: {problem}"))
        on_clone(entry.username, problem is None)
    write_atomically(out / LIST_NAME, "".join(f"{name}\n" for name in done.cloned))
    done.skipped.sort(key=lambda skipped: skipped.line)      # in the roster's order
    return done


def _clone(url: str, target: Path) -> str | None:
    """None when ``url`` was cloned into ``target`` (replacing an earlier clone), else git's reason."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    command = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.symlinks=true", "-c", "core.fsmonitor=false",
               "-c", "protocol.file.allow=always", "-c", "filter.lfs.smudge=", "-c", "filter.lfs.process=",
               "-c", "filter.lfs.required=false", "clone", "--quiet", "--depth", "1", "--no-recurse-submodules",
               "--", url, str(target)]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_LFS_SKIP_SMUDGE": "1", "GCM_INTERACTIVE": "never"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=CLONE_SECONDS,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise KataError("git is not installed: `kata collect` clones with git") from None
    except subprocess.TimeoutExpired:
        shutil.rmtree(target, ignore_errors=True)
        return f"no answer in {CLONE_SECONDS} s"
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        fatal = [line.split(":", 1)[1].strip() for line in lines if line.startswith("fatal:")]
        return (fatal or lines or [f"git exited with {done.returncode}"])[0]
    return None
