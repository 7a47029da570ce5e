"""What Gradescope's ``run_autograder`` does for one submission (gradescope/run_autograder calls this).

Gradescope's layout (autograder_samples docs/specs.md): the autograder zip is unpacked in
``$AUTOGRADER/source`` (here: the course), the student's upload in ``$AUTOGRADER/submission``,
and ``$AUTOGRADER/results/results.json`` must be written, whatever happens.

1. **The upload is resolved by each file's own path.** For each kata's file (say ``gather.py``)
   the upload's regular files of that name are found (links are never followed). A copy at the
   top of the upload or in a ``submissions/`` folder at any depth (``*/submissions/gather.py``,
   the layout of a learner's repository) is the learner's file; any other copy is used only
   when it is the only one. Two candidates of the same rank are never picked between: the kata
   is not graded, and results.json says which files were found. Copies set aside are named too.
2. **Grading runs as an unprivileged user** (``nobody``, or ``$TORCHKATA_GRADER_USER``) when
   this runs as root, as Gradescope runs it: ``kata grade`` in a fresh folder that user owns.
3. **results.json** is the gradescope export, with the grader's folders taken out of every
   student-visible text. If grading fails, it is still written: score 0, with a message the
   student sees.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

SUBMISSIONS = "submissions"


def find_candidates(upload: Path, name: str) -> tuple[list[Path], list[Path]]:
    """(the learner's own copies, other copies) of ``name`` in the upload: regular files only."""
    own, other = [], []
    for folder, subfolders, files in os.walk(upload, followlinks=False):
        subfolders.sort()
        here = Path(folder)
        if name in files:
            path = here / name
            if stat.S_ISREG(os.lstat(path).st_mode):
                (own if here == upload or here.name == SUBMISSIONS else other).append(path)
    return own, other


def resolve(upload: Path, names: list[str]) -> tuple[dict[str, Path], dict[str, str], list[str]]:
    """For each file name: the upload's file to grade; the reason a name was not graded
    (ambiguous); and notes on what was set aside (one line each, paths relative to the upload)."""
    chosen: dict[str, Path] = {}
    refused: dict[str, str] = {}
    notes: list[str] = []

    def show(paths: list[Path]) -> str:
        return ", ".join(path.relative_to(upload).as_posix() for path in paths)

    for name in names:
        own, other = find_candidates(upload, name)
        tier = own or other
        if len(tier) > 1:
            refused[name] = (f"found {len(tier)} files named {name} in your upload ({show(tier)}): not graded, "
                             f"since any one of them could be the one you meant; upload only one")
            notes.append(f"{name}: not graded: {len(tier)} candidates ({show(tier)})")
            continue
        if tier:
            chosen[name] = tier[0]
            if other and own:
                notes.append(f"{name}: graded {show(own)}; set aside {show(other)}")
            elif tier is other and tier[0].parent != upload:
                notes.append(f"{name}: graded {show(tier)}")
    return chosen, refused, notes


def grader_identity() -> tuple[int, int] | None:
    """(uid, gid) to grade as when this runs as root; None otherwise. ``$TORCHKATA_GRADER_USER`` names
    the user (default nobody); set to the empty string it keeps the current user (for local tests
    whose Python the unprivileged user cannot run)."""
    name = os.environ.get("TORCHKATA_GRADER_USER", "nobody")
    if os.geteuid() != 0 or not name:
        return None
    entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def _hand_over(path: Path, identity: tuple[int, int] | None) -> None:
    if identity is None:
        return
    for folder, subfolders, files in os.walk(path):
        os.chown(folder, *identity)
        for name in files:
            os.chown(os.path.join(folder, name), *identity)


def run(autograder: Path, course_root: Path, kata_command: str) -> dict:
    """Grade the upload; returns the results.json document (never raises for a grading problem)."""
    from torchkata.batch import load_learner_file
    from torchkata.catalogue import KataError, load_course
    from torchkata.exporters import gradescope

    upload = autograder / "submission"
    try:
        course = load_course(course_root)
        if course.broken:
            raise KataError("; ".join(str(error) for error in course.broken.values()))
    except KataError as exc:
        print(f"the course in {course_root} cannot be loaded: {exc}")
        return gradescope.fallback("the course could not be loaded")
    names = [kata.submission_file for kata in course.katas]
    chosen, refused, notes = resolve(upload, names) if upload.is_dir() else ({}, {}, ["nothing was uploaded"])
    identity = grader_identity()
    work = Path(tempfile.mkdtemp(prefix="torchkata-gradescope-"))
    work.chmod(0o711)       # the jail's children (another uid) must pass through to their sandboxes in tmp/
    try:
        learner = work / "learner"
        (learner / SUBMISSIONS).mkdir(parents=True)
        for name, path in chosen.items():
            target = learner / SUBMISSIONS / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (work / "home").mkdir()
        (work / "tmp").mkdir(mode=0o711)
        _hand_over(work, identity)
        env = {**os.environ, "HOME": str(work / "home"), "TMPDIR": str(work / "tmp")}
        who = f"uid {identity[0]}" if identity else f"uid {os.geteuid()} (not root: as is)"
        print(f"grading as {who}")
        try:
            command = [kata_command, "grade", "--course", str(course_root), str(learner), "--out",
                       str(work / "grades"), "--force", "--min-isolation", os.environ.get("TORCHKATA_MIN_ISOLATION") or "basic"]
            graded = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, user=identity[0] if identity else None,
                                    group=identity[1] if identity else None, extra_groups=[] if identity else None)
        except PermissionError as exc:
            print(f"{who} cannot run {kata_command} ({exc}): make the grader's folders readable by that user "
                  f"(chmod -R a+rX), or name another user in TORCHKATA_GRADER_USER")
            return gradescope.fallback("grading failed (the instructor's log says why)")
        print(graded.stdout + graded.stderr)
        result_file = work / "grades" / "learners" / "learner.json"
        if not result_file.is_file():
            return gradescope.fallback("grading stopped before any result (the instructor's log says why)")
        result = load_learner_file(result_file)
        _explain_refused(result, refused)
        return gradescope.document(result, hide=(str(work), str(course_root), str(autograder)), notes=notes)
    except Exception as exc:  # noqa: BLE001 — Gradescope must get a results.json whatever went wrong
        print(f"grading failed: {type(exc).__name__}: {exc}")
        return gradescope.fallback("grading failed (the instructor's log says why)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _explain_refused(result, refused: dict[str, str]) -> None:
    """A kata not graded because the upload was ambiguous says so, instead of "no such file"."""
    for kata_result in result.results:
        for test in kata_result.tests:
            name = Path(kata_result.submission.get("path", "")).name
            if test.kind == "missing" and name in refused:
                test.message = refused[name]


def main() -> int:
    autograder = Path(os.environ.get("AUTOGRADER", "/autograder"))
    course_root = Path(os.environ.get("TORCHKATA_SOURCE", autograder / "source"))
    results = autograder / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    document = run(autograder, course_root, os.environ.get("KATA", "kata"))
    from torchkata.results import write_atomically
    write_atomically(results, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
