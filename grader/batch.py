"""Grading a class: many learners, in parallel, resumable, sharded.

Each learner is a directory holding ``submissions/`` (a clone of their repository).
Grading runs in ``jobs`` trusted processes, each with its own worker, so learner
code still runs only in confined test processes, one per spec test, exactly as
``kata check`` does. The main process writes one JSON file per learner atomically;
a re-run skips learners already written unless ``force``.

Output folder::

    OUT/learners/<id>.json   one per learner (schema torchkata.learner)
    OUT/reference.json       the reference solutions graded in the same run (for relative time)
"""
from __future__ import annotations

import datetime
import json
import multiprocessing
import re
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from grader.catalogue import Kata, KataError, load_catalogue
from grader.results import KataResult, TestResult, write_atomically

LEARNER_SCHEMA = "torchkata.learner"
LEARNER_VERSION = 1
REFERENCE_ID = "reference"
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Learner:
    id: str
    path: Path


@dataclass
class LearnerResult:
    learner: str
    source: str
    graded_at: str
    results: list[KataResult]

    @property
    def points(self) -> float:
        return round(sum(r.totals.points for r in self.results), 6)

    @property
    def max_points(self) -> float:
        return round(sum(r.totals.max_points for r in self.results), 6)

    @property
    def duration(self) -> float:
        """Seconds spent in spec tests, summed over katas (the basis of relative time)."""
        return round(sum(t.duration for r in self.results for t in r.tests), 6)

    def to_dict(self) -> dict:
        return {"schema": LEARNER_SCHEMA, "version": LEARNER_VERSION, "learner": self.learner, "source": self.source,
                "graded_at": self.graded_at, "points": self.points, "max_points": self.max_points,
                "results": [r.to_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, data: dict) -> "LearnerResult":
        if data.get("schema") != LEARNER_SCHEMA or data.get("version") != LEARNER_VERSION:
            raise ValueError(f"not a {LEARNER_SCHEMA} version {LEARNER_VERSION} document")
        return cls(data["learner"], data["source"], data["graded_at"],
                   [KataResult.from_dict(r) for r in data["results"]])


def load_learner_file(path: Path) -> LearnerResult:
    try:
        return LearnerResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KataError(f"{path}: not a learner result file ({exc})") from None


def load_results(folder: Path) -> list[LearnerResult]:
    """Every learner result in a `kata grade` output folder (or a single learner file)."""
    if folder.is_file():
        return [load_learner_file(folder)]
    files = sorted((folder / "learners").glob("*.json"))
    if not files:
        raise KataError(f"{folder}: no learner results (expected {folder / 'learners'}/*.json from `kata grade`)")
    return [load_learner_file(f) for f in files]


def load_reference(folder: Path) -> LearnerResult | None:
    path = folder / "reference.json"
    return load_learner_file(path) if folder.is_dir() and path.exists() else None


# --- choosing learners ----------------------------------------------------------------

def collect_learners(arguments: Iterable[Path]) -> list[Learner]:
    """Directories, or files listing directories one per line (relative to the file)."""
    paths: list[tuple[Path, str]] = []
    for argument in arguments:
        if argument.is_dir():
            paths.append((argument.resolve(), str(argument)))
        elif argument.is_file():
            for number, line in enumerate(argument.read_text(encoding="utf-8").splitlines(), start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                path = (argument.parent / line).resolve()
                if not path.is_dir():
                    raise KataError(f"{argument}:{number}: {line!r} is not a directory")
                paths.append((path, f"{argument}:{number}"))
        else:
            raise KataError(f"{argument}: no such learner directory or list file")
    learners: dict[str, tuple[Learner, str]] = {}
    for path, origin in paths:
        learner_id = _SAFE_ID.sub("_", path.name) or "learner"
        if learner_id == REFERENCE_ID:
            raise KataError(f"{origin}: a learner may not be called {REFERENCE_ID!r}")
        if learner_id in learners and learners[learner_id][0].path != path:
            raise KataError(f"{origin}: learner id {learner_id!r} is also used by {learners[learner_id][1]}")
        learners[learner_id] = (Learner(learner_id, path), origin)
    return sorted((learner for learner, _ in learners.values()), key=lambda learner: learner.id)


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise KataError(f"--shard {text!r}: expected I/N with 1 <= I <= N, e.g. 2/4")
    return int(match[1]), int(match[2])


def shard(learners: list[Learner], index: int, count: int) -> list[Learner]:
    """The deterministic slice I of N: every N-th learner in id order, starting at I."""
    return [learner for position, learner in enumerate(learners) if position % count == index - 1]


# --- grading ----------------------------------------------------------------------------

@dataclass
class Options:
    root: str
    slugs: list[str]
    devices: tuple[str, ...] = ("cpu",)
    public_only: bool = False
    lang: str = "en"


_state: dict = {}


def _start_grader(options: Options, worker, indexes) -> None:
    """Runs once in each grading process (forked from `kata grade`): its share of the worker."""
    worker.use_client(indexes.get())
    _state["worker"] = worker
    _state["katas"] = [load_catalogue(Path(options.root)).get(slug) for slug in options.slugs]
    _state["options"] = options


def _grade_in_process(learner: Learner) -> dict:
    return grade_learner(learner, _state["katas"], _state["worker"], _state["options"]).to_dict()


def grade_learner(learner: Learner, katas: list[Kata], worker, options: Options) -> LearnerResult:
    """Every kata of one learner, in one pytest session (a kata that cannot be graded gets 0)."""
    from grader import engine

    results: dict[str, KataResult] = {}
    present = []
    for kata in katas:
        path = kata.reference if learner.id == REFERENCE_ID else learner.path / "submissions" / kata.submission_file
        if path.is_file():
            present.append((kata, path))
        else:
            results[kata.slug] = missing_result(kata, path, options)
    try:
        outcomes = engine.check_many(present, worker, devices=options.devices, lang=options.lang,
                                     public_only=options.public_only)
    except Exception as exc:  # noqa: BLE001 — one learner's problem must not stop the class
        outcomes = [KataError(f"could not be graded: {exc}")] * len(present)
    for (kata, path), outcome in zip(present, outcomes):
        results[kata.slug] = outcome if isinstance(outcome, KataResult) else \
            missing_result(kata, path, options, f"could not be graded: {outcome}")
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return LearnerResult(learner.id, str(learner.path), stamp, [results[kata.slug] for kata in katas])


def missing_result(kata: Kata, path: Path, options: Options, why: str | None = None) -> KataResult:
    message = why or f"no submission file: submissions/{kata.submission_file}"
    test = TestResult(name="submission", visibility="public", status="error", points=0.0,
                      max_points=float(kata.points), message=message, kind="missing")
    return KataResult(kata=kata.slug, title=kata.title.get(options.lang), submission={"path": str(path), "sha256": ""},
                      devices=list(options.devices), isolation={"level": "none", "mechanisms": []}, lang=options.lang,
                      tests=[test], hidden_run=not options.public_only, errors=[message])


@dataclass
class Summary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def grade_class(learners: list[Learner], out: Path, options: Options, jobs: int = 1, force: bool = False,
                on_done: Callable[[str], None] = lambda _id: None) -> Summary:
    """Grade every learner not yet written to ``out`` (all with ``force``)."""
    summary = Summary()
    pending = []
    for learner in learners:
        if not force and (out / "learners" / f"{learner.id}.json").exists():
            summary.skipped.append(learner.id)
            on_done(learner.id)
        else:
            pending.append(learner)
    if not force and (out / "reference.json").exists():
        todo = pending
    else:
        todo = [Learner(REFERENCE_ID, Path(options.root))] + pending
    if todo:
        _run_pool(todo, out, options, jobs, summary, on_done)
    return summary


def _run_pool(todo: list[Learner], out: Path, options: Options, jobs: int, summary: Summary,
              on_done: Callable[[str], None]) -> None:
    from grader.launcher import Worker

    katas = load_catalogue(Path(options.root))
    preload = tuple(sorted({name for slug in options.slugs for name in katas.get(slug).preload}))
    attempts: dict[str, int] = {}
    queue = list(todo)
    while queue:
        jobs_now = max(1, min(jobs, len(queue)))
        # This process never imports torch, so forking it is safe and quick; the grading processes
        # share one warm worker, each over its own connection.
        context = multiprocessing.get_context("fork")
        indexes = context.Queue()
        for index in range(jobs_now):
            indexes.put(index)
        with Worker(preload=preload, clients=jobs_now) as worker, \
                ProcessPoolExecutor(max_workers=jobs_now, mp_context=context, initializer=_start_grader,
                                    initargs=(options, worker, indexes)) as pool:
            futures: dict[Future, Learner] = {pool.submit(_grade_in_process, learner): learner for learner in queue}
            queue = []
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    learner = futures.pop(future)
                    try:
                        data = future.result()
                    except BrokenProcessPool:
                        attempts[learner.id] = attempts.get(learner.id, 0) + 1
                        if attempts[learner.id] < 2:
                            queue.append(learner)
                            continue
                        summary.failed.append(learner.id)
                    except Exception:  # noqa: BLE001
                        summary.failed.append(learner.id)
                    else:
                        _write(out, learner, data)
                        if learner.id != REFERENCE_ID:
                            summary.graded.append(learner.id)
                    if learner.id != REFERENCE_ID:
                        on_done(learner.id)


def _write(out: Path, learner: Learner, data: dict) -> None:
    path = out / "reference.json" if learner.id == REFERENCE_ID else out / "learners" / f"{learner.id}.json"
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- merging shards -----------------------------------------------------------------------

def merge(folders: list[Path], out: Path) -> int:
    """Combine shard outputs into ``out``; a learner graded differently in two shards is an error."""
    seen: dict[str, tuple[Path, dict]] = {}
    reference: Path | None = None
    for folder in folders:
        for path in sorted((folder / "learners").glob("*.json")):
            data = load_learner_file(path).to_dict()
            key = path.stem
            if key in seen and _comparable(seen[key][1]) != _comparable(data):
                raise KataError(f"{path}: learner {key!r} was also graded, differently, in {seen[key][0]}")
            seen.setdefault(key, (path, data))
        if reference is None and (folder / "reference.json").exists():
            reference = folder / "reference.json"
    if not seen:
        raise KataError(f"no learner results in {', '.join(map(str, folders))}")
    for key, (path, data) in seen.items():
        write_atomically(out / "learners" / f"{key}.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if reference is not None:
        write_atomically(out / "reference.json", reference.read_text(encoding="utf-8"))
    return len(seen)


def _comparable(data: dict) -> list:
    return [(r["kata"], [(t["name"], t["status"], t["points"]) for t in r["tests"]]) for r in data["results"]]
