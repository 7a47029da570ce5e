"""classroom50's runner, as far as a torchkata bundle meets it, modelled for tests (no network here).

Written from reading foundation50/classroom50 at 0c49903 (cli/gh-teacher/skeleton/dotgithub/scripts/
runner.py and workflows/publish-pages.yaml); none of its code is copied (it is GPL-3.0):

- publish-pages packs ``<classroom>/autograders/<slug>/`` as ``<slug>.tar.gz`` whose members are
  ``<slug>/...``; the runner fetches at most 10 MB of it and extracts it, refusing links, devices and
  paths that leave the folder, into its runtime folder;
- the per-assignment entrypoint is ``<runtime>/<slug>/autograder.py``; it runs with the runner's
  Python, the learner's checkout as working directory, and the runner's environment plus
  ``CLASSROOM50_BUNDLE_DIR``, ``USERNAME``, ``OWNER``, ``ASSIGNMENT_TYPE``, ``COMMIT_URL``,
  ``RELEASE_URL`` and ``REVIEW_URL``; a non-zero exit is an error result (no tests, 0 of 0);
- it then reads ``result.json`` from the checkout, overwrites ``owner``, ``assignment_type``,
  ``datetime``, ``graded_at`` and ``submitted_by`` with its own, and validates: the schema name,
  the classroom and assignment, a non-empty owner equal to the repository's, the assignment type,
  a ``submit/`` submission, non-empty commit/release/review/datetime, whole non-negative scores
  with ``score <= max-score`` for the document and for each test, boolean ``passed``, non-empty
  ``test-name``; an invalid document becomes an error result;
- the status is the autograder's ``status=`` in $GITHUB_OUTPUT if it wrote one, else ``success``
  when every test passed (or there are none) and ``failure`` otherwise.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

MAX_FETCH_BYTES = 10 * 1024 * 1024
SUBMISSION = "submit/2026-11-30T09-00-00Z-abc1234"


@dataclass
class Graded:
    result: dict
    status: str
    summary: str
    log: str
    exit_code: int


def extract(tarball: bytes, runtime: Path) -> None:
    assert len(tarball) <= MAX_FETCH_BYTES, f"the bundle is {len(tarball):,} bytes: the runner refuses it"
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            assert not (member.issym() or member.islnk() or member.isdev() or member.isfifo()), member.name
            target = (runtime / member.name).resolve()
            assert target == runtime.resolve() or runtime.resolve() in target.parents, member.name
        tar.extractall(runtime)


def environment(checkout: Path, runtime: Path, slug: str, owner: str, output: Path) -> dict[str, str]:
    commit = f"https://github.com/cs101/cs101-{slug}-{owner}/commit/{'a' * 40}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "TORCHKATA_"))}
    env.update({"CLASSROOM": "cs101", "ASSIGNMENT": slug, "SUBMISSION_TAG": SUBMISSION, "USERNAME": owner,
                "OWNER": owner, "ASSIGNMENT_TYPE": "individual", "COMMIT_URL": commit,
                "RELEASE_URL": f"https://github.com/cs101/cs101-{slug}-{owner}/releases/tag/submit%2F1",
                "REVIEW_URL": commit, "CLASSROOM50_BUNDLE_DIR": str(runtime / slug), "GITHUB_OUTPUT": str(output),
                "GITHUB_ACTOR": owner, "RUNNER_TEMP": str(runtime.parent)})
    return env


def grade(tarball: bytes, slug: str, checkout: Path, runtime: Path, owner: str = "alice") -> Graded:
    runtime.mkdir(parents=True, exist_ok=True)
    extract(tarball, runtime)
    entrypoint = runtime / slug / "autograder.py"
    assert entrypoint.is_file(), "no per-assignment autograder.py: the runner would fall back to the default"
    output = runtime.parent / f"github-output-{owner}"
    output.write_text("")
    env = environment(checkout, runtime, slug, owner, output)
    for stale in ("result.json", "release-body.md"):
        (checkout / stale).unlink(missing_ok=True)
    done = subprocess.run([sys.executable, str(entrypoint)], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=900)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        return Graded(error_result(env, owner), "error", f"autograder exited {done.returncode}", log, done.returncode)
    result = json.loads((checkout / "result.json").read_text(encoding="utf-8"))
    result.update({"owner": owner, "assignment_type": "individual", "datetime": "2026-11-30T09:00:00Z",
                   "graded_at": "2026-11-30T09:01:00Z", "submitted_by": {"username": owner, "id": None}})
    problem = validate(result, classroom="cs101", assignment=slug, owner=owner)
    if problem:
        return Graded(error_result(env, owner), "error", problem, log, 0)
    written = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    if "status" in written:
        return Graded(result, written["status"], written.get("summary", ""), log, 0)
    passed = all(test["passed"] for test in result["tests"])
    return Graded(result, "success" if passed else "failure", f"{result['score']}/{result['max-score']}", log, 0)


def error_result(env: dict, owner: str) -> dict:
    return {"schema": "classroom50/result/v1", "classroom": env["CLASSROOM"], "assignment": env["ASSIGNMENT"],
            "assignment_type": "individual", "owner": owner, "submission": env["SUBMISSION_TAG"],
            "commit": env["COMMIT_URL"], "release": env["RELEASE_URL"], "review": env["REVIEW_URL"],
            "datetime": "2026-11-30T09:00:00Z", "score": 0, "max-score": 0, "tests": []}


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def validate(data, classroom: str, assignment: str, owner: str) -> str | None:
    """The runner's checks of a result document: None, or what is wrong."""
    if not isinstance(data, dict) or data.get("schema") != "classroom50/result/v1":
        return "not a classroom50/result/v1 document"
    if data.get("classroom") != classroom or data.get("assignment") != assignment:
        return "classroom or assignment does not match the repository"
    if not isinstance(data.get("owner"), str) or data["owner"].lower() != owner.lower():
        return "owner does not match the repository"
    if data.get("assignment_type") != "individual":
        return "assignment_type"
    if not isinstance(data.get("submission"), str) or not data["submission"].startswith("submit/"):
        return "submission"
    for field in ("commit", "release", "review", "datetime"):
        if not isinstance(data.get(field), str) or not data[field]:
            return field
    if not (_whole(data.get("score")) and _whole(data.get("max-score"))) or data["score"] > data["max-score"]:
        return "score / max-score"
    if not isinstance(data.get("tests"), list):
        return "tests"
    for test in data["tests"]:
        if not isinstance(test, dict) or not isinstance(test.get("test-name"), str) or not test["test-name"]:
            return "test-name"
        if not isinstance(test.get("passed"), bool):
            return "passed"
        if not (_whole(test.get("score")) and _whole(test.get("max-score"))) or test["score"] > test["max-score"]:
            return "test score / max-score"
    return None
