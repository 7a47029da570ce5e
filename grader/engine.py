"""Grading one submission of one kata: the trusted orchestration.

``check()`` runs the kata's specs with pytest in this process, with learner code
confined to children of a :class:`grader.launcher.Worker`, and returns the
:class:`grader.results.KataResult` that every view renders.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.util
import io
import os
import sys
import time
from pathlib import Path

import pytest

from grader import __version__, launcher
from grader.catalogue import Kata, KataError
from grader.forbidden import find_forbidden
from grader.i18n import t
from grader.plugin import KataPlugin, KataRun, RunContext
from grader.results import KataResult, TestResult

_reference_cache: dict[Path, object] = {}


def isolation_level(mechanisms: set[str] | list[str]) -> dict:
    """Name the confinement that was in force, from the mechanisms the worker reported."""
    found = sorted(set(mechanisms))
    fs = any(m.startswith("landlock-fs") for m in found)
    net = "netns" in found or "landlock-net" in found
    level = "strong" if fs and net else "partial" if fs or net else "basic"
    return {"level": level, "mechanisms": found}


def check(kata: Kata, submission: Path, worker: launcher.Worker, *, devices: tuple[str, ...] = ("cpu",),
          lang: str = "en", public_only: bool = False, measure_coverage: bool = False) -> KataResult:
    """Grade ``submission`` against ``kata``. Raises KataError for a broken kata.

    With ``measure_coverage`` each test process records which lines of the submission ran
    (for `kata validate`); the result's ``coverage`` field then holds the line rate.
    """
    outcome = check_many([(kata, submission)], worker, devices=devices, lang=lang, public_only=public_only,
                         measure_coverage=measure_coverage)[0]
    if isinstance(outcome, KataError):
        raise outcome
    return outcome


def check_many(work: list[tuple[Kata, Path]], worker: launcher.Worker, *, devices: tuple[str, ...] = ("cpu",),
               lang: str = "en", public_only: bool = False,
               measure_coverage: bool = False) -> list[KataResult | KataError]:
    """Grade several (kata, submission) pairs in one pytest session (how `kata grade` does a learner).

    Returns, in order, a KataResult for each pair, or the KataError that made it ungradable.
    """
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    prepared: list[_Prepared | KataError] = []
    for kata, submission in work:
        try:
            prepared.append(_prepare(kata, submission, worker, devices, lang, public_only, measure_coverage))
        except KataError as exc:
            prepared.append(exc)
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    try:
        exit_code = _run_pytest([p.kata for p in ready], KataPlugin([p.run for p in ready])) if ready else 0
        for p in ready:
            p.coverage = _line_coverage(p.run.context.sandbox) if measure_coverage else None
    finally:
        for p in ready:
            p.run.context.sandbox.remove()
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        error = KataError(f"pytest could not run the specs of {', '.join(p.kata.slug for p in ready)} "
                          f"(exit code {int(exit_code)})")
        return [error if isinstance(p, _Prepared) else p for p in prepared]
    duration = round(time.monotonic() - started, 3) if len(work) == 1 else None
    return [p if isinstance(p, KataError) else p.result(started_at, duration) for p in prepared]


class _Prepared:
    """One kata's part of a session: its sandbox and run state, then its result."""

    def __init__(self, kata: Kata, submission: Path, source: str, run: KataRun, lang: str, public_only: bool):
        self.kata, self.submission, self.source, self.run = kata, submission, source, run
        self.lang, self.public_only = lang, public_only
        self.coverage: dict | None = None

    def result(self, started_at: str, duration: float | None) -> KataResult | KataError:
        """``duration``: the session's, when this kata had it alone; else the sum of its tests'."""
        kata, run = self.kata, self.run
        if run.problems:
            return KataError(f"{kata.specs}: {'; '.join(run.problems)}")
        if not run.planned and not run.hidden_skipped["tests"]:
            return KataError(f"{kata.specs}: no spec tests were collected")
        tests = run.collected_results()
        try:
            _check_points(kata, tests, run.hidden_skipped["points"])
        except KataError as exc:
            return exc
        if kata.forbidden:
            tests.append(_forbidden_rule(kata, self.source, self.lang))
        spent = sum(t.duration for t in tests)
        return KataResult(
            kata=kata.slug, title=kata.title.get(self.lang),
            submission={"path": str(self.submission), "sha256": hashlib.sha256(self.source.encode("utf-8")).hexdigest()},
            devices=list(run.context.devices), isolation=isolation_level(run.context.mechanisms), lang=self.lang,
            tests=tests, hidden_run=not self.public_only, hidden_skipped=run.hidden_skipped, started_at=started_at,
            duration=duration if duration is not None else round(spent, 3),
            grader_version=__version__, coverage=self.coverage)


