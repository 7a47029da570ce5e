"""The pytest plugin that runs a kata's specs on the trusted side.

Spec tests are ordinary pytest functions. This plugin

- requires every test to carry ``@pytest.mark.public(points=N)`` or
  ``@pytest.mark.hidden(points=N)`` and fixes the set of tests at collection,
  before any learner code runs;
- provides the fixtures ``sub`` (a proxy whose calls run in a confined child of
  the worker), ``ref`` (the reference module, imported here) and ``device``
  (parametrised over the devices asked for; CUDA tests say "not run: no CUDA"
  where there is none);
- turns every test outcome into a :class:`grader.results.TestResult`.
"""
from __future__ import annotations

import os
import time
import types
from dataclasses import dataclass, field
from typing import Any

import pytest

from grader import launcher
from grader.i18n import t
from grader.results import TestResult
from grader.spec import SpecFailure

MAX_TIMEOUTS = 2        # after this many, the remaining tests are not run: the command returns promptly
OUTPUT_CAP = 2000       # characters of learner output kept per test


@dataclass
class RunContext:
    """Everything the plugin needs from the engine for one submission."""
    worker: launcher.Worker
    sandbox: launcher.Sandbox
    reference: types.ModuleType
    job: dict                       # what every forked child gets (limits, forbidden APIs, harness...)
    timeout: float
    devices: tuple[str, ...]
    lang: str
    public_only: bool = False
    cuda_available: bool = False
    fresh_process_per_test: bool = False
    mechanisms: set = field(default_factory=set)


class NotRunAfterTimeouts(launcher.SubmissionTimeout):
    """Raised instead of running a test once the submission has timed out too often."""


class SubmissionRunner:
    """Keeps one confined child for the submission across tests; forks a new one after a failure."""

    def __init__(self, context: RunContext, planned_tests: int):
        self.context = context
        self.job = dict(context.job)
        # CPU time adds up over the tests one child serves; the wall-clock deadline is per test.
        self.job["limits"] = {**self.job["limits"],
                              "cpu_seconds": int(context.timeout * max(1, planned_tests)) + 2}
        self.process: launcher.SubmissionProcess | None = None

    def start_test(self) -> "SubmissionProxy":
        return SubmissionProxy(self, time.monotonic() + self.context.timeout)

    def process_for(self, deadline: float) -> launcher.SubmissionProcess:
        if self.process is None or self.process.dead:
            self.process = launcher.SubmissionProcess(self.context.worker, self.context.sandbox, self.job, deadline)
            self.context.mechanisms.update(self.process.mechanisms)
        self.process.begin_test(deadline)
        return self.process

    def after_test(self) -> None:
        if self.context.fresh_process_per_test:
            self.close()

    def close(self) -> None:
        if self.process is not None:
            self.process.close(graceful=bool(self.job.get("coverage")))


class SubmissionProxy:
    """``sub.fn(*args)`` runs ``fn`` from the learner's module in the confined child.

    ``sub.harness.name(*args)`` runs the kata's harness function ``name`` there,
    with the learner's module as its first argument.
    """

    def __init__(self, runner: SubmissionRunner, deadline: float):
        self._runner, self._deadline = runner, deadline
        self._process: launcher.SubmissionProcess | None = None
        self.harness = _HarnessProxy(self)

    def _call(self, name: str, args: tuple, kwargs: dict, harness: bool) -> Any:
        if self._process is None:
            self._process = self._runner.process_for(self._deadline)
        return self._process.call(name, args, kwargs, harness=harness)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs, harness=False)

    def _finish(self) -> str:
        if self._process is None:
            return ""
        output = self._process.end_test(OUTPUT_CAP)
        self._runner.after_test()
        return output


class _HarnessProxy:
    def __init__(self, proxy: SubmissionProxy):
        self._proxy = proxy

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._proxy._call(name, args, kwargs, harness=True)


