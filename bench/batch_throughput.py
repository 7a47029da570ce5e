"""Batch grading throughput: `kata grade -j 2` against the naive approach, in one run.

The naive approach runs one `pytest` process per learner per kata, importing the
learner's file in-process (bench/naive_plugin.py), two at a time. kata grade grades
the whole synthetic class (reference solutions, stubs and mutants, every kata); the
naive approach, whose cost per grading does not depend on the class size, grades
the first --naive-learners of them. Throughput is gradings per second, including
kata grade's start-up. Target: kata grade's throughput is at least 10x the naive one.

    python bench/batch_throughput.py [--learners 16] [--naive-learners 3] [--jobs 2]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from torchkata.catalogue import load_catalogue  # noqa: E402

KATA = Path(sys.executable).parent / "kata"
TARGET = 10.0


def make_class(folder: Path, katas, count: int) -> list[Path]:
    """Learner i submits, for each kata, the reference, the stub or a mutant in turn."""
    learners = []
    for i in range(count):
        learner = folder / f"learner{i:02d}"
        (learner / "submissions").mkdir(parents=True)
        for kata in katas:
            choices = [kata.reference, kata.stub, *[m.file for m in kata.mutants]]
            shutil.copy(choices[i % len(choices)], learner / "submissions" / kata.submission_file)
        learners.append(learner)
    return learners


def naive(learners: list[Path], katas, jobs: int) -> float:
    def one(pair):
        learner, kata = pair
        env = {**os.environ, "PYTHONPATH": str(REPO / "bench"),
               "NAIVE_SUBMISSION": str(learner / "submissions" / kata.submission_file),
               "NAIVE_REFERENCE": str(kata.reference), "NAIVE_HARNESS": str(kata.harness or "")}
        if not kata.harness:
            env.pop("NAIVE_HARNESS")
        subprocess.run([sys.executable, "-m", "pytest", str(kata.specs), "-q", "-p", "naive_plugin",
                        "-p", "no:cacheprovider", "--import-mode=importlib", "-c", os.devnull,
                        "--rootdir", str(kata.folder), "--junitxml", os.devnull],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    pairs = [(learner, kata) for learner in learners for kata in katas]
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, pairs))
    return time.perf_counter() - started


def ours(learners: list[Path], out: Path, jobs: int) -> float:
    listing = out.parent / "learners.txt"
    listing.write_text("".join(f"{learner}\n" for learner in learners))
    started = time.perf_counter()
    done = subprocess.run([str(KATA), "--root", str(REPO), "grade", str(listing), "--out", str(out), "-j", str(jobs)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"kata grade failed: {done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=16)
    parser.add_argument("--naive-learners", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    katas = load_catalogue(REPO).katas
    with tempfile.TemporaryDirectory(prefix="torchkata-bench-") as tmp:
        learners = make_class(Path(tmp) / "class", katas, args.learners)
        pairs = len(learners) * len(katas)
        naive_pairs = min(args.naive_learners, len(learners)) * len(katas)
        fast = ours(learners, Path(tmp) / "out", args.jobs)
        slow = naive(learners[:args.naive_learners], katas, args.jobs)
    fast_rate, slow_rate = pairs / fast, naive_pairs / slow
    print(f"{len(katas)} katas; {args.jobs} gradings at a time")
    print(f"naive, one pytest process per learner per kata: {naive_pairs:4d} gradings in {slow:6.1f} s"
          f" = {slow_rate:.2f} gradings/s")
    print(f"kata grade -j {args.jobs} (start-up included):          {pairs:4d} gradings in {fast:6.1f} s"
          f" = {fast_rate:.2f} gradings/s")
    print(f"speed-up {fast_rate / slow_rate:.1f}x  (target >= {TARGET:g}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
