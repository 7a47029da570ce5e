"""`kata watch` latency: from a save to the result on screen, for every kata, beside a cold `kata check`.

For each kata, `kata watch SLUG` runs in a pseudo-terminal in a fresh workspace; the
reference solution is saved again and again (each time with a different comment, written
to a temporary file and renamed, as editors do), and the time from the rename to the end
of the new result on screen is measured. The cold `kata check` of the same file is
measured in the same run. Target: p50 at most 0.25 s for every kata.

    python bench/watch_latency.py [--saves 10] [--katas a,b]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.ptydrive import PtySession, save  # noqa: E402
from torchkata.catalogue import builtin_course_root, load_course  # noqa: E402

KATA = Path(sys.executable).parent / "kata"
TARGET_P50 = 0.25
SCREEN_END = r"graded in [0-9.]+ s"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def watch_latencies(kata, saves: int, env: dict) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="torchkata-watch-") as tmp:
        subprocess.run([str(KATA), "init", tmp], env=env, stdout=subprocess.DEVNULL, check=True)
        session = PtySession([str(KATA), "watch", kata.slug], cwd=tmp, env=env)
        try:
            session.expect(SCREEN_END, timeout=300)                # the stub's result: the watch is ready
            path = Path(tmp) / "submissions" / kata.submission_file
            reference = kata.reference.read_text()
            times = []
            for number in range(saves + 1):
                started = time.perf_counter()
                save(path, reference + f"\n# save {number}\n")
                session.expect(r"Score: (\d+)/\1[\s\S]*?" + SCREEN_END, timeout=120)
                if number:                                       # the first save also computes the reference's answers
                    times.append(time.perf_counter() - started)
            session.type("q")
            session.wait()
            return times
        finally:
            session.kill()


def cold_check(kata, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([str(KATA), "check", kata.slug, "--submission", str(kata.reference)], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--katas", default=None)
    args = parser.parse_args()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TORCHKATA")}, "LANG": "C.UTF-8",
           "COLUMNS": "120", "LINES": "50"}
    katas = load_course(builtin_course_root()).katas
    if args.katas:
        wanted = args.katas.split(",")
        katas = [k for k in katas if k.slug in wanted]
    print(f"{'kata':<24} {'p50':>6} {'p95':>6} {'cold check':>11}")
    worst = 0.0
    for kata in katas:
        times = watch_latencies(kata, args.saves, env)
        cold = cold_check(kata, env)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        worst = max(worst, p50)
        print(f"{kata.slug:<24} {p50:6.3f} {p95:6.3f} {cold:10.2f}s   ({cold / p50:.0f}x faster warm)", flush=True)
    print(f"worst p50 {worst:.3f} s  (target <= {TARGET_P50} s for every kata: "
          f"{'met' if worst <= TARGET_P50 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