def _prepare(kata: Kata, submission: Path, worker: launcher.Worker, devices: tuple[str, ...], lang: str,
             public_only: bool, measure_coverage: bool) -> _Prepared:
    source = _read_submission(submission)
    unsupported = [d for d in devices if d not in kata.devices]
    if unsupported:
        raise KataError(f"kata {kata.slug!r} does not support device(s) {', '.join(unsupported)} "
                        f"(kata.toml devices = {list(kata.devices)})")
    context = RunContext(
        worker=worker, sandbox=launcher.Sandbox(submission, kata.submission_file), reference=_load_reference(kata),
        timeout=kata.timeout, devices=devices, lang=lang, public_only=public_only,
        cuda_available=_cuda_available(devices), fresh_process_per_test=kata.fresh_process_per_test,
        job={"module": kata.module_name, "preload": list(kata.preload),
             "harness": str(kata.harness) if kata.harness else None,
             "forbidden": [f for f in kata.forbidden if not f.endswith(".*")],
             "coverage": ".coverage" if measure_coverage else None,
             "limits": launcher.Limits(timeout=kata.timeout, memory_mb=kata.memory_mb).for_child()})
    context.mechanisms.update(worker.mechanisms)
    return _Prepared(kata, submission, source, KataRun(context, os.path.realpath(kata.folder) + os.sep),
                     lang, public_only)


def _line_coverage(sandbox: launcher.Sandbox) -> dict:
    """Combine the per-process coverage files the test processes left in the sandbox."""
    import coverage

    target = os.path.join(sandbox.path, sandbox.file_name)
    cov = coverage.Coverage(data_file=os.path.join(sandbox.path, ".coverage"), config_file=False)
    cov.combine([sandbox.path], keep=False)
    try:
        _, statements, _, missing, _ = cov.analysis2(target)
    except coverage.CoverageException:
        return {"percent": 0.0, "missing_lines": []}
    percent = 100.0 * (len(statements) - len(missing)) / len(statements) if statements else 100.0
    return {"percent": round(percent, 2), "missing_lines": list(missing)}


def _read_submission(submission: Path) -> str:
    try:
        return submission.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KataError(f"{submission}: no such submission file (run `kata next` to create it)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KataError(f"{submission}: cannot be read ({exc})") from None


def _run_pytest(katas: list[Kata], plugin: KataPlugin) -> int:
    # Plugins the specs do not need cost time on every run (unraisableexception alone runs gc.collect()).
    skipped = ["cacheprovider", "randomly", "unraisableexception", "threadexception", "logging", "doctest",
               "junitxml", "pastebin", "stepwise", "faulthandler", "legacypath", "nose", "capture"]
    folders = [os.path.realpath(kata.folder) for kata in katas]
    # Installed plugins are not scanned for (an entry-point walk on every run); pytest-timeout is named.
    args = [*(str(kata.specs) for kata in katas), "--disable-plugin-autoload", "-p", "pytest_timeout",
            *(arg for name in skipped for arg in ("-p", f"no:{name}")), "--import-mode=importlib",
            "--continue-on-collection-errors", "-c", os.devnull,
            "--rootdir", os.path.dirname(os.path.commonpath(folders)) if len(folders) > 1 else folders[0],
            "-q", "--no-header", "-o", f"timeout={max(kata.timeout for kata in katas) * 3 + 30:g}",
            "-o", "timeout_method=signal", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    quiet = io.StringIO()
    before = set(sys.modules)
    try:
        with contextlib.redirect_stdout(quiet):
            return pytest.main(args, plugins=[plugin])
    finally:
        _forget_spec_modules(folders, set(sys.modules) - before)


def _forget_spec_modules(folders: list[str], names: set[str]) -> None:
    """Drop the spec modules a run imported: every kata has a specs/test_public.py, and pytest's
    importlib mode would otherwise hand one kata's module to the next (or an edited file's old copy).
    ``folders`` are real paths: katas/ may be reached through a symlink."""
    prefixes = tuple(folder + os.sep for folder in folders)
    for name in names:
        module = sys.modules.get(name)
        if module is not None and any(os.path.realpath(place).startswith(prefixes) for place in _module_places(module)):
            del sys.modules[name]


def _module_places(module) -> list[str]:
    """Where a module lives: its file, or for a namespace package such as "specs" its __path__."""
    places = [getattr(module, "__file__", None)]
    path = getattr(module, "__path__", None)
    if isinstance(path, (list, tuple)) or type(path).__name__ == "_NamespacePath":
        places += list(path)
    return [place for place in places if isinstance(place, str)]


def _check_points(kata: Kata, tests: list[TestResult], hidden_points_skipped: float) -> None:
    """kata.toml's points must match the specs' marks (per device variant on CPU)."""
    cpu_points = sum(t.max_points for t in tests if t.device in (None, "cpu")) + hidden_points_skipped
    if abs(cpu_points - kata.points) > 1e-9:
        raise KataError(f"{kata.folder / 'kata.toml'}: field 'points' is {kata.points}, "
                        f"but the spec tests carry {cpu_points:g} points")


def _load_reference(kata: Kata):
    path = kata.reference.resolve()
    if path not in _reference_cache:
        name = f"torchkata_reference_{kata.module_name}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _reference_cache[path] = module
    return _reference_cache[path]


def _cuda_available(devices: tuple[str, ...]) -> bool:
    if "cuda" not in devices:
        return False
    import torch
    return torch.cuda.is_available()


def _forbidden_rule(kata: Kata, source: str, lang: str) -> TestResult:
    uses = find_forbidden(source, kata.forbidden)
    message = "\n".join(t("forbidden_found", lang, name=name, line=line) for name, line in uses)
    return TestResult(name=t("forbidden_rule", lang), visibility="public", status="failed" if uses else "passed",
                      points=0.0, max_points=0.0, message=message, kind="rule")
