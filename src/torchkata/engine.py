"""Grading submissions: the trusted orchestration.

:func:`open_grader` starts one pytest session that collects the specs of some katas
once, and hands a :class:`Grader` to a function of the caller's, which may grade as many
submissions as it likes: one (`kata check`), one after every save (`kata watch`), or a
whole class (`kata grade`). Learner code only ever runs in confined children of the
worker; every result is a :class:`torchkata.results.KataResult`.
"""
from __future__ import annotations

import contextlib
import datetime
import gc
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import pytest

from torchkata import __version__, isolation, protocol
from torchkata.catalogue import Course, Kata, KataError, builtin_course_root
from torchkata.diagnosis import diagnose
from torchkata.i18n import t
from torchkata.implementations import Job, LearnerRunner, RecordedRunner, TrustedRunner, load_recordings
from torchkata.launcher import Limits, Worker
from torchkata.learner_files import Submission, SubmissionProblem, read_submission
from torchkata.plugin import KataPlan, KataRun, SpecPlugin, devices_for
from torchkata.results import KataResult, TestResult, write_atomically

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """How to grade. ``device``: "cpu", "cuda" or "all" (each kata's own devices)."""
    device: str = "cpu"
    lang: str = "en"
    public_only: bool = False
    diagnose: bool = True            # name mistakes by matching mutants
    measure_coverage: bool = False   # for `kata validate`: which lines of the submission ran


def isolation_level(reports: list[dict]) -> dict:
    """The confinement a result ran under: the weakest of its children's reports, each computed from
    probes of what was really in force (torchkata.isolation), never from what was attempted."""
    return isolation.combine(reports)


def open_grader(course: Course, katas: list[Kata], worker: Worker, use: Callable[["Grader"], T],
                device: str = "cpu") -> T:
    """Collect the specs of ``katas`` once and call ``use(grader)`` inside that pytest session."""
    def drive(plugin: SpecPlugin) -> T:
        grader = Grader(course, plugin, worker)
        # torch, pytest and the collected specs live as long as the session: kept out of the collector's
        # passes, which otherwise walk them again and again (a grading process of a class spent 0.75 s
        # in gc before, 0.2-0.3 s after).
        gc.freeze()
        try:
            return use(grader)
        finally:
            gc.unfreeze()
            grader.close()

    plugin = SpecPlugin(katas, device, drive)
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)     # spec arithmetic is small; a thread pool here only competes with the children
    try:
        with _without_pytest_environment():
            code = pytest.main(pytest_arguments(katas), plugins=[plugin])
    finally:
        torch.set_num_threads(threads)
        for name in plugin.spec_modules:
            sys.modules.pop(name, None)
    if plugin.error is not None:
        raise plugin.error
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise KataError(f"pytest could not run the specs of {', '.join(k.slug for k in katas)} (exit code {int(code)})")
    return plugin.value


# Plugins the specs do not need cost time (unraisableexception alone runs gc.collect() per test);
# the terminal reporter is off: results reach the learner through torchkata's own views.
_UNNEEDED_PLUGINS = ("cacheprovider", "randomly", "unraisableexception", "threadexception", "logging", "doctest",
                     "junitxml", "pastebin", "stepwise", "faulthandler", "legacypath", "nose", "capture", "terminal")


