"""The pytest plugin that runs a kata's specs on the trusted side.

Spec tests are ordinary pytest functions. This plugin

- requires every test to carry exactly one of ``@pytest.mark.public(points=N)``,
  ``@pytest.mark.hidden(points=N)`` or ``@pytest.mark.rule(points=N)`` (a measured rule,
  such as "no Python loop over the batch", shown with the kata's rules);
- collects the specs of some katas *once* and then runs them for many submissions
  (:meth:`SpecPlugin.run` is called by the engine from inside the session), so neither
  `kata watch` nor `kata grade` pays pytest's set-up per submission;
- provides the fixtures ``sub`` (the learner's module, running in a confined child),
  ``ref`` (the reference, also confined, its results cached; or replayed from a
  release's recordings) and ``device`` (parametrised over the devices asked for;
  CUDA tests say "not run: no CUDA" where there is none);
- turns every outcome into a :class:`torchkata.results.TestResult`;
- reads nothing pytest would find on its own around the specs: it imports each kata's
  ``specs/conftest.py`` and ``specs/test_*.py`` itself, from their source, under names of
  its own (no ``__init__.py``, ``__pycache__``, ini file or other conftest is looked at;
  see :func:`import_spec_file` and :func:`torchkata.engine.pytest_arguments`).
"""
from __future__ import annotations

import ast
import os
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from torchkata import describe, probes
from torchkata.catalogue import Kata, Text
from torchkata.i18n import t
from torchkata.implementations import LearnerRunner, TestSequence, copied
from torchkata.learner_files import Submission
from torchkata.launcher import (Call, LearnerCrashed, LearnerError, LearnerTimeout, Outcome, ReferenceFailed,
                                unwrap)
from torchkata.results import TestResult
from torchkata.spec import SpecFailure

MAX_TIMEOUTS = 2        # after this many, the remaining tests are not run: the command returns promptly
MARKS = ("public", "hidden", "rule")


def devices_for(kata: Kata, requested: str) -> tuple[str, ...]:
    """The device variants of a kata's device-parametrised specs: 'all' means the kata's own."""
    return tuple(kata.devices) if requested == "all" else (requested,)


@dataclass
class Planned:
    """One collected spec test: fixed at collection, before any learner code runs."""
    item: pytest.Item
    visibility: str          # "public" | "hidden" (rules are public)
    kind: str                # "spec" | "rule"
    points: float
    device: str | None
    name: str
    file: str
    line: int
    title: Text | None = None    # a probe's name: its requirement's sentence (spec tests are named by their function)

    def label(self, lang: str) -> str:
        return self.title.get(lang) if self.title is not None else self.name


@dataclass
class KataPlan:
    kata: Kata
    tests: list[Planned] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class TestState:
    """What one spec test asked of each implementation during one grading."""
    learner: TestSequence = field(default_factory=TestSequence)
    outcomes: list[Outcome] = field(default_factory=list)
    reference: TestSequence = field(default_factory=TestSequence)
    output: str = ""


class NotRunAfterTimeouts(LearnerTimeout):
    """Raised instead of running a test once the submission has timed out too often."""


