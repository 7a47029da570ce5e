"""The consumers of a GitHub Classroom result, modelled for tests (no network at test time).

Written from reading their code, none of it copied:

- classroom-resources/autograding-grading-reporter at 43c2d9f (src/main.js, console-results.js,
  aggregate-results.js, notify-classroom.js, helpers/test-helpers.js): for each name in the
  ``runners`` input it reads ``<NAME>_RESULTS`` (upper-cased), base64-decodes and parses it,
  prints each test (``✅ name - line N`` / ``❌ ...``, or ``Error: message`` for an error, then
  ``Test code:`` and the test code on a line of its own when there is one), a table whose score
  for a runner is ``passed tests / tests * max_score``, and finally two notices: ``Points
  total/max`` and the JSON ``{"totalPoints", "maxPoints"}`` summed from the tests' ``score``.
- actions/runner (src/Runner.Common/ActionCommand.cs, src/Runner.Worker/ActionCommandManager.cs):
  a log line is a workflow command when, after leading white space is trimmed, it starts with
  ``::name`` (TryParseV2), or when it holds ``##[name`` anywhere (the legacy TryParse), for a
  registered command name.

Where the real reporter's JavaScript can be run (node and its packages present), the tests in
test_classroom.py also compare it with this model.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field

COMMANDS = {"error", "warning", "notice", "debug", "add-mask", "add-matcher", "remove-matcher", "set-output",
            "set-env", "add-path", "save-state", "stop-commands", "group", "endgroup", "echo", "internal-set-repo-path"}
ANSI = {"reset": "\x1b[0m", "cyan": "\x1b[36m", "green": "\x1b[32m", "red": "\x1b[31m", "magenta": "\x1b[35m"}


class ReporterFailed(Exception):
    """The reporter could not read its input: it reports nothing to Classroom."""


@dataclass
class Report:
    log: list[str] = field(default_factory=list)      # every line the reporter prints
    table: list[tuple[str, float, float]] = field(default_factory=list)
    total_points: float = 0.0                         # what Classroom records
    max_points: float = 0.0
    failed: str | None = None                         # core.setFailed(...)


def _js_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def run_reporter(runners: str, environ: dict[str, str]) -> Report:
    report = Report()
    parsed = []
    for runner in runners.split(","):
        encoded = environ.get(f"{runner.strip().upper()}_RESULTS")
        if encoded is None:
            raise ReporterFailed(f"{runner}: no {runner.strip().upper()}_RESULTS")   # Buffer.from(undefined) throws
        try:
            parsed.append((runner, json.loads(base64.b64decode(encoded).decode("utf-8"))))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReporterFailed(f"{runner}: {exc}") from None
    for index, (runner, results) in enumerate(parsed):
        if index > 0:
            report.log.append(f"{ANSI['magenta']}{'🚀' * 24}{ANSI['reset']}")
            report.log.append("")
        report.log.append(f"🔄 Processing: {runner}")
        for test in results["tests"]:
            line = f" - line {test.get('line_no')}" if test.get("line_no") != 0 else ""
            if test["status"] == "pass":
                report.log.append(f"{ANSI['green']}✅ {test['name']}{line}{ANSI['reset']}")
            elif test["status"] == "error":
                report.log.extend(f"Error: {test.get('message') or 'Failed to run test ' + repr(test['name'])}\n"
                                  f"{ANSI['reset']}".split("\n"))
            else:
                report.log.append(f"{ANSI['red']}❌ {test['name']}{line}{ANSI['reset']}")
            if test.get("test_code"):
                report.log.extend(f"Test code:\n{test['test_code']}\n".split("\n"))
        if results.get("max_score"):
            report.log.append(f"Total points for {runner}: {score_of(results):.2f}/{_js_number(results['max_score'])}")
            report.log.append("")
    for runner, results in parsed:
        report.table.append((runner.strip(), score_of(results), results.get("max_score") or 0))
    for runner, results in parsed:
        if not results.get("max_score"):
            continue
        report.max_points += results["max_score"]
        report.total_points += sum(test["score"] for test in results["tests"])
    if report.max_points:
        report.log.append(f"::notice title=Autograding complete::Points {_js_number(report.total_points)}/"
                          f"{_js_number(report.max_points)}")
        report.log.append(f'::notice title=Autograding report::{{"totalPoints":{_js_number(report.total_points)},'
                          f'"maxPoints":{_js_number(report.max_points)}}}')
    if any(results["status"] == "fail" for _, results in parsed):
        report.failed = "Some tests failed."
    elif any(results["status"] == "error" for _, results in parsed):
        report.failed = "Some tests errored."
    return report


def score_of(results: dict) -> float:
    """The table's score for a runner: passed tests / tests * max_score (NaN with no tests, as in JS)."""
    tests = results["tests"]
    passed = sum(1 for test in tests if test["status"] == "pass")
    return passed / len(tests) * (results.get("max_score") or 0) if tests else float("nan")


def command_in(line: str) -> str | None:
    """The workflow command the Actions runner would run for this log line, or None."""
    trimmed = line.lstrip()
    if trimmed.startswith("::"):
        end = trimmed.find("::", 2)
        if end >= 0:
            name = trimmed[2:end].split(" ", 1)[0]
            if name in COMMANDS:
                return name
    start = line.find("##[")
    if start >= 0:
        close = line.find("]", start)
        if close >= 0:
            name = line[start + 3:close].split(" ", 1)[0]
            if name in COMMANDS:
                return name
    return None


def expected_notices(report: Report) -> list[str]:
    return [line for line in report.log if line.startswith("::notice title=Autograding")]


def github_output(text: str) -> dict[str, str]:
    """Parse ``name=value`` lines as the runner reads $GITHUB_OUTPUT (no heredoc delimiters used here)."""
    out = {}
    for line in text.splitlines():
        if line.strip():
            name, sep, value = line.partition("=")
            assert sep, f"not a name=value line: {line[:80]!r}"
            out[name] = value
    return out


def reporter_env(step: dict, outputs: dict[str, str]) -> dict[str, str]:
    """The reporter step's env, with ${{ steps.<id>.outputs.<name> }} replaced as Actions would."""
    env = {}
    for key, value in step.get("env", {}).items():
        env[key] = re.sub(r"\$\{\{\s*steps\.[\w-]+\.outputs\.([\w-]+)\s*\}\}", lambda m: outputs.get(m[1], ""),
                          str(value))
    return env
