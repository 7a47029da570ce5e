"""Wall time of a cold `kata check stable-softmax` against a bare `python -c "import torch"`.

Both are measured in the same run, alternating, so the ratio is meaningful on a
shared, noisy machine. Target: the check takes at most 1.5x the torch import.

    python bench/cold_check.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KATA = Path(sys.executable).parent / "kata"
TARGET = 1.5


def wall(cmd: list[str], expect: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}, expected {expect}: {done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import torch"]
    reference = REPO / "reference" / "stable_softmax.py"
    check_cmd = [str(KATA), "check", "stable-softmax", "--submission", str(reference)]
    wall(baseline_cmd, 0), wall(check_cmd, 0)          # warm the file cache for both
    baseline, check = [], []
    for _ in range(args.repeat):
        baseline.append(wall(baseline_cmd, 0))
        check.append(wall(check_cmd, 0))
    b, c = statistics.median(baseline), statistics.median(check)
    print(f"python -c 'import torch'      median {b:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in baseline)})")
    print(f"kata check stable-softmax     median {c:.2f} s  (runs: {', '.join(f'{x:.2f}' for x in check)})")
    print(f"ratio {c / b:.2f}x  (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