class KataRun:
    """One kata's share of one grading: the implementations, and each test's state and result."""

    def __init__(self, plan: KataPlan, learner: LearnerRunner, reference, mutants: list, *, lang: str,
                 public_only: bool, cuda_available: bool, submission: Submission):
        self.plan, self.kata = plan, plan.kata
        self.learner, self.reference, self.mutants = learner, reference, mutants
        self.lang, self.public_only, self.cuda_available = lang, public_only, cuda_available
        self.submission = submission
        self.display = submission.display
        self.results: dict[str, TestResult] = {}
        self.states: dict[str, TestState] = {}
        self.timeouts = 0
        self.hidden_started = False
        self.unwritten_public: list[dict] = []      # stub functions the public tests found not written yet

    def to_run(self) -> list[Planned]:
        return [p for p in self.plan.tests if not (self.public_only and p.visibility == "hidden")]

    def learner_outcome(self, state: TestState, call: Call) -> Outcome:
        if self.timeouts >= MAX_TIMEOUTS:
            raise NotRunAfterTimeouts(t("not_run_after_timeouts", self.lang, count=self.timeouts))
        outcome = self.learner.call(call)
        state.learner.add(call)
        state.outcomes.append(Outcome(outcome.status, copied(outcome.value), outcome.info, outcome.ops))
        return outcome

    def start_hidden(self) -> None:
        """Before the first hidden test: a fresh child, so nothing a hidden test hands the learner's
        code can be kept in its module for a test whose output or messages the learner sees."""
        if not self.hidden_started:
            self.hidden_started = True
            self.learner.fresh_child()

    def unwritten(self, planned: Planned, info: dict) -> dict | None:
        """The stub function whose ``raise NotImplementedError`` raised, if that is what happened. Under a
        hidden input, which line raised is the learner's to choose: a hidden test is folded only into a
        function a public test already found unwritten, so it tells nothing a public test did not."""
        found = not_written(info, self.submission.text)
        if planned.visibility == "public":
            if found is not None and found not in self.unwritten_public:
                self.unwritten_public.append(found)
            return found
        return found if found in self.unwritten_public else None

    def record(self, planned: Planned, status: str, message: str, duration: float, timed_out: bool) -> None:
        self.timeouts += timed_out
        hidden = planned.visibility == "hidden"
        self.results[planned.item.nodeid] = TestResult(
            name=planned.label(self.lang), visibility=planned.visibility, status=status,
            points=planned.points if status == "passed" else 0.0, max_points=planned.points, message=message,
            # How long a hidden test took is the learner's code's to choose: it could spell out a hidden input.
            duration=0.0 if hidden else round(duration, 4), device=planned.device, kind=planned.kind,
            file=planned.file, line=planned.line)

    def attach_output(self, planned: Planned, output: str) -> None:
        result = self.results.get(planned.item.nodeid)
        if result is None or not output:
            return
        if planned.visibility == "hidden":
            result.output_withheld = True     # it may print the hidden inputs
        else:
            result.output = output.replace(self.learner.sandbox.file, self.display)

    def collected_results(self) -> list[TestResult]:
        """One result per test that was to run, public first; a missing one is an error, never a pass."""
        out = []
        for planned in sorted(self.to_run(), key=lambda p: p.visibility != "public"):
            result = self.results.get(planned.item.nodeid)
            if result is None:
                result = TestResult(name=planned.label(self.lang), visibility=planned.visibility, status="error",
                                    points=0.0, max_points=planned.points, message=t("no_result", self.lang),
                                    device=planned.device, kind=planned.kind, file=planned.file, line=planned.line)
            out.append(result)
        return out


class SubmissionProxy:
    """``sub.fn(*args)`` runs ``fn`` from the learner's module in the confined child.

    ``sub.harness.name(*args)`` runs the kata's harness function ``name`` there, with the
    learner's module as its first argument.
    """

    def __init__(self, run: KataRun, state: TestState, harness: bool = False):
        self._run, self._state, self._is_harness = run, state, harness

    @property
    def harness(self) -> "SubmissionProxy":
        return SubmissionProxy(self._run, self._state, harness=True)

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            return self._unwrap(self._outcome(Call.make(name, args, kwargs, harness=self._is_harness)))
        call.torchkata_target = (self, name, self._is_harness)
        return call

    def _outcome(self, call: Call) -> Outcome:
        return self._run.learner_outcome(self._state, call)

    @staticmethod
    def _unwrap(outcome: Outcome) -> Any:
        return unwrap(outcome)


class ReferenceProxy:
    """``ref.fn(*args)``: the reference's answer, as plain data. It runs confined like the learner's
    code, is cached by call sequence, and in a released course is replayed from recordings."""

    def __init__(self, run: KataRun, state: TestState, harness: bool = False):
        self._run, self._state, self._is_harness = run, state, harness

    @property
    def harness(self) -> "ReferenceProxy":
        return ReferenceProxy(self._run, self._state, harness=True)

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            self._state.reference.add(Call.make(name, args, kwargs, harness=self._is_harness))
            outcome = self._run.reference.outcome(self._state.reference)
            if outcome.status == "ok":
                return copied(outcome.value)
            raise ReferenceFailed(_reference_problem(name, outcome))
        return call


def _reference_problem(name: str, outcome: Outcome) -> str:
    if outcome.status == "missing":
        return (f"no recorded reference value for {name}() with these inputs (the spec's inputs differ from "
                "those `kata release` recorded)")
    if outcome.status == "raised":
        return f"the reference's {name}() raised {outcome.info.get('type')}: {outcome.info.get('message', '')}"
    return f"the reference's {name}() did not answer: {outcome.info.get('detail', outcome.status)}"


