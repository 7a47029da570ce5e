"""The implementations a spec talks to: the learner's, the reference and the mutants.

All three run the same way, in confined children of the worker, and answer only with
plain data (:class:`torchkata.launcher.Outcome`):

``LearnerRunner``   the submission, test after test (a fresh child after a timeout or crash,
                    for the hidden tests, or for every test with ``fresh_process_per_test``).
                    Whatever a child says arrives here, and is cleaned and capped here
                    (:func:`torchkata.text.clean_info`): exception texts and printed output.
``TrustedRunner``   the reference or a mutant: instructor code, so its outcomes can be
                    cached by the sequence of calls that led to them. A warm grader (watch
                    mode, a class) then runs each reference call once, and `kata release`
                    records the same cache for the learner's repository.
``RecordedRunner``  outcomes recorded by `kata release`, replayed where the reference is absent.
"""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchkata.launcher import Call, ChildProcess, Limits, Outcome, Sandbox, Worker, chain
from torchkata.text import MAX_OUTPUT, clean, clean_info

OUTPUT_CAP = 2000       # characters of learner output read per stream and test
ROOT_KEY = "torchkata"  # the key of the empty call sequence


@dataclass
class Job:
    """What every child of one implementation gets from the zygote."""
    module: str                          # the module name the file is imported as
    file_name: str                       # its file name in the sandbox
    timeout: float                       # seconds per test
    limits: Limits
    harness: str | None = None
    preload: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()           # folders the child must not read (the course)
    coverage: bool = False

    def for_fork(self, tests: int) -> dict:
        return {"module": self.module, "preload": list(self.preload), "harness": self.harness,
                "forbidden": [f for f in self.forbidden if not f.endswith(".*")], "hide": list(self.hide),
                "coverage": ".coverage" if self.coverage else None, "limits": self.limits.for_child(tests)}


class LearnerRunner:
    """One implementation's children, serving spec tests one after another."""

    def __init__(self, worker: Worker, data: bytes, job: Job, fresh_per_test: bool, tests: int):
        self.worker, self.job, self.fresh_per_test = worker, job, fresh_per_test
        self.sandbox = Sandbox(data, job.file_name)
        # The child compiles these bytes, not the sandbox's file (which an earlier child could have changed).
        self.fork_job = {**job.for_fork(tests), "source": base64.b64encode(data).decode("ascii")}
        self.reports: list[dict] = []            # each child's isolation (torchkata.isolation)
        self.process: ChildProcess | None = None
        self.deadline = 0.0
        self.in_test = False

    def begin_test(self, seconds: float | None = None) -> None:
        self.deadline = time.monotonic() + (seconds or self.job.timeout)
        self.in_test = False

    def call(self, call: Call) -> Outcome:
        if not self.in_test:
            if self.process is None or self.process.dead:
                if self.reports:     # an earlier child ran here: the next one must import what was read
                    self.sandbox.restore(keep_prefix=".coverage" if self.job.coverage else "")
                self.process = ChildProcess(self.worker, self.sandbox, self.fork_job, self.deadline)
                self.reports.append(self.process.isolation)
            self.process.begin_test(self.deadline)
            self.in_test = True
        outcome = self.process.call(call)
        if outcome.info:
            # The child's own words about what happened: learner-controlled, cleaned and capped here.
            outcome = Outcome(outcome.status, outcome.value, clean_info(outcome.info), outcome.ops)
        return outcome

    def end_test(self, output_cap: int = OUTPUT_CAP) -> str:
        if not self.in_test or self.process is None:
            return ""
        self.in_test = False
        output = clean(self.process.end_test(output_cap), MAX_OUTPUT)
        if self.fresh_per_test:
            self.process.close(graceful=self.job.coverage)
        return output

    def fresh_child(self) -> None:
        """The next test starts in a new child: nothing an earlier test left in the module (or
        anywhere in the process) reaches it. The hidden tests start this way, after the public ones."""
        if self.process is not None:
            self.process.close(graceful=self.job.coverage)
            self.process = None

    def stop(self) -> None:
        """End the child (gracefully when measuring coverage: the data is written at exit)."""
        if self.process is not None:
            self.process.close(graceful=self.job.coverage)

    def close(self) -> None:
        self.stop()
        self.sandbox.remove()


@dataclass
class TestSequence:
    """The calls one spec test made of one implementation, and (computed when first asked) the
    chain keys of their prefixes, which only cached implementations need."""
    calls: list[Call] = field(default_factory=list)
    _keys: list[str] = field(default_factory=list)

    def add(self, call: Call) -> None:
        self.calls.append(call)

    @property
    def keys(self) -> list[str]:
        for call in self.calls[len(self._keys):]:
            self._keys.append(chain(self._keys[-1] if self._keys else ROOT_KEY, call))
        return self._keys


