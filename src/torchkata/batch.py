"""Grading a class: many learners, in parallel, resumable, sharded.

Each learner is a folder holding ``submissions/`` (a clone of their repository, which is
hostile input: files are read with :mod:`torchkata.learner_files`). Grading runs in
``jobs`` processes that share one warm worker; each collects the specs once and then
grades learner after learner, every learner's code in its own confined children, exactly
as ``kata check`` does, and writes one JSON file per learner atomically; a re-run skips
learners already written with the same options, unless ``force``.

Output folder::

    OUT/learners/<id>.json   one per learner (schema torchkata.learner)
    OUT/reference.json       the reference solutions graded in the same run (for relative time)
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from torchkata.catalogue import Course, Kata, KataError
from torchkata.results import KataResult, write_atomically

SHARE_FROM = 4      # learners per grading process from which learning the katas together pays off
LEARNER_SCHEMA = "torchkata.learner"
LEARNER_VERSION = 2
REFERENCE_ID = "reference"
_SAFE_ID = re.compile(r"[^\w.-]+")      # \w is Unicode: letters and digits of every script
MAX_ID_CHARS = 80
MAX_LIST_BYTES = 10 * 1024 * 1024


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
    options: dict = field(default_factory=dict)        # {"device", "public_only", "katas"}: how they were graded
    integrity: dict = field(default_factory=lambda: {"status": "unknown", "modified": [], "score_zeroed": False})

    @property
    def points(self) -> float:
        if self.integrity.get("score_zeroed"):
            return 0.0
        return round(sum(r.totals.points for r in self.results), 6)

    @property
    def max_points(self) -> float:
        return round(sum(r.totals.max_points for r in self.results), 6)

    @property
    def duration(self) -> float:
        """Seconds spent in spec tests, summed over katas (the basis of relative time)."""
        return round(sum(t.duration for r in self.results for t in r.tests), 6)

    @property
    def complete(self) -> bool:
        """Every device asked for ran: otherwise a later run (on a machine with CUDA) grades again."""
        return not any(r.devices_not_run for r in self.results)

    def to_dict(self) -> dict:
        return {"schema": LEARNER_SCHEMA, "version": LEARNER_VERSION, "learner": self.learner, "source": self.source,
                "graded_at": self.graded_at, "options": self.options, "integrity": self.integrity,
                "points": self.points, "max_points": self.max_points, "results": [r.to_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, data: Any) -> "LearnerResult":
        from torchkata.result_files import check_learner_document
        check_learner_document(data)
        return cls(data["learner"], data["source"], data["graded_at"],
                   [KataResult.from_dict(r) for r in data["results"]], options=data["options"],
                   integrity=data["integrity"])


def load_learner_file(path: Path) -> LearnerResult:
    from torchkata.result_files import read_result_document
    try:
        data = read_result_document(path)        # size-capped, depth-checked, every string cleaned
    except (OSError, UnicodeDecodeError) as exc:
        raise KataError(f"{path}: cannot be read ({exc})") from None
    except ValueError as exc:
        raise KataError(f"{path}: {exc}") from None
    try:
        return LearnerResult.from_dict(data)
    except ValueError as exc:
        raise KataError(f"{path}: not a learner result file: {exc}") from None


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

@dataclass(frozen=True)
class LearnerNote:
    """Something `kata grade` tells the instructor about the class list: an id made unique, a line skipped."""
    origin: str          # the argument, or the list file and line, it is about
    text: str
    skipped: bool = False    # True: that entry is not graded (the run then ends with exit code 1)


def learner_id(name: str) -> str:
    """A learner's id from their folder's name: letters of any script kept (김민준 stays 김민준, composed
    as NFC, the form macOS file names are not in), anything else a file name must not hold becomes '_'."""
    ident = _SAFE_ID.sub("_", unicodedata.normalize("NFC", name)).lstrip(".")
    return ident[:MAX_ID_CHARS] or "learner"


def collect_learners(arguments: Iterable[Path], notes: list[LearnerNote] | None = None) -> list[Learner]:
    """Folders, or files listing folders one per line (relative to the file; # starts a comment).

    One learner never stops the class: a listed folder that is missing is skipped, and learners whose
    ids would collide (also when they differ only in case, as on macOS) get a short hash of their
    path; each is told in ``notes``."""
    notes = [] if notes is None else notes
    paths: list[tuple[Path, str]] = []
    for argument in arguments:
        if argument.is_dir():
            paths.append((argument.resolve(), str(argument)))
        elif argument.is_file():
            paths += _listed(argument, notes)
        else:
            raise KataError(f"{argument}: no such learner folder or list file")
    unique: dict[Path, str] = {}
    for path, origin in paths:
        unique.setdefault(path, origin)         # the same folder twice is one learner
    groups: dict[str, list[Path]] = {}
    for path in unique:
        groups.setdefault(learner_id(path.name).casefold(), []).append(path)
    learners = []
    for key, members in groups.items():
        clash = len(members) > 1 or key == REFERENCE_ID
        for path in members:
            ident = learner_id(path.name)
            if clash:
                ident = f"{ident[:MAX_ID_CHARS - 9]}-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"
                why = (f"learner id {REFERENCE_ID!r} is kept for the reference solutions" if len(members) == 1
                       else f"learner id {learner_id(path.name)!r} is also the id of "
                            + ", ".join(unique[other] for other in members if other != path))
                notes.append(LearnerNote(unique[path], f"{why}: graded as {ident!r}"))
            learners.append(Learner(ident, path))
    return sorted(learners, key=lambda learner: learner.id)


def _listed(listing: Path, notes: list[LearnerNote]) -> list[tuple[Path, str]]:
    if listing.stat().st_size > MAX_LIST_BYTES:
        raise KataError(f"{listing}: a class list larger than {MAX_LIST_BYTES:,} bytes; is this the right file?")
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise KataError(f"{listing}: not a text file (expected one learner folder per line)") from None
    out = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        path = (listing.parent / line).resolve()
        if not path.is_dir():
            notes.append(LearnerNote(f"{listing}:{number}", f"{line!r} is not a folder: skipped", skipped=True))
            continue
        out.append((path, f"{listing}:{number}"))
    return out


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise KataError(f"--shard {text!r}: expected I/N with 1 <= I <= N, e.g. 2/4")
    return int(match[1]), int(match[2])


def shard(learners: list[Learner], index: int, count: int) -> list[Learner]:
    """The deterministic slice I of N: every N-th learner in id order, starting at I."""
    return [learner for position, learner in enumerate(learners) if position % count == index - 1]


# --- grading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What a `kata grade` run grades, and how."""
    slugs: tuple[str, ...]
    device: str = "cpu"
    public_only: bool = False
    lang: str = "en"
    share: str | None = None      # a folder where grading processes share what they learnt of each kata

    @property
    def recorded(self) -> dict:
        return {"device": self.device, "public_only": self.public_only, "katas": list(self.slugs)}


def grade_learner(learner: Learner, katas: list[Kata], grader, plan: Plan) -> LearnerResult | str:
    """Every kata of one learner, in one grading. A kata that cannot be graded makes the whole
    learner ungradable (the reason is returned): a broken kata must not be saved as a score."""
    from torchkata.engine import Options

    options = Options(device=plan.device, lang=plan.lang, public_only=plan.public_only)
    if learner.id == REFERENCE_ID:
        outcomes = grader.grade([(kata, kata.reference) for kata in katas], options)
    else:
        outcomes = grader.grade([(kata, learner.path / "submissions" / kata.submission_file) for kata in katas],
                                options, base=learner.path)
    errors = [f"{kata.slug}: {outcome}" for kata, outcome in zip(katas, outcomes) if isinstance(outcome, KataError)]
    if errors:
        return "; ".join(errors)
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return LearnerResult(learner.id, str(learner.path), stamp, outcomes, options=plan.recorded)


def grading_body(course: Course, katas: list[Kata], plan: Plan, out: Path,
                 finish: Callable[[LearnerResult], LearnerResult]):
    """What each grading process runs (see :func:`torchkata.pool.run_pool`): it grades learner after
    learner, amends each result (``finish``: the integrity check) and writes it; only a short
    summary travels back to the main process."""
    from torchkata.engine import open_grader

    def body(worker, take, give, place: tuple[int, int]) -> None:
        def serve(grader) -> None:
            if plan.share:
                _learn_together(grader, katas, Path(plan.share), *place)
            while (learner := take()) is not None:
                try:
                    outcome = grade_learner(learner, katas, grader, plan)
                    if isinstance(outcome, LearnerResult):
                        if learner.id != REFERENCE_ID:
                            outcome = finish(outcome)
                        _write(out, learner, outcome.to_dict())
                        outcome = {"points": outcome.points, "max_points": outcome.max_points}
                except Exception as exc:  # noqa: BLE001 — one learner's problem must not stop the class
                    outcome = f"{type(exc).__name__}: {exc}"
                give(learner, outcome)
        try:
            open_grader(course, katas, worker, serve, device=plan.device)
        except KataError as exc:           # the specs could not even be collected: no learner can be graded
            while (learner := take()) is not None:
                give(learner, str(exc))
    return body


def _learn_together(grader, katas: list[Kata], folder: Path, number: int, count: int) -> None:
    """Before a large class: each grading process learns a share of the katas (every spec test's calls,
    the reference's and the mutants' answers, which diagnosis needs) and takes in the others' shares,
    instead of every process doing all of it. A share that does not come in time is learnt later, here."""
    mine = [kata for position, kata in enumerate(katas) if position % count == number % count]
    for kata in mine:
        grader.share(kata, folder / f"{kata.slug}.json")
    deadline = time.monotonic() + 600
    waiting = [kata for kata in katas if kata not in mine]
    while waiting and time.monotonic() < deadline:
        for kata in list(waiting):
            path = folder / f"{kata.slug}.json"
            if path.exists():
                grader.adopt(kata, path)
                waiting.remove(kata)
        if waiting:
            time.sleep(0.05)


@dataclass
class Summary:
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)      # id -> why