def _spec_marker(item: pytest.Item) -> tuple[str, float] | str:
    """(visibility, points), or an error text naming the test."""
    found = [(m.name, m) for m in item.iter_markers() if m.name in ("public", "hidden")]
    if len(found) != 1:
        return f"{item.nodeid}: mark it with exactly one of @pytest.mark.public(points=N) / @pytest.mark.hidden(points=N)"
    visibility, mark = found[0]
    points = mark.kwargs.get("points", mark.args[0] if mark.args else None)
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points < 0:
        return f"{item.nodeid}: @pytest.mark.{visibility} needs points=N (a number >= 0), got {points!r}"
    return visibility, float(points)


class KataRun:
    """One kata's share of a pytest session: its context, planned tests and results."""

    def __init__(self, context: RunContext, folder: str):
        self.context, self.folder = context, folder       # folder: the kata's real path, ending in os.sep
        self.results: dict[str, TestResult] = {}
        self.planned: dict[str, tuple[str, float, str | None]] = {}   # nodeid -> (visibility, points, device)
        self.names: dict[str, str] = {}
        self.problems: list[str] = []
        self.hidden_skipped = {"tests": 0, "points": 0.0}
        self.timeouts = 0
        self.outputs: dict[str, str] = {}
        self.runner: SubmissionRunner | None = None

    def plan(self, item: pytest.Item) -> bool:
        """Fix the item's visibility, points and device; False if it is not to run."""
        marker = _spec_marker(item)
        if isinstance(marker, str):
            self.problems.append(marker)
            return False
        visibility, points = marker
        if visibility == "hidden" and self.context.public_only:
            self.hidden_skipped["tests"] += 1
            self.hidden_skipped["points"] += points
            return False
        device = item.callspec.params.get("device") if hasattr(item, "callspec") else None
        self.planned[item.nodeid] = (visibility, points, device)
        self.names[item.nodeid] = item.nodeid.split("::", 1)[-1]
        return True

    def record(self, item: pytest.Item, call: pytest.CallInfo, skipped: bool) -> None:
        visibility, points, device = self.planned[item.nodeid]
        status, message = self._classify(call, skipped, visibility)
        if status == "timeout" and not (call.excinfo and call.excinfo.errisinstance(NotRunAfterTimeouts)):
            self.timeouts += 1
        self.results[item.nodeid] = TestResult(
            name=self.names[item.nodeid], visibility=visibility, status=status,
            points=points if status == "passed" else 0.0, max_points=points, message=message,
            duration=round(call.duration, 4), device=device)

    def _classify(self, call: pytest.CallInfo, skipped: bool, visibility: str) -> tuple[str, str]:
        lang = self.context.lang
        exc = call.excinfo.value if call.excinfo else None
        if exc is None:
            return "passed", ""
        if skipped:
            return "skipped", str(getattr(exc, "msg", exc))
        if isinstance(exc, NotRunAfterTimeouts):
            return "timeout", str(exc)
        if isinstance(exc, launcher.SubmissionTimeout):
            return "timeout", t("timeout", lang, seconds=self.context.timeout, detail=str(exc))
        if isinstance(exc, launcher.SubmissionRaised):
            return "error", _describe_raised(exc.info, lang)
        if isinstance(exc, launcher.SubmissionFailure):
            return "error", t("crashed", lang, detail=str(exc))
        if isinstance(exc, SpecFailure):
            return "failed", exc.render(lang, with_details=visibility == "public")
        if isinstance(exc, AssertionError):
            text = str(exc).strip() or "assertion failed"
            return "failed", text if visibility == "public" else text.splitlines()[0]
        if isinstance(exc, pytest.fail.Exception) and "Timeout" in str(exc):   # pytest-timeout's backstop
            return "timeout", t("timeout", lang, seconds=self.context.timeout, detail="the spec did not finish")
        return "error", t("spec_broken", lang, type=type(exc).__name__, message=str(exc)[:300])

    def collected_results(self) -> list[TestResult]:
        """One result per planned test, public first; a missing one counts as an error."""
        out = []
        for nodeid, (visibility, points, device) in sorted(self.planned.items(), key=lambda p: p[1][0] != "public"):
            result = self.results.get(nodeid)
            if result is None:
                result = TestResult(name=self.names[nodeid], visibility=visibility, status="error", points=0.0,
                                    max_points=points, message=t("no_result", self.context.lang), device=device)
            out.append(result)
        return out


