"""Terminal views of the result model and the catalogue (colour is decided by the CLI)."""
from __future__ import annotations

import click

from grader.i18n import t
from grader.results import KataResult, TestResult

_MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
          "timeout": ("⏱", "yellow"), "skipped": ("-", "bright_black")}


def _points(value: float) -> str:
    return f"{value:g}"


def result_lines(result: KataResult, verbose: bool = True) -> list[str]:
    lang = result.lang
    lines = [click.style(f"{result.kata} — {result.title}", bold=True)]
    width = max((len(test.name) for test in result.tests), default=10)
    for test in result.tests:
        lines.append(_test_line(test, width, lang))
        if verbose and test.status != "passed" and test.message:
            lines += [click.style("      " + line, fg="bright_black" if test.status == "skipped" else None)
                      for line in test.message.splitlines()]
        if verbose and test.status != "passed" and test.output:
            lines.append(f"      {t('output', lang)}:")
            lines += ["        " + line for line in test.output.splitlines()[:20]]
    lines += [""] + summary_lines(result)
    return lines


def _test_line(test: TestResult, width: int, lang: str) -> str:
    mark, colour = _MARKS[test.status]
    label = "" if test.visibility == "public" else f"  ({t('hidden', lang)})"
    score = "" if test.kind == "rule" else f"{_points(test.points)}/{_points(test.max_points)}"
    status = t(f"status.{test.status}", lang)
    return f"  {click.style(mark, fg=colour)} {test.name.ljust(width)}  {score:>7}  {click.style(status, fg=colour)}{label}"


def summary_lines(result: KataResult) -> list[str]:
    lang, totals = result.lang, result.totals
    lines = [click.style(f"{t('score', lang)}: {_points(totals.points)}/{_points(totals.max_points)}", bold=True)]
    for error in result.errors:
        lines.append(click.style(error, fg="red"))
    if totals.withheld_by:
        lines.append(click.style(t("withheld", lang, rules=", ".join(totals.withheld_by)), fg="red"))
    counted = [test for test in result.tests if test.counted and test.kind == "spec"]
    not_passed = [test for test in counted if test.status != "passed"]
    if not_passed:
        lines.append(t("some_failed", lang, count=len(not_passed), total=len(counted)))
    if not result.hidden_run:
        lines.append(click.style(t("hidden_not_run", lang, count=totals.hidden_not_run,
                                   points=totals.hidden_points_not_run), fg="yellow"))
    elif totals.all_passed and not result.errors:
        lines.append(click.style(t("all_passed", lang), fg="green"))
    if any(test.visibility == "hidden" and test.status != "passed" for test in result.tests):
        lines.append(t("hidden_note", lang))
    isolation = result.isolation
    lines.append(click.style(f"{t('isolation', lang)}: {isolation['level']} ({', '.join(isolation['mechanisms'])})",
                             fg="bright_black"))
    return lines
