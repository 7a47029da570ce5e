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
from grader.plugin import KataPlugin, RunContext
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
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    source = _read_submission(submission)
    unsupported = [d for d in devices if d not in kata.devices]
    if unsupported:
        raise KataError(f"kata {kata.slug!r} does not support device(s) {', '.join(unsupported)} "
                        f"(kata.toml devices = {list(kata.devices)})")
    sandbox = launcher.Sandbox(submission, kata.submission_file)
    context = RunContext(
        worker=worker, sandbox=sandbox, reference=_load_reference(kata), timeout=kata.timeout,
        devices=devices, lang=lang, public_only=public_only, cuda_available=_cuda_available(devices),
        fresh_process_per_test=kata.fresh_process_per_test,
        job={"module": kata.module_name, "preload": list(kata.preload), "harness": str(kata.harness) if kata.harness else None,
             "forbidden": [f for f in kata.forbidden if not f.endswith(".*")],
             "coverage": ".coverage" if measure_coverage else None,
             "limits": launcher.Limits(timeout=kata.timeout, memory_mb=kata.memory_mb).for_child()})
    context.mechanisms.update(worker.mechanisms)
    plugin = KataPlugin(context)
    try:
        exit_code = _run_pytest(kata, plugin)
        coverage = _line_coverage(sandbox) if measure_coverage else None
    finally:
        sandbox.remove()
    if plugin.problems or exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR) \
            or (exit_code == pytest.ExitCode.INTERRUPTED and not plugin.planned):
        details = "; ".join(plugin.problems) or f"pytest could not collect the specs (exit code {int(exit_code)})"
        raise KataError(f"{kata.specs}: {details}")
    tests = plugin.collected_results()
    _check_points(kata, tests, plugin.hidden_skipped["points"])
    if kata.forbidden:
        tests.append(_forbidden_rule(kata, source, lang))
    return KataResult(
        kata=kata.slug, title=kata.title.get(lang),
        submission={"path": str(submission), "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest()},
        devices=list(devices), isolation=isolation_level(context.mechanisms), lang=lang, tests=tests,
        hidden_run=not public_only, hidden_skipped=plugin.hidden_skipped, started_at=started_at,
        duration=round(time.monotonic() - started, 3), grader_version=__version__, coverage=coverage)


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


def _run_pytest(kata: Kata, plugin: KataPlugin) -> int:
    # Plugins the specs do not need cost time on every run (unraisableexception alone runs gc.collect()).
    skipped = ["cacheprovider", "randomly", "unraisableexception", "threadexception", "logging", "doctest",
               "junitxml", "pastebin", "stepwise", "faulthandler", "legacypath", "nose", "capture"]
    # Installed plugins are not scanned for (an entry-point walk on every run); pytest-timeout is named.
    args = [str(kata.specs), "--disable-plugin-autoload", "-p", "pytest_timeout",
            *(arg for name in skipped for arg in ("-p", f"no:{name}")), "--import-mode=importlib",
            "-c", os.devnull, "--rootdir", str(kata.folder), "-q", "--no-header",
            "-o", f"timeout={kata.timeout * 3 + 30:g}", "-o", "timeout_method=signal",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    quiet = io.StringIO()
    before = set(sys.modules)
    try:
        with contextlib.redirect_stdout(quiet):
            return pytest.main(args, plugins=[plugin])
    finally:
        _forget_spec_modules(kata, set(sys.modules) - before)


def _forget_spec_modules(kata: Kata, names: set[str]) -> None:
    """Drop the spec modules a run imported: every kata has a specs/test_public.py, and pytest's
    importlib mode would otherwise hand one kata's module to the next (or an edited file's old copy)."""
    folder = os.path.realpath(kata.folder) + os.sep     # katas/ may be reached through a symlink
    for name in names:
        module = sys.modules.get(name)
        if module is not None and any(os.path.realpath(place).startswith(folder) for place in _module_places(module)):
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
