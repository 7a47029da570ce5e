"""Batch grading throughput: `kata grade -j 2` against the naive approach, in one run, with peak memory.

The naive approach runs one `pytest` process per learner per kata, importing the
learner's file in-process (bench/naive_plugin.py), two at a time. kata grade grades
the whole synthetic class (for each kata, learner i submits the reference, the stub or
a mutant in turn); the naive approach, whose cost per grading does not depend on the
class size, grades the first --naive-learners of them. Throughput is gradings per
second, start-up included. Peak memory is the largest total proportional set size
(PSS: shared pages counted once) of kata grade's whole process tree, sampled every
second. Target: kata grade's throughput is at least 30x the naive one.

With --all-correct every learner submits the reference: no mutant replays, no diagnosis,
every reference answer cached after the first learner. What is left is the floor of this
design (each grading's own confined children and spec tests), which a mixed class cannot beat.

    python bench/batch_throughput.py [--learners 32] [--naive-learners 2] [--jobs 2] [--all-correct]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from torchkata.catalogue import builtin_course_root, load_course

KATA = Path(sys.executable).parent / "kata"
BENCH = Path(__file__).resolve().parent
TARGET = 30.0


def make_class(folder: Path, katas, count: int, all_correct: bool = False) -> list[Path]:
    learners = []
    for i in range(count):
        learner = folder / f"learner{i:02d}"
        (learner / "submissions").mkdir(parents=True)
        for kata in katas:
            choices = [kata.reference] if all_correct else [kata.reference, kata.stub, *[m.file for m in kata.mutants]]
            shutil.copy(choices[i % len(choices)], learner / "submissions" / kata.submission_file)
        learners.append(learner)
    return learners


def naive(learners: list[Path], katas, jobs: int) -> float:
    def one(pair):
        learner, kata = pair
        env = {**os.environ, "PYTHONPATH": str(BENCH),
               "NAIVE_SUBMISSION": str(learner / "submissions" / kata.submission_file),
               "NAIVE_REFERENCE": str(kata.reference)}
        if kata.harness:
            env["NAIVE_HARNESS"] = str(kata.harness)
        scratch = learner / "naive-scratch"             # the submission's files land here, not in the caller's folder
        scratch.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "pytest", str(kata.specs), "-q", "-p", "naive_plugin",
                        "-p", "no:cacheprovider", "--import-mode=importlib", "-c", os.devnull,
                        "--rootdir", str(kata.folder), "--junitxml", os.devnull],
                       env=env, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    pairs = [(learner, kata) for learner in learners for kata in katas]
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, pairs))
    return time.perf_counter() - started


def tree_pss_kib(root: int) -> int:
    """Total PSS of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            continue
    return total


def ours(learners: list[Path], out: Path, jobs: int) -> tuple[float, int]:
    listing = out.parent / "learners.txt"
    listing.write_text("".join(f"{learner}\n" for learner in learners))
    started = time.perf_counter()
    process = subprocess.Popen([str(KATA), "grade", "--course", str(builtin_course_root()), str(listing),
                                "--out", str(out), "-j", str(jobs)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_pss_kib(process.pid))
            time.sleep(1.0)          # reading PSS walks page tables: sample sparingly
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"kata grade failed: {stderr[-2000:]}")
    return elapsed, peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=32)
    parser.add_argument("--naive-learners", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--all-correct", action="store_true", help="every learner submits the reference")
    args = parser.parse_args()
    katas = load_course(builtin_course_root()).katas
    with tempfile.TemporaryDirectory(prefix="torchkata-bench-") as tmp:
        learners = make_class(Path(tmp) / "class", katas, args.learners, args.all_correct)
        pairs = len(learners) * len(katas)
        naive_pairs = min(args.naive_learners, len(learners)) * len(katas)
        fast, peak_kib = ours(learners, Path(tmp) / "out", args.jobs)
        slow = naive(learners[:args.naive_learners], katas, args.jobs)
    fast_rate, slow_rate = pairs / fast, naive_pairs / slow
    ratio = fast_rate / slow_rate
    print(f"{len(katas)} katas, {args.learners} learners{' (all correct)' if args.all_correct else ''};"
          f" {args.jobs} gradings at a time")
    print(f"naive, one pytest process per learner per kata: {naive_pairs:5d} gradings in {slow:7.1f} s"
          f" = {slow_rate:6.2f} gradings/s")
    print(f"kata grade -j {args.jobs} (start-up included):          {pairs:5d} gradings in {fast:7.1f} s"
          f" = {fast_rate:6.2f} gradings/s")
    print(f"peak memory of kata grade (PSS of all its processes): {peak_kib / 1024:.0f} MiB")
    print(f"speed-up {ratio:.1f}x  (target >= {TARGET:g}x: {'met' if ratio >= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
