"""The release manifest, and checking a learner's repository against it.

`kata release` lists the SHA-256 of every file of the learner template that a learner
must not change (public specs, harnesses, recordings, the workflow...). The instructor
keeps that manifest; a copy inside a learner's repository is never trusted. `kata grade
--manifest FILE` then reads each protected file from the learner's repository (regular
files only, never through a link) and records whether they are all ``intact``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath

from torchkata.catalogue import KataError
from torchkata.learner_files import SubmissionProblem, read_regular_file

MANIFEST_SCHEMA = "torchkata.manifest"
MANIFEST_VERSION = 1
MANIFEST_NAME = "torchkata-manifest.json"
MAX_PROTECTED_BYTES = 64 * 1024 * 1024


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(path: Path, root: Path, files: list[Path], course_name: str, version: str) -> None:
    from torchkata.results import write_atomically
    entries = {PurePosixPath(f.relative_to(root)).as_posix(): sha256_file(f) for f in sorted(files)}
    data = {"schema": MANIFEST_SCHEMA, "version": MANIFEST_VERSION, "course": course_name, "torchkata": version,
            "files": entries}
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def load_manifest(path: Path) -> dict[str, str]:
    """The protected files (relative path -> sha256), checked field by field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KataError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != MANIFEST_SCHEMA or data.get("version") != MANIFEST_VERSION:
        raise KataError(f"{path}: not a {MANIFEST_SCHEMA} version {MANIFEST_VERSION} file (written by `kata release`)")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise KataError(f"{path}: field 'files': expected an object of path -> sha256")
    for name, digest in files.items():
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
            raise KataError(f"{path}: field 'files': {name!r} is not a path inside the repository")
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise KataError(f"{path}: field 'files.{name}': expected a sha256 hex digest, got {digest!r}")
    return files


def check_repository(repository: Path, protected: dict[str, str]) -> dict:
    """{"status": "intact" | "modified", "modified": [paths that differ, are missing or are not regular files]}."""
    modified = []
    for name, digest in sorted(protected.items()):
        path = repository.joinpath(*PurePosixPath(name).parts)
        try:
            data = read_regular_file(path, repository, MAX_PROTECTED_BYTES, name)
        except SubmissionProblem:
            modified.append(name)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            modified.append(name)
    return {"status": "modified" if modified else "intact", "modified": modified, "score_zeroed": False}
