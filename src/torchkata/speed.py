"""Speed against the reference, measured so that noise ranks nobody.

A single grading's test times say little: on a shared machine two runs of the same file differ by
more than most solutions do. So `kata leaderboard --speed` measures again, in the manner of the
GPU-kernel leaderboards:

- **Only katas both passed.** A kata counts for a learner only if their graded result passed
  every test (none withheld, not zeroed) and the reference passed it too; a timing run that
  fails, crashes or no longer reads the graded file voids that kata. A missing or failing kata
  is never faster than real work: it is simply not in the figure.
- **Warmed up, interleaved, repeated.** The learner's file and the reference are graded
  alternately (reference first on even rounds, learner first on odd ones) for ``rounds`` rounds
  after ``warmup`` rounds that are thrown away; each round gives one paired ratio.
- **Reported only when it is clear.** The figure is the geometric mean of the per-kata ratios
  (learner time / reference time: below 1 is faster). Its standard error (of the log) is
  computed from the rounds; above :data:`NOISE_BOUND` the value is shown as "≈".
- **One measurement per distinct file.** Learners whose file for a kata is byte-identical share
  one measurement of it, so identical solutions always get identical figures.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from torchkata.batch import LearnerResult
from torchkata.catalogue import Course, Kata, KataError

NOISE_BOUND = 0.05          # standard error of log(ratio): about ±5 %
WARMUP = 1
ROUNDS = 5


@dataclass(frozen=True)
class Speed:
    ratio: float | None       # learner time / reference time, geometric mean over ``katas``
    stderr: float | None      # standard error of log(ratio)
    katas: int                # how many katas it covers

    @property
    def reported(self) -> bool:
        return self.ratio is not None and self.stderr is not None and self.stderr <= NOISE_BOUND

    @property
    def shown(self) -> str:
        if self.ratio is None:
            return ""
        return f"{self.ratio:.2f}x" if self.reported else "≈"


@dataclass(frozen=True)
class Sample:
    mean: float               # mean of log(learner / reference) over the rounds
    stderr: float


def eligible(learner: LearnerResult, reference: LearnerResult | None) -> dict[str, str]:
    """kata -> the sha256 of the learner's graded file, for the katas both the learner and the reference passed."""
    if learner.integrity.get("score_zeroed"):
        return {}
    passed_by_reference = None if reference is None else {r.kata for r in reference.results if _passed(r)}
    return {r.kata: r.submission.get("sha256", "") for r in learner.results
            if _passed(r) and r.submission.get("sha256") and
            (passed_by_reference is None or r.kata in passed_by_reference)}


def _passed(result) -> bool:
    totals = result.totals
    return not result.errors and totals.all_passed and totals.max_points > 0 and \
        all(t.status in ("passed", "skipped") for t in result.tests) and any(t.status == "passed" for t in result.tests)


def measure(course: Course, learners: list[LearnerResult], reference: LearnerResult | None,
            rounds: int = ROUNDS, warmup: int = WARMUP) -> dict[str, Speed]:
    """Each learner's speed against the reference (learner id -> Speed)."""
    if any(kata.reference is None for kata in course.katas):
        raise KataError(f"{course.root}: --speed needs the course with its reference solutions (not a released "
                        "template)")
    wanted = {learner.learner: eligible(learner, reference) for learner in learners}
    files: dict[tuple[str, str], Path] = {}          # one file per distinct (kata, sha256)
    for learner in learners:
        for slug, sha in wanted[learner.learner].items():
            kata = _kata(course, slug)
            if kata is not None:
                files.setdefault((slug, sha), Path(learner.source) / "submissions" / kata.submission_file)
    samples = _time_all(course, files, learners, rounds, warmup) if files else {}
    speeds = {}
    for learner in learners:
        measured = [samples[(slug, sha)] for slug, sha in wanted[learner.learner].items()
                    if samples.get((slug, sha)) is not None]
        if not measured:
            speeds[learner.learner] = Speed(None, None, 0)
            continue
        mean = sum(s.mean for s in measured) / len(measured)
        stderr = math.sqrt(sum(s.stderr ** 2 for s in measured)) / len(measured)
        speeds[learner.learner] = Speed(round(math.exp(mean), 6), round(stderr, 6), len(measured))
    return speeds


def _kata(course: Course, slug: str) -> Kata | None:
    try:
        return course.get(slug)
    except KataError:
        return None


def _time_all(course: Course, files: dict[tuple[str, str], Path], learners: list[LearnerResult], rounds: int,
              warmup: int) -> dict[tuple[str, str], Sample | None]:
    from torchkata.engine import Options, open_grader
    from torchkata.launcher import Worker

    options = Options(diagnose=False, **_grading_options(learners))
    katas = [course.get(slug) for slug in sorted({slug for slug, _ in files})]
    preload = tuple(sorted({name for kata in katas for name in kata.preload}))

    def run(grader) -> dict:
        return {(slug, sha): _time_one(grader, course.get(slug), path, sha, options, rounds, warmup)
                for (slug, sha), path in sorted(files.items())}

    with Worker(preload=preload) as worker:
        return open_grader(course, katas, worker, run, device=options.device)


def _grading_options(learners: list[LearnerResult]) -> dict:
    """Time as the class was graded (the first learner's options: a class is graded with one set)."""
    recorded = learners[0].options if learners else {}
    return {"device": recorded.get("device", "cpu"), "public_only": bool(recorded.get("public_only", False))}


def _time_one(grader, kata: Kata, path: Path, sha: str, options, rounds: int, warmup: int) -> Sample | None:
    """Paired, interleaved rounds of the learner's file and the reference; None if any run did not pass."""
    logs = []
    for number in range(warmup + rounds):
        order = ("reference", "learner") if number % 2 == 0 else ("learner", "reference")
        seconds = {}
        for which in order:
            if which == "reference":
                outcome = grader.grade([(kata, kata.reference)], options)[0]
            else:
                outcome = grader.grade([(kata, path)], options, base=path.parent.parent)[0]
                if not isinstance(outcome, KataError) and outcome.submission.get("sha256") != sha:
                    return None          # the file changed since it was graded
            if isinstance(outcome, KataError) or not _passed(outcome):
                return None
            seconds[which] = sum(t.duration for t in outcome.tests if t.counted)
        if min(seconds.values()) <= 0:
            return None
        if number >= warmup:
            logs.append(math.log(seconds["learner"] / seconds["reference"]))
    if len(logs) < 2:
        return Sample(logs[0], math.inf) if logs else None
    return Sample(statistics.fmean(logs), statistics.stdev(logs) / math.sqrt(len(logs)))