def pytest_arguments(katas: list[Kata]) -> list[str]:
    """pytest's command line: it reads nothing but what the engine names.

    pytest would otherwise read, from around the specs and from its environment: ini files
    (pytest.ini, tox.ini, setup.cfg, pyproject.toml) in the folders above, every conftest.py
    from the filesystem root down, plugins from entry points, PYTEST_PLUGINS and
    PYTEST_ADDOPTS, packages' __init__.py. Here ``-c /dev/null`` is the only ini file,
    ``--noconftest`` imports no conftest (the plugin imports each kata's specs/conftest.py
    itself), ``--confcutdir`` stops at the course's katas/ should anything still look,
    ``--disable-plugin-autoload`` loads no entry point, and :func:`open_grader` runs pytest
    with no PYTEST_* variable set. The kata folders, not their specs/, are the arguments."""
    folders = [os.path.realpath(kata.folder) for kata in katas]
    root = os.path.dirname(os.path.commonpath(folders)) if len(folders) > 1 else folders[0]
    timeout = max((kata.timeout for kata in katas), default=10) * 3 + 30
    return [*(str(kata.folder) for kata in katas), "--disable-plugin-autoload", "--noconftest",
            "--confcutdir", os.path.dirname(folders[0]) if folders else os.devnull,
            "-p", "pytest_timeout", "-o", "python_files=test_*.py",
            *(arg for name in _UNNEEDED_PLUGINS for arg in ("-p", f"no:{name}")), "--import-mode=importlib",
            "--continue-on-collection-errors", "-c", os.devnull, "--rootdir", root,
            "-o", f"timeout={timeout:g}", "-o", "timeout_method=signal",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]