def _marker(item: pytest.Item) -> tuple[str, float] | str:
    """(mark name, points), or an error text naming the test."""
    found = [m for m in item.iter_markers() if m.name in MARKS]
    if len(found) != 1:
        return (f"{item.nodeid}: mark it with exactly one of @pytest.mark.public(points=N), "
                "@pytest.mark.hidden(points=N) or @pytest.mark.rule(points=N)")
    mark = found[0]
    points = mark.kwargs.get("points", mark.args[0] if mark.args else None)
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points < 0:
        return f"{item.nodeid}: @pytest.mark.{mark.name} needs points=N (a number >= 0), got {points!r}"
    return mark.name, float(points)


class SpecPlugin:
    """Collects the specs of some katas once; :meth:`run` then grades submissions against them."""

    def __init__(self, katas: list[Kata], requested_device: str, driver: Callable[["SpecPlugin"], Any]):
        self.katas = katas
        self.requested_device = requested_device
        self.driver = driver
        self.plans = {kata.slug: KataPlan(kata) for kata in katas}
        self._folders = [(os.path.realpath(kata.folder) + os.sep, kata) for kata in katas]
        self._current: dict[str, tuple[KataRun, Planned]] = {}
        self.spec_modules: list[str] = []     # what this session put in sys.modules (removed after it)
        self.value: Any = None
        self.error: BaseException | None = None

    def kata_of(self, path) -> Kata | None:
        real = os.path.realpath(path)
        return next((kata for folder, kata in self._folders if real.startswith(folder)), None)

    # --- configuration and collection ---------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        self._rootpath = config.rootpath
        self._config = config
        config.addinivalue_line("markers", "public(points): a spec test the learner sees in full")
        config.addinivalue_line("markers", "hidden(points): a spec test whose inputs the learner does not see")
        config.addinivalue_line("markers", "rule(points): a measured rule, such as no Python loop over the batch")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session) -> None:
        """Each kata's own specs/conftest.py, and no other: pytest runs with --noconftest, so no
        conftest.py above the course, in katas/ or beside the stub is ever imported."""
        for kata in self.katas:
            path = Path(kata.specs) / "conftest.py"
            if not path.is_file():
                continue
            try:
                module = import_spec_file(path, spec_module_name(kata, "conftest"), self._config)
            except Exception as exc:  # noqa: BLE001 — a broken conftest breaks only its kata
                self.plans[kata.slug].problems.append(f"{path}: could not be imported: {_exception_line(exc)}")
                continue
            self.spec_modules.append(module.__name__)
            register_conftest(self._config, module, path)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path, parent):
        """Every folder is a plain folder: never a package whose __init__.py pytest would import."""
        return pytest.Dir.from_parent(parent, path=path)

    def pytest_ignore_collect(self, collection_path, config):
        """Inside a kata folder only the files specs/test_*.py hold tests (not the stub, the harness,
        the mutants, nor anything planted in a subfolder of specs/), and kata.toml the probes of its
        requirements."""
        kata = self.kata_of(collection_path)
        if kata is None:
            return None
        real, folder = os.path.realpath(collection_path), os.path.realpath(kata.folder)
        specs = os.path.realpath(kata.specs)
        probes_file = os.path.join(folder, "kata.toml") if any(r.probes for r in kata.requires) else None
        if real in (folder, specs, probes_file):
            return None
        spec_file = os.path.dirname(real) == specs and _SPEC_FILE.fullmatch(os.path.basename(real)) is not None
        return None if spec_file and os.path.isfile(real) else True

    def pytest_collect_file(self, file_path, parent):
        kata = self.kata_of(file_path)
        if kata is not None and file_path.name == "kata.toml" and any(r.probes for r in kata.requires):
            return probes.RequirementsFile.from_parent(parent, path=file_path, kata=kata, plugin=self)
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(self, module_path, parent):
        kata = self.kata_of(module_path)
        if kata is None:
            return None
        return SpecModule.from_parent(parent, path=module_path, kata=kata, plugin=self)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        kata = self.kata_of(metafunc.definition.path)
        if "device" in metafunc.fixturenames and kata is not None:
            metafunc.parametrize("device", list(devices_for(kata, self.requested_device)))

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            kata = self.kata_of(os.path.join(self._rootpath, report.fspath)) if report.fspath else None
            plans = [self.plans[kata.slug]] if kata is not None else list(self.plans.values())
            for plan in plans:
                plan.problems.append(f"{report.nodeid or report.fspath}: could not be collected: "
                                     f"{_short(report.longrepr)}")

    def pytest_collection_modifyitems(self, session, config, items: list[pytest.Item]) -> None:
        for item in items:
            kata = self.kata_of(item.path)
            if kata is None:
                continue
            plan = self.plans[kata.slug]
            marker = _marker(item)
            if isinstance(marker, str):
                plan.problems.append(marker)
                continue
            mark, points = marker
            device = item.callspec.params.get("device") if hasattr(item, "callspec") else None
            path, line, _ = item.location
            plan.tests.append(Planned(item, "hidden" if mark == "hidden" else "public",
                                      "rule" if mark == "rule" else "spec", points, device,
                                      item.nodeid.split("::", 1)[-1], _course_relative(item.path, kata),
                                      (line or 0) + 1, item.title if probes.is_probe(item) else None))
        for plan in self.plans.values():
            # Public specs, then their probes, then rules (after repeated timeouts the learner still sees
            # what to fix), then hidden specs and probes, last and in a child of their own (see
            # KataRun.start_hidden): no test the learner sees in full runs after a hidden input reached their code.
            plan.tests.sort(key=lambda p: (p.visibility == "hidden", p.kind == "rule", p.title is not None))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session) -> bool:
        """The engine's driver grades submissions from here, inside the one pytest session."""
        try:
            self.value = self.driver(self)
        except BaseException as exc:  # re-raised by the engine once pytest has shut down cleanly
            self.error = exc
        return True

    # --- running one grading --------------------------------------------------------

    def run(self, runs: list[KataRun]) -> None:
        """Run every planned test of every run, in order, tearing everything down at the end.
        Every kata's public tests and rules come before any kata's hidden tests: no test whose
        output the learner sees runs after a hidden input reached their code, not even another
        kata's (whose child could otherwise find a file a hidden test left behind)."""
        sequence = [(planned, run) for phase in ("public", "hidden") for run in runs
                    for planned in run.to_run() if planned.visibility == phase]
        self._current = {planned.item.nodeid: (run, planned) for planned, run in sequence}
        try:
            for index, (planned, _run) in enumerate(sequence):
                following = sequence[index + 1][0].item if index + 1 < len(sequence) else None
                planned.item.ihook.pytest_runtest_protocol(item=planned.item, nextitem=following)
        finally:
            self._current = {}

    def _lookup(self, item: pytest.Item) -> tuple[KataRun, Planned] | None:
        return self._current.get(item.nodeid)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        found = self._lookup(item)
        if found is None:
            return
        run, planned = found
        run.states[item.nodeid] = TestState()
        describe.follow(run.states[item.nodeid].learner, run.states[item.nodeid].reference)
        run.reference.new_test()
        if planned.device == "cuda":
            if "cuda" not in run.kata.devices:
                pytest.skip(t("not_run_no_cuda_kata", run.lang))
            if not run.cuda_available:
                pytest.skip(t("not_run_no_cuda", run.lang))
        if run.timeouts >= MAX_TIMEOUTS and "sub" in getattr(item, "fixturenames", ()):
            raise NotRunAfterTimeouts(t("not_run_after_timeouts", run.lang, count=run.timeouts))
        if planned.visibility == "hidden":
            run.start_hidden()
        run.learner.begin_test()

    @pytest.fixture
    def sub(self, request):
        run, _ = self._lookup(request.node)
        state = run.states[request.node.nodeid]
        yield SubmissionProxy(run, state)
        state.output = run.learner.end_test()

    @pytest.fixture
    def ref(self, request):
        run, _ = self._lookup(request.node)
        return ReferenceProxy(run, run.states[request.node.nodeid])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Record the outcome and answer with a bare report.

        pytest's own report would format a traceback with source for every failure (tens of
        milliseconds each); nobody reads it here, and for hidden specs nobody may.
        """
        found = self._lookup(item)
        if found is None:
            return None
        run, planned = found
        excinfo = call.excinfo
        skipped = excinfo is not None and excinfo.errisinstance(pytest.skip.Exception)
        if call.when == "call" or (call.when == "setup" and excinfo is not None):
            exc = excinfo.value if excinfo else None
            status, message = classify(exc, skipped, planned, run)
            timed_out = isinstance(exc, LearnerTimeout) and not isinstance(exc, NotRunAfterTimeouts)
            run.record(planned, status, message, call.duration, timed_out)
            if isinstance(exc, LearnerError):
                run.results[item.nodeid].not_written = run.unwritten(planned, exc.info)
        elif call.when == "teardown":
            state = run.states.get(item.nodeid)
            if state is not None:
                run.attach_output(planned, state.output)
        outcome = "passed" if excinfo is None else "skipped" if skipped else "failed"
        longrepr = None if excinfo is None else (str(item.path), 0, str(excinfo.value)) if skipped \
            else f"{excinfo.typename}: {str(excinfo.value)[:200]}"
        return pytest.TestReport(item.nodeid, item.location, {}, outcome, longrepr, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)


def classify(exc: BaseException | None, skipped: bool, planned: Planned, run: KataRun) -> tuple[str, str]:
    """A test's status and message, from what ended it. Under a hidden test the message is the
    spec's own headline or a fixed text: never the learner's words, nor anything their code chose
    (an exception's type or message, its frames, an exit code or a signal)."""
    lang, hidden = run.lang, planned.visibility == "hidden"
    if exc is None:
        return "passed", ""
    if skipped:
        return "skipped", str(getattr(exc, "msg", exc))
    if isinstance(exc, NotRunAfterTimeouts):
        return "timeout", str(exc)
    if isinstance(exc, LearnerTimeout):
        where = stopped_at(exc.stopped_at, run.submission.text) if planned.visibility == "public" else None
        return "timeout", "\n".join([t("timeout", lang, seconds=run.kata.timeout),
                                     *([t("timeout_where", lang, **where)] if where else [])])
    if isinstance(exc, LearnerError):
        return "error", describe_raised(exc.info, lang, run.display, run.learner.sandbox.file, hidden=hidden)
    if isinstance(exc, LearnerCrashed):
        return "error", t("crashed_hidden", lang) if hidden else t("crashed", lang, detail=str(exc))
    if isinstance(exc, ReferenceFailed):
        return "error", t("reference_failed", lang, detail=t("hidden_detail_withheld", lang) if hidden else str(exc))
    if isinstance(exc, SpecFailure):
        return "failed", exc.render(lang, with_details=not hidden)
    if isinstance(exc, AssertionError):
        text = str(exc).strip() or "assertion failed"
        return "failed", _hidden_assertion(text, lang) if hidden else text
    if isinstance(exc, pytest.fail.Exception) and "Timeout" in str(exc):   # pytest-timeout's backstop
        return "timeout", t("timeout", lang, seconds=run.kata.timeout)
    if hidden:
        return "error", t("spec_broken_hidden", lang)
    return "error", t("spec_broken", lang, type=type(exc).__name__, message=str(exc)[:300])


def _hidden_assertion(text: str, lang: str) -> str:
    """A plain ``assert`` in a hidden spec: its message's first line is the spec's headline; pytest's
    own explanation (``assert <values> == ...``) would show values, so it is replaced."""
    first = text.splitlines()[0]
    return t("hidden_check_failed", lang) if first.startswith("assert ") or first == "assertion failed" else first


def describe_raised(info: dict, lang: str, display: str, sandbox_file: str, hidden: bool) -> str:
    """The learner's exception in their own terms: their file's name, their own frames.
    Under a hidden test nothing of it is shown: its type, message and frames are the learner's
    code's to choose, and could spell out the hidden inputs."""
    kind = str(info.get("type", "Exception"))
    message = str(info.get("message", "")).replace(sandbox_file, display)
    if kind == "MissingFunction" and not hidden:
        return t("missing_function", lang, file=display, name=message)
    if hidden:
        return t("raised_hidden", lang)
    lines = [t("raised", lang, type=kind, message=message) if message else t("raised_bare", lang, type=kind)]
    frames = info.get("traceback") if isinstance(info.get("traceback"), list) else []
    if frames:
        lines.append(t("your_traceback", lang, file=display) + ":")
        for frame in frames:
            if isinstance(frame, dict):
                lines.append("  " + t("frame", lang, line=frame.get("line"), function=frame.get("function"),
                                      code=str(frame.get("code", "")).strip()))
    return "\n".join(lines)


def stopped_at(where: dict | None, source: str) -> dict | None:
    """The line a timed-out child said it was running, with its text read from the submission itself.
    Public tests only: under a hidden test where the code stopped may depend on the hidden inputs."""
    if not isinstance(where, dict):
        return None
    line, function = where.get("line"), where.get("function")
    lines = source.splitlines()
    if not isinstance(line, int) or not 0 < line <= len(lines) or not isinstance(function, str):
        return None
    return {"line": line, "function": function[:100], "code": lines[line - 1].strip()[:200]}


def not_written(info: dict, source: str) -> dict | None:
    """The learner's function whose body is still the stub's ``raise NotImplementedError``, if that is what
    raised: the frame is the child's claim, the line it names is read from the submission's own text."""
    frames = info.get("traceback") if isinstance(info.get("traceback"), list) else []
    if info.get("type") != "NotImplementedError" or not frames or not isinstance(frames[-1], dict):
        return None
    line, function = frames[-1].get("line"), frames[-1].get("function")
    lines = source.splitlines()
    if not isinstance(line, int) or not 0 < line <= len(lines) or not isinstance(function, str):
        return None
    if not lines[line - 1].strip().startswith("raise NotImplementedError"):
        return None
    return {"function": function[:100], "line": line}
# --- importing specs ---------------------------------------------------------------------

_SPEC_FILE = re.compile(r"test_[A-Za-z0-9_]*\.py")


def spec_module_name(kata: Kata, stem: str) -> str:
    """A module name of the engine's own: never one pytest would derive from folders and __init__.py files."""
    return f"torchkata_specs__{re.sub(r'[^A-Za-z0-9_]', '_', kata.slug)}__{stem}__{id(kata):x}"


def import_spec_file(path: Path, name: str, config: pytest.Config) -> types.ModuleType:
    """Import a spec file (or a kata's conftest) from its source: no finder looks for a package, an
    ``__init__.py`` or a ``__pycache__`` around it, and nothing is written beside it. Plain ``assert``
    statements are rewritten as pytest would."""
    source = path.read_bytes()
    if b"assert" in source and config.getoption("assertmode", "rewrite") == "rewrite":
        from _pytest.assertion.rewrite import rewrite_asserts
        tree = ast.parse(source, filename=str(path))
        rewrite_asserts(tree, source, str(path), config)
        code = compile(tree, str(path), "exec", dont_inherit=True)
    else:
        code = compile(source, str(path), "exec", dont_inherit=True)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    if hasattr(module, "pytest_plugins"):
        del sys.modules[name]
        raise ImportError("a kata's specs may not load pytest plugins (pytest_plugins)")
    return module


def register_conftest(config: pytest.Config, module: types.ModuleType, path: Path) -> None:
    """Register a kata's conftest as pytest would have: its fixtures visible in its own folder only
    (the registration name is its path), its hooks called for that folder only."""
    manager = config.pluginmanager
    manager.consider_conftest(module, registration_name=str(path))
    manager._conftest_plugins.add(module)
    for folder in {path.parent, Path(os.path.realpath(path.parent))}:
        manager._dirpath2confmods.setdefault(folder, []).append(module)


class SpecModule(pytest.Module):
    """A spec file, imported by :func:`import_spec_file` under the engine's own module name."""

    def __init__(self, *args, kata: Kata, plugin: "SpecPlugin", **kwargs):
        super().__init__(*args, **kwargs)
        self.kata, self.plugin = kata, plugin

    def _getobj(self):
        try:
            module = import_spec_file(self.path, spec_module_name(self.kata, self.path.stem), self.config)
        except pytest.skip.Exception:
            raise
        except Exception as exc:  # noqa: BLE001 — shown as this file's collection error
            raise self.CollectError(f"{self.path}: could not be imported: {_exception_line(exc)}") from None
        self.plugin.spec_modules.append(module.__name__)
        return module


def _exception_line(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} (line {exc.lineno})"
    return f"{type(exc).__name__}: {exc}"


def _course_relative(path, kata: Kata) -> str:
    try:
        return os.path.relpath(os.path.realpath(path), os.path.realpath(kata.folder.parent.parent))
    except ValueError:
        return str(path)


def _short(longrepr) -> str:
    lines = [line for line in str(longrepr).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[-1][1:].strip() if errors else lines[-1].strip() if lines else "")[:300]