class TrustedRunner:
    """The reference or a mutant, with outcomes cached by call sequence.

    A cached outcome is returned without running anything. When a call is not cached,
    the child must first have run the same earlier calls of this test: if it has not
    (they came from the cache), a fresh test replays them first.
    """

    def __init__(self, worker: Worker, data: bytes, job: Job, fresh_per_test: bool):
        self._make = lambda: LearnerRunner(worker, data, job, fresh_per_test, tests=64)
        self.runner: LearnerRunner | None = None
        self.cache: dict[str, Outcome] = {}
        self._executed: list[str] | None = None     # keys run in the child in the current test

    def outcome(self, sequence: TestSequence) -> Outcome:
        """The outcome of the last call of ``sequence``, after the calls before it."""
        key = sequence.keys[-1]
        if key in self.cache:
            return self.cache[key]
        if self._executed != sequence.keys[:-1]:
            self._restart()
            for call, earlier in zip(sequence.calls[:-1], sequence.keys[:-1]):
                self._execute(call, earlier)
        return self._execute(sequence.calls[-1], key)

    def outcomes(self, calls: list[Call]) -> list[Outcome]:
        """Every outcome of a whole sequence of calls (one test's), from the cache where possible."""
        sequence, out = TestSequence(), []
        self.new_test()
        for call in calls:
            sequence.add(call)
            out.append(self.outcome(sequence))
        return out

    def new_test(self) -> None:
        self._executed = None

    def _restart(self) -> None:
        if self.runner is None:
            self.runner = self._make()
        self.runner.end_test()
        self.runner.begin_test()
        self._executed = []

    def _execute(self, call: Call, key: str) -> Outcome:
        outcome = self.runner.call(call)
        if outcome.status in ("ok", "raised"):     # a timeout on a busy machine is not a property of the code
            self.cache[key] = outcome
        self._executed.append(key)
        return outcome

    def close(self) -> None:
        """End the child (the cache stays): the next call that misses forks a fresh one."""
        if self.runner is not None:
            self.runner.end_test()
            self.runner.close()
            self.runner = None
        self._executed = None


class RecordedRunner:
    """Outcomes recorded by `kata release`; a sequence that was not recorded is ``missing``."""

    def __init__(self, cache: dict[str, Outcome]):
        self.cache = cache

    def outcome(self, sequence: TestSequence) -> Outcome:
        return self.cache.get(sequence.keys[-1]) or Outcome("missing")

    def outcomes(self, calls: list[Call]) -> list[Outcome]:
        sequence, out = TestSequence(), []
        for call in calls:
            sequence.add(call)
            out.append(self.outcome(sequence))
        return out

    def new_test(self) -> None:
        pass

    def close(self) -> None:
        pass


def copied(value: Any) -> Any:
    """A private copy of a (possibly cached) plain value: spec code may change what it was handed.
    Plain data only holds tensors, numbers, strings and containers, so this is all a copy needs."""
    import torch
    kind = type(value)
    if kind is torch.Tensor:
        clone = value.detach().clone()
        return clone.requires_grad_(value.requires_grad) if value.requires_grad else clone
    if kind is list:
        return [copied(v) for v in value]
    if kind is tuple:
        return tuple(copied(v) for v in value)
    if kind is dict:
        return {k: copied(v) for k, v in value.items()}
    return value


# --- recordings (kata release) -------------------------------------------------------------

RECORDING_FORMAT = 1


def save_recordings(path: Path, reference: dict[str, Outcome], mutants: dict[str, dict[str, Outcome]],
                    hidden: dict) -> None:
    """Write a kata's recorded outcomes (tensors with torch.save; read back with weights_only)."""
    import torch
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": RECORDING_FORMAT, "hidden": hidden,
            "reference": {k: outcome_data(o) for k, o in reference.items()},
            "mutants": {name: {k: outcome_data(o) for k, o in cache.items()} for name, cache in mutants.items()}}
    torch.save(data, path)


def load_recordings(path: Path) -> tuple[dict[str, Outcome], dict[str, dict[str, Outcome]], dict]:
    import torch
    try:
        data = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 — a damaged file is reported, whatever torch raised
        raise ValueError(f"{path}: recorded reference values cannot be read ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != RECORDING_FORMAT:
        raise ValueError(f"{path}: not a torchkata recording (format {RECORDING_FORMAT})")
    try:
        reference = {k: outcome_from_data(v) for k, v in data["reference"].items()}
        mutants = {name: {k: outcome_from_data(v) for k, v in cache.items()} for name, cache in data["mutants"].items()}
        hidden = {"tests": int(data["hidden"]["tests"]), "points": float(data["hidden"]["points"])}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: recording is malformed ({exc})") from None
    return reference, mutants, hidden


def call_data(call: Call) -> dict:
    return {"name": call.name, "harness": call.harness, "args": call.args, "kwargs": call.kwargs,
            "count_ops": call.count_ops, "probe": call.probe}


def call_from_data(data: dict) -> Call:
    return Call(str(data["name"]), bool(data["harness"]), data["args"], data["kwargs"], bool(data["count_ops"]),
                str(data.get("probe") or ""))


def outcome_data(outcome: Outcome) -> dict:
    """An outcome as recorded data. Of an exception's frames only the hashed form of the line where it
    surfaced is kept (mutant matching compares it; see torchkata.diagnosis.origin): no source text."""
    from torchkata.diagnosis import origin
    info = {k: v for k, v in outcome.info.items() if k in ("type", "message")}
    if outcome.status == "raised":
        info["origin"] = origin(outcome.info) or ""
    return {"status": outcome.status, "value": outcome.value, "info": info, "ops": outcome.ops}


def outcome_from_data(data: dict) -> Outcome:
    if data["status"] not in ("ok", "raised"):
        raise ValueError(f"unexpected status {data['status']!r}")
    return Outcome(data["status"], value=data["value"], info=dict(data["info"]), ops=data["ops"])