def already_done(path: Path, plan: Plan) -> bool:
    """A learner file written with the same options, with every device asked for having run."""
    if not path.exists():
        return False
    try:
        result = load_learner_file(path)
    except KataError:
        return False
    return result.options == plan.recorded and result.complete


def grade_class(course: Course, learners: list[Learner], out: Path, plan: Plan, jobs: int = 1, force: bool = False,
                finish: Callable[[LearnerResult], LearnerResult] = lambda result: result,
                on_done: Callable[[str], None] = lambda _id: None, min_isolation: str = "none") -> Summary:
    """Grade every learner not yet written to ``out`` (all with ``force``). ``finish`` may amend a
    learner's result (the integrity check) before it is written. Raises launcher.IsolationTooWeak,
    before grading anyone, where the confinement the probes show is below ``min_isolation``."""
    from torchkata.launcher import Worker
    from torchkata.pool import ItemFailed, run_pool

    summary = Summary()
    for stale in [*(out / "learners").glob(".*.tmp"), *out.glob(".reference.json.*.tmp")]:
        stale.unlink(missing_ok=True)     # a write cut short by a kill: never a result
    todo = []
    for learner in learners:
        if not force and already_done(out / "learners" / f"{learner.id}.json", plan):
            summary.skipped.append(learner.id)
            on_done(learner.id)
        else:
            todo.append(learner)
    if not course.released and (force or not already_done(out / "reference.json", plan)):
        todo.insert(0, Learner(REFERENCE_ID, course.root))      # a released course has no reference
    katas = [course.get(slug) for slug in plan.slugs]

    def collect(learner: Learner, outcome) -> None:
        if isinstance(outcome, (str, ItemFailed)):
            summary.failed[learner.id] = str(outcome)
        elif learner.id != REFERENCE_ID:
            summary.graded.append(learner.id)
        if learner.id != REFERENCE_ID:
            on_done(learner.id)

    if todo:
        preload = tuple(sorted({name for kata in katas for name in kata.preload}))
        with Worker(preload=preload, min_isolation=min_isolation) as worker, \
                tempfile.TemporaryDirectory(prefix="torchkata-share-") as shared:
            if min_isolation != "none":
                worker.require_isolation()
            if jobs > 1 and len(todo) >= SHARE_FROM * jobs and plan.device == "cpu":
                plan = dataclasses.replace(plan, share=shared)
            run_pool(todo, lambda learner: learner.id, jobs, worker, grading_body(course, katas, plan, out, finish),
                     collect)
    return summary


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
        load_learner_file(reference)
        write_atomically(out / "reference.json", reference.read_text(encoding="utf-8"))
    return len(seen)


def _comparable(data: dict) -> list:
    return [(r["kata"], [(t["name"], t["status"], t["points"]) for t in r["tests"]]) for r in data["results"]]