@contextlib.contextmanager
def _without_pytest_environment():
    """No PYTEST_* variable (PYTEST_ADDOPTS, PYTEST_PLUGINS, PYTEST_TIMEOUT, PYTEST_DEBUG...) reaches pytest."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("PYTEST_")}
    try:
        yield
    finally:
        for name in [name for name in os.environ if name.startswith("PYTEST_")]:
            del os.environ[name]
        os.environ.update(saved)


def check(course: Course, kata: Kata, submission: Path, worker: Worker, options: Options = Options()) -> KataResult:
    """Grade one file once (a whole pytest session for it). Raises KataError for a broken kata."""
    outcome = open_grader(course, [kata], worker, lambda grader: grader.grade([(kata, submission)], options)[0],
                          device=options.device)
    if isinstance(outcome, KataError):
        raise outcome
    return outcome


class Grader:
    """Grades submissions against specs collected once (see :func:`open_grader`)."""

    def __init__(self, course: Course, plugin: SpecPlugin, worker: Worker):
        self.course, self.plugin, self.worker = course, plugin, worker
        self._references: dict[str, TrustedRunner | RecordedRunner] = {}
        self._mutants: dict[str, list] = {}
        self._hidden_recorded: dict[str, dict] = {}
        self._sequences: dict[str, dict] = {}    # kata -> spec test -> the calls it makes of a correct solution
        # Learner code may read neither this course's katas and references nor the built-in one's (which ship in
        # the package, or are a checkout's top level, beside its history). Not the whole folder: a checkout's
        # virtualenv may live inside it.
        self._hidden_folders = tuple(sorted({str(root / part) for root in (course.root, builtin_course_root())
                                             for part in ("katas", "reference", ".git")}))

    def grade(self, work: list[tuple[Kata, Path | Submission]], options: Options, base: Path | None = None,
              inspect: Callable[[KataRun], None] | None = None) -> list[KataResult | KataError]:
        """Grade each (kata, file) pair; a kata that cannot be graded gives its KataError.

        ``base``: the learner's folder; the files inside it are read as hostile input
        (no symbolic links on the way, regular files only, size limit). ``inspect`` sees each
        run once its tests are done (`kata release` reads the calls the specs made)."""
        started = time.monotonic()
        started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        cuda = _cuda_available(options.device)
        prepared: list[KataRun | KataResult | KataError] = []
        for kata, given in work:
            prepared.append(self._prepare(kata, given, options, base, cuda, started_at))
        runs = [p for p in prepared if isinstance(p, KataRun)]
        try:
            self.plugin.run(runs)
            for run in runs:
                run.learner.stop()
            for run in runs:
                if options.diagnose and run.mutants and any(r.status != "passed" for r in run.results.values()):
                    diagnose(run, lambda kata=run.kata: self._full_sequences(kata))
                if inspect is not None:
                    inspect(run)
            coverage = {id(run): _line_coverage(run) for run in runs} if options.measure_coverage else {}
        finally:
            for run in runs:
                run.learner.close()
                for runner in [run.reference, *(runner for _, runner in run.mutants)]:
                    runner.close()        # answers stay cached; idle children would only hold memory
        duration = round(time.monotonic() - started, 3) if len(work) == 1 else None
        return [self._result(p, options, started_at, duration, coverage.get(id(p))) if isinstance(p, KataRun)
                else p for p in prepared]

    # --- before the run -----------------------------------------------------------------

    def _prepare(self, kata: Kata, given: Path | Submission, options: Options, base: Path | None, cuda: bool,
                 started_at: str) -> KataRun | KataResult | KataError:
        plan = self.plugin.plans.get(kata.slug)
        if plan is None:
            return KataError(f"kata {kata.slug!r} was not collected in this session")
        problem = self._plan_problem(plan)
        if problem:
            return KataError(problem)
        try:
            submission = given if isinstance(given, Submission) else \
                read_submission(given, base=base, display=_inside(given, base))
        except SubmissionProblem as exc:
            return unreadable_result(kata, given if isinstance(given, Path) else given.path, str(exc), options,
                                     started_at, max_points=self._points_at_stake(plan, options),
                                     hidden_skipped=self._hidden_not_run(plan, options),
                                     hidden_run=not (options.public_only or self.course.released))
        syntax = syntax_problem(submission, options.lang)
        if syntax is not None:
            return self._not_run(kata, plan, submission, syntax, options, started_at)
        learner = LearnerRunner(self.worker, submission.data, self._job(kata, options.measure_coverage),
                                kata.fresh_process_per_test, len(plan.tests))
        return KataRun(plan, learner, self._reference(kata), self._mutant_runners(kata) if options.diagnose else [],
                       lang=options.lang, public_only=options.public_only, cuda_available=cuda,
                       submission=submission)

    def _points_at_stake(self, plan: KataPlan, options: Options) -> float:
        """What the kata is worth in this grading, as a started kata's tests would add up: without the
        hidden specs when they are not run (--public-only, or a released course, which holds none)."""
        first = devices_for(plan.kata, self.plugin.requested_device)[0]
        return float(sum(p.points for p in plan.tests if p.device in (None, first)
                         and not (options.public_only and p.visibility == "hidden")))

    def _plan_problem(self, plan: KataPlan) -> str:
        kata = plan.kata
        if plan.problems:
            return f"{kata.specs}: {'; '.join(plan.problems)}"
        if not plan.tests:
            return f"{kata.specs}: no spec tests were collected"
        first = devices_for(kata, self.plugin.requested_device)[0]
        points = sum(p.points for p in plan.tests if p.device in (None, first))
        if self.course.released:
            points += self._hidden(kata)["points"]
        if abs(points - kata.points) > 1e-9:
            return (f"{kata.folder / 'kata.toml'}: field 'points' is {kata.points}, but the spec tests carry "
                    f"{points:g} points")
        return ""

    def _job(self, kata: Kata, coverage: bool = False) -> Job:
        return Job(module=kata.module_name, file_name=kata.submission_file, timeout=kata.timeout,
                   limits=Limits(timeout=kata.timeout, memory_mb=kata.memory_mb),
                   harness=str(kata.harness) if kata.harness else None, preload=kata.preload,
                   forbidden=kata.forbidden, hide=self._hidden_folders, coverage=coverage)

    def _full_sequences(self, kata: Kata) -> dict:
        """Every spec test's calls when the solution is correct, already run through the reference and
        each mutant (one child each, all tests in a row): done once per kata, when a diagnosis first
        needs it. A learner's calls that are the beginning of these are then answered from the cache."""
        if kata.slug not in self._sequences:
            known: dict = {}
            self._sequences[kata.slug] = known
            if kata.reference is not None:
                reference = self._reference(kata)

                def collect(run: KataRun) -> None:
                    for nodeid, state in run.states.items():
                        if state.learner.calls:      # the reference ran as the learner: its answers, cached
                            known[nodeid] = state.learner.calls
                            reference.cache.update(zip(state.learner.keys, state.outcomes))
                self.grade([(kata, kata.reference)], Options(diagnose=False), inspect=collect)
                for _, runner in self._mutant_runners(kata):
                    for calls in known.values():
                        runner.outcomes(calls)
                    runner.close()
        return self._sequences[kata.slug]

    def share(self, kata: Kata, path: Path) -> None:
        """Write what this grader learnt of a kata (the spec tests' calls, the reference's and the mutants'
        answers) for other grading processes of the same class: see :meth:`adopt`. The file holds the
        protocol's plain data (JSON), which reads back several times faster than a weights_only load."""
        from torchkata.implementations import outcome_data, call_data
        sequences = self._full_sequences(kata)
        payload = {"sequences": {nodeid: [call_data(call) for call in calls] for nodeid, calls in sequences.items()},
                   "reference": {k: outcome_data(o) for k, o in self._reference(kata).cache.items()},
                   "mutants": {m.name: {k: outcome_data(o) for k, o in runner.cache.items()}
                               for m, runner in self._mutant_runners(kata)}}
        write_atomically(path, json.dumps(protocol.encode(payload), separators=(",", ":")))

    def adopt(self, kata: Kata, path: Path) -> bool:
        """Take in what another grading process shared of a kata; False if it cannot be read."""
        from torchkata.implementations import call_from_data, outcome_from_data
        try:
            payload = protocol.decode(json.loads(path.read_text(encoding="utf-8")))
            sequences = {nodeid: [call_from_data(c) for c in calls] for nodeid, calls in payload["sequences"].items()}
            reference = {k: outcome_from_data(o) for k, o in payload["reference"].items()}
            mutants = {name: {k: outcome_from_data(o) for k, o in cache.items()}
                       for name, cache in payload["mutants"].items()}
        except Exception:  # noqa: BLE001 — a file we cannot use only means doing the work here
            return False
        self._sequences.setdefault(kata.slug, sequences)
        self._reference(kata).cache.update(reference)
        for mutant, runner in self._mutant_runners(kata):
            runner.cache.update(mutants.get(mutant.name, {}))
        return True

    def reference_runner(self, kata: Kata):
        """The reference's runner (its cache holds every answer given so far)."""
        return self._reference(kata)

    def mutant_runners(self, kata: Kata) -> list:
        return self._mutant_runners(kata)

    def _reference(self, kata: Kata):
        if kata.slug not in self._references:
            if self.course.released:
                reference, mutants, hidden = self._recordings(kata)
                self._references[kata.slug] = RecordedRunner(reference)
            else:
                data = read_submission(kata.reference, display=str(kata.reference)).data
                self._references[kata.slug] = TrustedRunner(self.worker, data, self._job(kata),
                                                            kata.fresh_process_per_test)
        return self._references[kata.slug]

    def _mutant_runners(self, kata: Kata) -> list:
        if kata.slug not in self._mutants:
            if self.course.released:
                _, recorded, _ = self._recordings(kata)
                self._mutants[kata.slug] = [(mutant, RecordedRunner(recorded[mutant.name]))
                                            for mutant in kata.mutants if mutant.name in recorded]
            else:
                self._mutants[kata.slug] = [
                    (mutant, TrustedRunner(self.worker, mutant.file.read_bytes(), self._job(kata),
                                           kata.fresh_process_per_test))
                    for mutant in kata.mutants]
        return self._mutants[kata.slug]

    def _recordings(self, kata: Kata):
        try:
            return load_recordings(kata.recordings)
        except ValueError as exc:
            raise KataError(str(exc)) from None

    def _hidden(self, kata: Kata) -> dict:
        if kata.slug not in self._hidden_recorded:
            self._hidden_recorded[kata.slug] = self._recordings(kata)[2]
        return self._hidden_recorded[kata.slug]

    # --- after the run ------------------------------------------------------------------

    def _result(self, run: KataRun, options: Options, started_at: str, duration: float | None,
                coverage: dict | None) -> KataResult:
        kata = run.kata
        tests = run.collected_results()
        rule = source_rule(kata, run.submission.text, options.lang)
        if rule is not None:
            tests.append(rule)
        return KataResult(
            kata=kata.slug, title=kata.title.get(options.lang),
            submission={"path": run.display, "sha256": run.submission.sha256},
            devices=list(devices_for(kata, self.plugin.requested_device)),
            isolation=isolation_level(run.learner.reports), lang=options.lang, tests=tests,
            hidden_run=not (options.public_only or self.course.released),
            hidden_skipped=self._hidden_not_run(run.plan, options), started_at=started_at,
            duration=_kata_duration(tests, duration),
            grader_version=__version__, coverage=coverage,
            devices_not_run=_devices_not_run(kata, self.plugin.requested_device, run.cuda_available))

    def _hidden_not_run(self, plan: KataPlan, options: Options) -> dict:
        """Hidden tests (one device variant each) and points that were not run: left out by
        --public-only, or absent from a released course (their count was recorded at release)."""
        first = devices_for(plan.kata, self.plugin.requested_device)[0]
        hidden = [p for p in plan.tests if p.visibility == "hidden" and p.device in (None, first)]
        tests, points = (len(hidden), sum(p.points for p in hidden)) if options.public_only else (0, 0.0)
        if self.course.released:
            recorded = self._hidden(plan.kata)
            tests, points = tests + recorded["tests"], points + recorded["points"]
        return {"tests": tests, "points": float(points), "by_instructor": self.course.released}

    def _not_run(self, kata: Kata, plan: KataPlan, submission: Submission, message: str, options: Options,
                 started_at: str) -> KataResult:
        """A file that does not parse: every test fails with the syntax error; nothing is run."""
        tests = [TestResult(name=p.label(options.lang), visibility=p.visibility, status="error", points=0.0,
                            max_points=p.points, message=message, device=p.device, kind=p.kind, file=p.file,
                            line=p.line)
                 for p in plan.tests if not (options.public_only and p.visibility == "hidden")]
        if kata.forbidden:
            tests.append(TestResult(name=t("forbidden_rule", options.lang), visibility="public", status="skipped",
                                    points=0.0, max_points=0.0, message=t("rule_not_checked", options.lang),
                                    kind="rule"))
        return KataResult(kata=kata.slug, title=kata.title.get(options.lang),
                          submission={"path": submission.display, "sha256": submission.sha256},
                          devices=list(devices_for(kata, self.plugin.requested_device)),
                          isolation=isolation_level([]), lang=options.lang, tests=tests,
                          hidden_run=not (options.public_only or self.course.released),
                          hidden_skipped=self._hidden_not_run(plan, options), started_at=started_at,
                          grader_version=__version__)

    def close(self) -> None:
        for runner in [*self._references.values(), *(r for pairs in self._mutants.values() for _, r in pairs)]:
            runner.close()


