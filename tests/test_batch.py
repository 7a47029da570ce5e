"""`kata grade` on a synthetic class: every learner's score, isolation between learners, resume."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from torchkata import batch, engine
from torchkata.catalogue import KataError, load_course
from tests.conftest import CHEATS, REPO, SOFTMAX, SOFTMAX_POINTS, SOFTMAX_REFERENCE, make_course

KATA = Path(sys.executable).parent / "kata"

# learner id -> the file they submitted (None: no file at all)
CLASS = {
    **{f"ref{i}": SOFTMAX_REFERENCE for i in range(5)},
    **{f"stub{i}": SOFTMAX / "stub.py" for i in range(4)},
    "mut-nomax": SOFTMAX / "mutants" / "no_max_subtraction.py",
    "mut-wrongdim": SOFTMAX / "mutants" / "max_without_keepdim.py",
    "mut-whole": SOFTMAX / "mutants" / "whole_tensor_normalisation.py",
    "crash-import": CHEATS / "exit_at_import.py",
    "crash-exit": CHEATS / "system_exit_mid_call.py",
    "hang1": CHEATS / "infinite_loop.py",
    "hang2": CHEATS / "infinite_loop.py",
    "subclass": CHEATS / "tensor_subclass.py",
    "forged": CHEATS / "forged_json.py",
    "snoop": CHEATS / "read_reference.py",
    "missing": None,
}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A project whose softmax kata has a 1 s timeout, and a folder of learners."""
    base = tmp_path_factory.mktemp("class")
    root = make_course(base / "course")
    toml = root / "katas" / "stable-softmax" / "kata.toml"
    toml.write_text(toml.read_text().replace("timeout = 5", "timeout = 1"))
    learners = base / "learners"
    for learner_id, source in CLASS.items():
        (learners / learner_id / "submissions").mkdir(parents=True)
        if source is not None:
            shutil.copy(source, learners / learner_id / "submissions" / "stable_softmax.py")
    listing = base / "class.txt"
    listing.write_text("# the class\n" + "".join(f"learners/{name}\n" for name in CLASS))
    return root, listing


def run_grade(root, *args, **kwargs):
    return subprocess.run([str(KATA), "grade", "--course", str(root), *map(str, args)], capture_output=True,
                          text=True, timeout=600, **kwargs)


def scores(out: Path) -> dict:
    return {path.stem: [(r["kata"], r["totals"]["points"], [(t["name"], t["status"], t["points"]) for t in r["tests"]])
                        for r in json.loads(path.read_text())["results"]]
            for path in sorted((out / "learners").glob("*.json"))}


@pytest.fixture(scope="module")
def graded(classroom, tmp_path_factory):
    root, listing = classroom
    out = tmp_path_factory.mktemp("graded")
    done = run_grade(root, listing, "--out", out, "-j", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done


@pytest.mark.slow
def test_every_learner_gets_the_score_kata_check_gives(classroom, graded, worker):
    root, _ = classroom
    out, done = graded
    course = load_course(root)
    kata = course.get("stable-softmax")
    results = {r.learner: r for r in batch.load_results(out)}
    assert set(results) == set(CLASS)
    expected_by_file = {}
    for learner_id, source in CLASS.items():
        got = results[learner_id].results[0]
        if source is None:
            assert got.totals.points == 0 and "no such file" in got.tests[0].message
            continue
        if source not in expected_by_file:
            expected_by_file[source] = engine.check(course, kata, source, worker)
        alone = expected_by_file[source]
        assert [(t.name, t.status, t.points, t.diagnosis) for t in got.tests] == \
            [(t.name, t.status, t.points, t.diagnosis) for t in alone.tests], learner_id
    assert all(results[f"ref{i}"].points == SOFTMAX_POINTS for i in range(5))
    for zero in ["stub0", "crash-import", "crash-exit", "hang1", "hang2", "subclass", "forged", "snoop"]:
        assert results[zero].points == 0, zero
    assert {t.status for t in results["hang1"].results[0].tests if t.kind == "spec"} == {"timeout"}
    assert 0 < results["mut-nomax"].points < 21
    assert (out / "reference.json").exists()
    assert f"graded {len(CLASS)}" in done.stdout and len(CLASS) >= 20


@pytest.mark.slow
def test_rerun_skips_graded_learners(classroom, graded):
    root, listing = classroom
    out, _ = graded
    before = {p: p.stat().st_mtime_ns for p in (out / "learners").glob("*.json")}
    again = run_grade(root, listing, "--out", out)
    assert again.returncode == 0 and f"already done {len(CLASS)}" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in (out / "learners").glob("*.json")} == before


