"""The release manifest, and checking a learner's repository against it.

`kata release` records the whole learner template: the SHA-256 of every file and the list of
folders, everything but ``submissions/`` (the learner's work, progress file included). The
instructor keeps that manifest; a copy inside a learner's repository is never trusted, nor
read. `kata grade --manifest FILE` then walks the learner's repository without following a
link and compares the *tree* with the manifest: a file added anywhere (a ``conftest.py`` at the
root, a workflow in ``.github/workflows/``, an ``__init__.py`` beside the specs), removed,
renamed, renamed in case only, changed, replaced by a link or a special file, or an empty folder
added, makes the repository ``modified``, and each such path is listed.

Only ``.git`` (git's own data), ``submissions/`` and the learner's copy of the manifest are left out.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from torchkata.catalogue import KataError
from torchkata.learner_files import SubmissionProblem, read_regular_file
from torchkata.text import escape

MANIFEST_SCHEMA = "torchkata.manifest"
MANIFEST_VERSION = 2
MANIFEST_NAME = "torchkata-manifest.json"
MAX_PROTECTED_BYTES = 64 * 1024 * 1024
UNCHECKED = (".git", "submissions", MANIFEST_NAME)     # top-level entries the manifest says nothing about
MAX_ENTRIES = 100_000          # a learner's repository is hostile input: its walk is bounded
MAX_DEPTH = 64
MAX_LISTED = 200               # paths listed in a result; the rest are counted


@dataclass
class Tree:
    """What a walk found: regular files, folders, and anything else (links, FIFOs, sockets, devices)."""
    files: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)   # why the walk stopped early, if it did


def walk(root: Path) -> Tree:
    """Every entry under ``root`` (POSIX relative paths), never following a link, the unchecked
    top-level entries left out. Bounded in entries and depth."""
    tree = Tree()
    count = 0
    pending: list[tuple[str, int]] = [("", 0)]
    while pending:
        relative, depth = pending.pop()
        try:
            with os.scandir(root / relative if relative else root) as entries:
                listed = list(entries)
        except OSError as exc:
            tree.incomplete.append(f"{relative or '.'}: cannot be listed ({exc.strerror})")
            continue
        for entry in listed:
            name = f"{relative}/{entry.name}" if relative else entry.name
            if not relative and entry.name in UNCHECKED:
                if entry.name == "submissions" and not _is_folder(entry):
                    tree.other.append(name)          # a link in place of submissions/ is not the learner's work
                continue
            count += 1
            if count > MAX_ENTRIES:
                tree.incomplete.append(f"more than {MAX_ENTRIES} entries: the rest was not checked")
                return tree
            if _is_folder(entry):
                if depth + 1 >= MAX_DEPTH:
                    tree.incomplete.append(f"{name}: folders nested more than {MAX_DEPTH} deep")
                    continue
                tree.folders.append(name)
                pending.append((name, depth + 1))
            elif _is_regular_file(entry):
                tree.files.append(name)
            else:
                tree.other.append(name)
    return tree


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_regular_file(entry: os.DirEntry) -> bool:
    try:
        return stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return False


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(path: Path, root: Path, course_name: str, version: str) -> None:
    """Record the template at ``root`` (a fresh release): every file's SHA-256 and every folder."""
    from torchkata.results import write_atomically
    tree = walk(root)
    if tree.other or tree.incomplete:
        raise KataError(f"{root}: the release holds {', '.join(tree.other + tree.incomplete)}: "
                        "only regular files and folders can be recorded")
    data = {"schema": MANIFEST_SCHEMA, "version": MANIFEST_VERSION, "course": course_name, "torchkata": version,
            "unchecked": [f"{name}/" if name != MANIFEST_NAME else name for name in UNCHECKED],
            "files": {name: sha256_file(root / name) for name in sorted(tree.files)},
            "folders": sorted(tree.folders)}
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]           # relative path -> sha256
    folders: frozenset[str]
    unchecked_files: frozenset[str] = frozenset()     # version 1 did not record these


def load_manifest(path: Path) -> Manifest:
    """The recorded template, checked field by field. Version 1 manifests (files only, no README.md)
    are read too: their folders are those of their files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise KataError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != MANIFEST_SCHEMA or data.get("version") not in (1, 2):
        raise KataError(f"{path}: not a {MANIFEST_SCHEMA} version {MANIFEST_VERSION} file (written by `kata release`)")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise KataError(f"{path}: field 'files': expected an object of path -> sha256")
    for name, digest in files.items():
        _check_name(path, "files", name)
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise KataError(f"{path}: field 'files.{name}': expected a sha256 hex digest, got {digest!r}")
    if data["version"] == 1:
        folders = {str(parent) for name in files for parent in PurePosixPath(name).parents if str(parent) != "."}
        return Manifest(dict(files), frozenset(folders), unchecked_files=frozenset({"README.md"}))
    folders = data.get("folders")
    if not isinstance(folders, list):
        raise KataError(f"{path}: field 'folders': expected a list of folder paths")
    for name in folders:
        _check_name(path, "folders", name)
    return Manifest(dict(files), frozenset(folders))


def _check_name(path: Path, where: str, name: object) -> None:
    parts = PurePosixPath(name).parts if isinstance(name, str) else ()
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "." in parts \
            or parts[0] in UNCHECKED or "\\" in name or "\x00" in name:
        raise KataError(f"{path}: field '{where}': {name!r} is not a path inside the repository")


def check_repository(repository: Path, manifest: Manifest) -> dict:
    """{"status": "intact" | "modified", "modified": [paths added, removed, changed or not regular]}."""
    tree = walk(repository)
    present = set(tree.files)
    changed = set(tree.other) | (present - set(manifest.files) - manifest.unchecked_files)
    for name, digest in manifest.files.items():
        if name not in present:
            changed.add(name)                                     # removed (or renamed, or not a regular file)
            continue
        try:
            data = read_regular_file(repository.joinpath(*PurePosixPath(name).parts), repository,
                                     MAX_PROTECTED_BYTES, name)
        except SubmissionProblem:
            changed.add(name)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            changed.add(name)
    # A folder added or removed shows as the files in it; an empty one as itself.
    for folder in (set(tree.folders) ^ manifest.folders) - changed:
        if not any(other.startswith(folder + "/") for other in changed):
            changed.add(folder + "/")
    listed = [escape(name, 300) for name in sorted(changed)]
    if len(listed) > MAX_LISTED:
        listed = listed[:MAX_LISTED] + [f"... and {len(listed) - MAX_LISTED} more"]
    listed += [escape(why, 300) for why in tree.incomplete]
    return {"status": "modified" if listed else "intact", "modified": listed, "score_zeroed": False}