def _inside(path: Path, base: Path | None) -> str | None:
    """A learner's file as they know it: relative to their repository (never the grader's folders)."""
    if base is None:
        return None
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def syntax_problem(submission: Submission, lang: str) -> str | None:
    """The learner's syntax error with their line and a caret, or None (compiled here, never run)."""
    try:
        compile(submission.text, submission.display, "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = (exc.text or "").rstrip("\n")
        caret = " " * max((exc.offset or 1) - 1 - (len(line) - len(line.lstrip())), 0) + "^"
        lines = [t("syntax_error", lang, file=submission.display, line=exc.lineno or 0, message=exc.msg)]
        if line.strip():
            lines += ["    " + line.strip(), "    " + caret]
        return "\n".join(lines)
    except (ValueError, MemoryError, RecursionError) as exc:
        return t("syntax_error", lang, file=submission.display, line=0, message=str(exc) or type(exc).__name__)
    return None


def unreadable_result(kata: Kata, path: Path, why: str, options: Options, started_at: str = "",
                      max_points: float | None = None, hidden_skipped: dict | None = None,
                      hidden_run: bool | None = None) -> KataResult:
    """A kata whose file could not be graded (missing, a symlink, too large...): 0 points, saying why.
    It is worth what a started kata is worth in the same grading (``max_points``; all of its points
    when not given), so starting a kata never changes a learner's maximum."""
    test = TestResult(name="submission", visibility="public", status="error", points=0.0,
                      max_points=float(kata.points) if max_points is None else max_points, message=why,
                      kind="missing", file=f"submissions/{kata.submission_file}", line=1)
    return KataResult(kata=kata.slug, title=kata.title.get(options.lang), submission={"path": str(path), "sha256": ""},
                      devices=[], isolation=isolation_level([]), lang=options.lang, tests=[test],
                      hidden_run=not options.public_only if hidden_run is None else hidden_run, errors=[why],
                      hidden_skipped=hidden_skipped or {"tests": 0, "points": 0.0}, started_at=started_at,
                      grader_version=__version__)


def source_rule(kata: Kata, source: str, lang: str) -> TestResult | None:
    """The source rule, decided here from the source alone (see :mod:`torchkata.rules.routes`): every use
    of a forbidden API, every route that could reach one (or the harness) without naming it, and, in a
    kata with a harness, every change to what the harness built, each with its line. A failure withholds
    the kata's score; the worker's run-time guard is only defence in depth. None for a kata with neither
    forbidden APIs nor a harness (which runs beside the learner's code: nothing in the file may reach or
    change it). The harness rule of a kata that forbids nothing is listed only when it fails (it is a guard,
    not something the prompt asks)."""
    from torchkata.rules import routes_of
    if not (kata.forbidden or kata.harness):
        return None
    findings = routes_of(source, tuple(kata.forbidden), bool(kata.harness))
    if not findings and not kata.forbidden:
        return None
    message = "\n".join([f.message(lang) for f in findings] + ([t("forbidden_withheld", lang)] if findings else []))
    name = t("forbidden_rule" if kata.forbidden else "harness_rule", lang)
    return TestResult(name=name, visibility="public", status="failed" if findings else "passed",
                      points=0.0, max_points=0.0, message=message, kind="rule")


def _kata_duration(tests: list[TestResult], wall: float | None) -> float:
    """The wall-clock time of a single grading, or the sum of its tests' times. Not the wall clock
    once a hidden test ran: how long it took is not shown (see KataRun.record), so neither is a total
    that holds it."""
    if wall is not None and not any(test.visibility == "hidden" for test in tests):
        return wall
    return round(sum(test.duration for test in tests), 3)


def _devices_not_run(kata: Kata, requested: str, cuda_available: bool) -> list[str]:
    wanted = devices_for(kata, requested)
    return ["cuda"] if "cuda" in wanted and (not cuda_available or "cuda" not in kata.devices) else []


def _cuda_available(device: str) -> bool:
    if device == "cpu":
        return False
    import torch
    return torch.cuda.is_available()


def _line_coverage(run: KataRun) -> dict:
    """Combine the per-process coverage files the test processes left in the sandbox."""
    import coverage

    sandbox = run.learner.sandbox
    cov = coverage.Coverage(data_file=os.path.join(sandbox.path, ".coverage"), config_file=False)
    try:
        cov.combine([sandbox.path], keep=False)
        _, statements, _, missing, _ = cov.analysis2(sandbox.file)
    except coverage.CoverageException:
        return {"percent": 0.0, "missing_lines": []}
    percent = 100.0 * (len(statements) - len(missing)) / len(statements) if statements else 100.0
    return {"percent": round(percent, 2), "missing_lines": list(missing)}