class KataPlugin:
    """Runs the specs of one or more katas (each with its own submission) in one pytest session."""

    def __init__(self, runs: list[KataRun]):
        self.runs = runs

    def run_for(self, path) -> KataRun | None:
        real = os.path.realpath(path)
        return next((run for run in self.runs if real.startswith(run.folder)), None)

    def _run_of(self, item: pytest.Item) -> KataRun | None:
        run = self.run_for(item.path)
        return run if run is not None and item.nodeid in run.planned else None

    # --- configuration and collection ---------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "public(points): a spec test the learner sees in full")
        config.addinivalue_line("markers", "hidden(points): a spec test whose inputs the learner does not see")

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        run = self.run_for(metafunc.definition.path)
        if "device" in metafunc.fixturenames and run is not None:
            metafunc.parametrize("device", list(run.context.devices))

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            run = self.run_for(report.fspath) if report.fspath else None
            where = run.problems if run is not None else self.runs[0].problems
            where.append(f"{report.nodeid or report.fspath}: could not be collected: {_short(report.longrepr)}")

    def pytest_collection_modifyitems(self, session, config, items: list[pytest.Item]) -> None:
        keep = []
        for item in items:
            run = self.run_for(item.path)
            if run is not None and run.plan(item):
                keep.append(item)
        # Public specs run first: after repeated timeouts the learner still sees what they can fix.
        keep.sort(key=lambda item: self._run_of(item).planned[item.nodeid][0] != "public")
        items[:] = [item for item in keep if not self._run_of(item).problems]
        for run in self.runs:
            run.runner = SubmissionRunner(run.context, len(run.planned))

    def pytest_sessionfinish(self, session) -> None:
        for run in self.runs:
            if run.runner is not None:
                run.runner.close()

    # --- fixtures -----------------------------------------------------------------

    @pytest.fixture
    def sub(self, request):
        run = self._run_of(request.node)
        proxy = run.runner.start_test()
        yield proxy
        run.outputs[request.node.nodeid] = proxy._finish()

    @pytest.fixture
    def ref(self, request):
        return self._run_of(request.node).context.reference

    # --- running ------------------------------------------------------------------

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        run = self._run_of(item)
        if run is None:
            return
        if run.planned[item.nodeid][2] == "cuda" and not run.context.cuda_available:
            pytest.skip(t("not_run_no_cuda", run.context.lang))
        if run.timeouts >= MAX_TIMEOUTS and "sub" in getattr(item, "fixturenames", ()):
            raise NotRunAfterTimeouts(t("not_run_after_timeouts", run.context.lang, count=run.timeouts))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Record the outcome and answer with a bare report.

        pytest's own report would format a traceback with source for every failure (tens of
        milliseconds each); nobody reads it here, and for hidden specs nobody may.
        """
        run = self._run_of(item)
        if run is None:
            return None
        excinfo = call.excinfo
        skipped = excinfo is not None and excinfo.errisinstance(pytest.skip.Exception)
        if call.when == "call" or (call.when == "setup" and excinfo is not None):
            run.record(item, call, skipped)
        elif call.when == "teardown" and item.nodeid in run.results:
            run.results[item.nodeid].output = run.outputs.pop(item.nodeid, "")
        outcome = "passed" if excinfo is None else "skipped" if skipped else "failed"
        longrepr = None if excinfo is None else (str(item.path), 0, str(excinfo.value)) if skipped \
            else f"{excinfo.typename}: {str(excinfo.value)[:200]}"
        return pytest.TestReport(item.nodeid, item.location, {}, outcome, longrepr, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)


def _short(longrepr) -> str:
    lines = [line for line in str(longrepr).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[-1][1:].strip() if errors else lines[-1].strip() if lines else "")[:300]


def _describe_raised(info: dict, lang: str) -> str:
    lines = [t("raised", lang, type=info.get("type", "Exception"), message=info.get("message", ""))]
    frames = info.get("traceback") or []
    if frames:
        lines.append(t("your_traceback", lang) + ":")
        for frame in frames if isinstance(frames, list) else []:
            if isinstance(frame, dict):
                lines.append(f"  line {frame.get('line')}, in {frame.get('function')}: {str(frame.get('code', '')).strip()}")
    return "\n".join(lines)
