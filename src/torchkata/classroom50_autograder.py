#!/usr/bin/env python3
"""torchkata's autograder for a classroom50 assignment: ``autograder.py`` of the bundle that
`kata release --target classroom50` writes (this file, copied as is).

classroom50's runner extracts the bundle, runs this file with the learner's checkout as the
working directory and ``CLASSROOM50_BUNDLE_DIR`` naming the bundle, then reads ``result.json``
(schema classroom50/result/v1) from the checkout. This script:

1. installs the grader from the bundle's wheel into a folder of its own (PyTorch, CPU build,
   and the grader's other requirements only when this Python lacks them);
2. grades the checkout's ``submissions/`` against the bundle's copy of the released course
   (never the checkout's: a learner can edit that), running the grader from a folder of its
   own so nothing in the checkout can stand in for one of its modules;
3. writes ``result.json`` and ``release-body.md`` from the result.

Whatever fails, it writes a valid result that says why, worth 0 of the release's points, and
sets ``status=error`` for the runner; it exits 0. Standard library only: it runs before the
grader is installed.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)
WORKSPACE = Path.cwd()
IDENTITY = ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL")


class Failure(Exception):
    """Grading could not finish: the message says why, in one line."""


def one_line(text: str, limit: int = 500) -> str:
    """One line of text for a learner to read: no control characters, no workflow command, no runner paths."""
    text = text.replace(str(BUNDLE), "<bundle>").replace(str(WORKSPACE), "<your repository>")
    text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", text)
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", " ", text)
    text = " ".join(text.split()).replace("##[", "## [")
    return (": " + text[2:] if text.startswith("::") else text)[:limit]


def run(command: list[str], env: dict, cwd: Path, what: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    print(f"torchkata: {what}", flush=True)
    try:
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Failure(f"{what}: {exc}") from None
    print(done.stdout + done.stderr, flush=True)
    return done


def install(config: dict, runtime: Path) -> dict:
    """The environment in which ``python -m torchkata`` is the bundle's grader."""
    wheel = BUNDLE / config["wheel"]
    site = runtime / "site"
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONHOME", None)
    python = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    if not (site / "torchkata").is_dir():
        done = run([*python, "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)], env, runtime,
                   f"installing the grader from {wheel.name}")
        if done.returncode != 0:
            raise Failure(f"the grader could not be installed from {wheel.name}")
    probe = [sys.executable, "-c", "import torch, torchkata.cli, torchkata; print(torchkata.__file__)"]
    found = run(probe, env, runtime, "checking the grader's requirements")
    if found.returncode != 0:
        for command, what in (([*python, "install", "--quiet", config["torch"], "--index-url", config["torch_index"]],
                               "installing PyTorch (CPU)"),
                              ([*python, "install", "--quiet", str(wheel)], "installing the grader's requirements")):
            if run(command, env, runtime, what).returncode != 0:
                raise Failure(f"{what} failed")
        found = run(probe, env, runtime, "checking the grader's requirements")
        if found.returncode != 0:
            raise Failure("the grader does not import after installing it")
    if not found.stdout.strip().startswith(str(site)):
        raise Failure(f"the grader found is not the bundle's: {found.stdout.strip()}")
    return env


def grade(config: dict, runtime: Path, env: dict) -> None:
    grades = Path(tempfile.mkdtemp(prefix="grades-", dir=runtime))
    kata = [sys.executable, "-m", "torchkata"]
    done = run([*kata, "grade", str(WORKSPACE), "--course", str(BUNDLE / config["course"]), "--out", str(grades),
                "--force"], env, runtime, "grading")
    results = sorted((grades / "learners").glob("*.json"))
    if len(results) != 1:
        last = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise Failure("grading stopped before any result" + (f": {last[-1]}" if last else ""))
    scaled = {**env, "TORCHKATA_POINTS_SCALE": str(config["scale"])}
    exported = run([*kata, "export", str(results[0]), "--format", "classroom50", "-o", str(WORKSPACE / "result.json")],
                   scaled, runtime, "writing result.json")
    if exported.returncode != 0:
        raise Failure("result.json could not be written: " + one_line(exported.stderr or exported.stdout))
    body = run([*kata, "export", str(results[0]), "--format", "markdown", "-o", str(WORKSPACE / "release-body.md")],
               env, runtime, "writing release-body.md")
    if body.returncode != 0:
        (WORKSPACE / "release-body.md").unlink(missing_ok=True)     # the runner writes its own


def write_error(config: dict, why: str) -> None:
    """A result that says why, worth 0 of the release's points, and status=error for the runner."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    commit = os.environ.get("COMMIT_URL", "").strip()
    result = {"schema": "classroom50/result/v1", "classroom": os.environ.get("CLASSROOM", "").strip(),
              "assignment": os.environ.get("ASSIGNMENT", "").strip(),
              "assignment_type": os.environ.get("ASSIGNMENT_TYPE", "").strip() or "individual",
              "owner": (os.environ.get("OWNER") or os.environ.get("USERNAME") or "").strip(),
              "submission": os.environ.get("SUBMISSION_TAG", "").strip(), "commit": commit,
              "release": os.environ.get("RELEASE_URL", "").strip(),
              "review": os.environ.get("REVIEW_URL", "").strip() or commit, "datetime": now, "graded_at": now,
              "score": 0, "max-score": config["max_score"],
              "tests": [{"test-name": "torchkata grading", "passed": False, "score": 0,
                         "max-score": config["max_score"], "message": why}]}
    (WORKSPACE / "result.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (WORKSPACE / "release-body.md").write_text(
        f"### torchkata: not graded\n\nGrading failed, so nothing was scored: {why}\n", encoding="utf-8")
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as sink:
            sink.write(f"status=error\nsummary=torchkata: not graded: {why[:200]}\n")


def main() -> int:
    missing = [name for name in IDENTITY if not os.environ.get(name, "").strip()]
    if missing:
        print(f"::error::run by classroom50's runner, which sets {', '.join(missing)}", file=sys.stderr)
        return 1
    try:
        config = json.loads((BUNDLE / "bundle.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"::error::the bundle's bundle.json cannot be read: {one_line(str(exc))}", file=sys.stderr)
        return 1
    runtime = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"torchkata-{Path(config['wheel']).stem}"
    runtime.mkdir(parents=True, exist_ok=True)
    for stale in ("result.json", "release-body.md"):
        (WORKSPACE / stale).unlink(missing_ok=True)
    try:
        env = install(config, runtime)
        grade(config, runtime, env)
    except Failure as exc:
        why = one_line(str(exc))
        print(f"torchkata: not graded: {why}", flush=True)
        write_error(config, why)
    return 0


if __name__ == "__main__":
    sys.exit(main())