@pytest.mark.slow
def test_killed_run_resumes_to_identical_results(classroom, graded, tmp_path):
    root, listing = classroom
    out, _ = graded
    resumed = tmp_path / "resumed"
    process = subprocess.Popen([str(KATA), "grade", "--course", str(root), str(listing), "--out", str(resumed),
                                "-j", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((resumed / "learners").glob("*.json"))) < 4:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    partial = list((resumed / "learners").glob("*.json"))
    assert 4 <= len(partial) < len(CLASS), "kill the run midway"
    for path in partial:
        json.loads(path.read_text())          # complete files only (a write cut short stays a temporary file)
    finished = run_grade(root, listing, "--out", resumed, "-j", "2")
    assert finished.returncode == 0, finished.stderr
    assert not list((resumed / "learners").glob(".*.tmp"))     # and the resumed run tidies those away
    assert f"already done {len(partial)}" in finished.stdout
    assert scores(resumed) == scores(out)


@pytest.mark.slow
def test_shards_partition_the_class_and_merge(classroom, graded, tmp_path):
    root, listing = classroom
    out, _ = graded
    learners = batch.collect_learners([listing])
    parts = [batch.shard(learners, i, 3) for i in (1, 2, 3)]
    assert sorted(l.id for part in parts for l in part) == sorted(l.id for l in learners)
    assert batch.shard(learners, 2, 3) == parts[1]           # deterministic
    shard_dirs = []
    for i in (1, 2):   # grade two shards for real; take the third from the full run
        shard_out = tmp_path / f"s{i}"
        assert run_grade(root, listing, "--out", shard_out, "--shard", f"{i}/3", "--katas", "stable-softmax"
                         ).returncode == 0
        assert {p.stem for p in (shard_out / "learners").glob("*.json")} == {l.id for l in parts[i - 1]}
        shard_dirs.append(shard_out)
    third = tmp_path / "s3"
    (third / "learners").mkdir(parents=True)
    for learner in parts[2]:
        shutil.copy(out / "learners" / f"{learner.id}.json", third / "learners")
    merged = tmp_path / "all"
    done = subprocess.run([str(KATA), "merge", *map(str, shard_dirs + [third]), "--out", str(merged)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert scores(merged) == scores(out)


def test_a_bad_shard_is_a_usage_error_and_duplicate_ids_or_missing_folders_only_notes(tmp_path):
    with pytest.raises(KataError, match="--shard '4/3'"):
        batch.parse_shard("4/3")
    (tmp_path / "a" / "alice").mkdir(parents=True)
    (tmp_path / "b" / "alice").mkdir(parents=True)
    notes = []
    learners = batch.collect_learners([tmp_path / "a" / "alice", tmp_path / "b" / "alice"], notes)
    assert len({learner.id for learner in learners}) == 2 and all(l.id.startswith("alice-") for l in learners)
    assert len(notes) == 2 and "is also the id of" in notes[0].text and not notes[0].skipped
    listing = tmp_path / "list.txt"
    listing.write_text("a/alice\nnot/there\n")
    notes = []
    assert [learner.path for learner in batch.collect_learners([listing], notes)] == [tmp_path / "a" / "alice"]
    assert notes[0].origin.endswith("list.txt:2") and "'not/there' is not a folder" in notes[0].text
    assert notes[0].skipped


@pytest.mark.slow
def test_gradescope_run_autograder_writes_results(tmp_path, classroom):
    root, _ = classroom
    autograder = tmp_path / "autograder"
    (autograder / "submission" / "nested").mkdir(parents=True)
    shutil.copy(SOFTMAX_REFERENCE, autograder / "submission" / "nested")
    # As the current user: this machine's Python (under /root) is not one an unprivileged user can run
    # (tests/test_gradescope.py checks the drop to one).
    env = {**os.environ, "AUTOGRADER": str(autograder), "TORCHKATA_SOURCE": str(root), "KATA": str(KATA),
           "TORCHKATA_GRADER_USER": ""}
    done = subprocess.run(["bash", str(REPO / "gradescope" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == SOFTMAX_POINTS
    assert all(test["status"] == "passed" for test in results["tests"] if "status" in test)


def test_gradescope_run_autograder_never_leaves_gradescope_without_results(tmp_path):
    autograder = tmp_path / "autograder"
    (autograder / "submission").mkdir(parents=True)
    env = {**os.environ, "AUTOGRADER": str(autograder), "TORCHKATA_SOURCE": str(tmp_path / "nowhere"),
           "KATA": str(KATA)}
    subprocess.run(["bash", str(REPO / "gradescope" / "run_autograder")], env=env, capture_output=True, timeout=120)
    results = json.loads((autograder / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not grade" in results["output"] and results["tests"] == []
