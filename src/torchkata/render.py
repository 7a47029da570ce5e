"""Terminal views of the result model (colour is decided by the CLI).

A report lists every test on one line, then each distinct piece of feedback once, with
the tests it covers: a stub that fails thirteen tests the same way reads as one message,
not thirteen.
"""
from __future__ import annotations

import click

from torchkata.i18n import display_width, pad, t
from torchkata.results import KataResult, TestResult

_MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
          "timeout": ("⏱", "yellow"), "skipped": ("-", "bright_black")}
MAX_OUTPUT_LINES = 20


def _points(value: float) -> str:
    return f"{value:g}"


def feedback_groups(tests: list[TestResult]) -> list[tuple[str, list[TestResult]]]:
    """Each distinct feedback (diagnosis, message, printed output) once, with the tests it covers."""
    groups: dict[tuple[str, str], list[TestResult]] = {}
    for test in tests:
        if test.status != "passed" and (test.feedback or test.output):
            groups.setdefault((test.feedback, test.output), []).append(test)
    return [(feedback, members) for (feedback, _), members in groups.items()]


def result_lines(result: KataResult, verbose: bool = True) -> list[str]:
    lang = result.lang
    lines = [click.style(f"{result.kata} — {result.title}", bold=True)]
    groups = feedback_groups(result.tests) if verbose else []
    number = {id(test): index for index, (_, members) in enumerate(groups, start=1) for test in members}
    width = max((display_width(_label(test, lang)) for test in result.tests), default=10)
    specs = [test for test in result.tests if test.kind != "rule"]
    rules = [test for test in result.tests if test.kind == "rule"]
    lines += [_test_line(test, width, lang, number.get(id(test))) for test in specs]
    if rules:
        lines.append(click.style(f"  {t('rules_label', lang)}", fg="bright_black"))
        lines += [_test_line(test, width, lang, number.get(id(test))) for test in rules]
    for index, (feedback, members) in enumerate(groups, start=1):
        lines += [""] + _group_lines(index, feedback, members, lang)
    if verbose and any(test.output_withheld for test in result.tests):
        lines += ["", click.style(t("output_withheld", lang), fg="bright_black")]
    lines += [""] + summary_lines(result)
    return lines


def _label(test: TestResult, lang: str) -> str:
    return test.name + ("" if test.visibility == "public" else f" ({t('hidden', lang)})")


def _test_line(test: TestResult, width: int, lang: str, group: int | None) -> str:
    mark, colour = _MARKS[test.status]
    score = "" if test.kind == "rule" and test.max_points == 0 else f"{_points(test.points)}/{_points(test.max_points)}"
    status = t(f"status.{test.status}", lang)
    reference = f"  [{group}]" if group is not None else ""
    return (f"  {click.style(mark, fg=colour)} {pad(_label(test, lang), width)}  {score:>7}  "
            f"{click.style(status, fg=colour)}{reference}")


def _group_lines(index: int, feedback: str, members: list[TestResult], lang: str) -> list[str]:
    names = ", ".join(test.name for test in members)
    colour = "bright_black" if all(test.status == "skipped" for test in members) else None
    lines = [click.style(f"[{index}] {names}", bold=True)]
    lines += [click.style("    " + line, fg=colour) for line in feedback.splitlines()]
    output = members[0].output
    if output:
        lines.append(f"    {t('output', lang)}:")
        shown = output.splitlines()
        lines += ["      " + line for line in shown[:MAX_OUTPUT_LINES]]
        if len(shown) > MAX_OUTPUT_LINES:
            lines.append(f"      … ({len(shown) - MAX_OUTPUT_LINES} more lines)")
    return lines


def summary_lines(result: KataResult) -> list[str]:
    lang, totals = result.lang, result.totals
    lines = [click.style(f"{t('score', lang)}: {_points(totals.points)}/{_points(totals.max_points)}", bold=True)]
    shown = {test.message for test in result.tests}
    for error in result.errors:
        if error not in shown:
            lines.append(click.style(error, fg="red"))
    if totals.withheld_by:
        lines.append(click.style(t("withheld", lang, rules=", ".join(totals.withheld_by)), fg="red"))
    counted = [test for test in result.tests if test.counted and test.kind != "missing"]
    not_passed = [test for test in counted if test.status != "passed"]
    if not_passed:
        lines.append(t("some_failed", lang, count=len(not_passed), total=len(counted)))
    if result.devices_not_run:
        lines.append(click.style(t("devices_not_run", lang, devices=", ".join(d.upper() for d in result.devices_not_run)),
                                 fg="yellow"))
    if not result.hidden_run:
        key = "hidden_by_instructor" if result.hidden_skipped.get("by_instructor") else "hidden_not_run"
        lines.append(click.style(t(key, lang, count=totals.hidden_not_run, points=totals.hidden_points_not_run),
                                 fg="yellow"))
    elif totals.all_passed and not result.errors:
        lines.append(click.style(t("all_passed", lang), fg="green"))
    if any(test.visibility == "hidden" and test.status != "passed" for test in result.tests):
        lines.append(t("hidden_note", lang))
    isolation = result.isolation
    if isolation.get("mechanisms"):
        lines.append(click.style(f"{t('isolation', lang)}: {isolation['level']} ({', '.join(isolation['mechanisms'])})",
                                 fg="bright_black"))
    if isolation.get("missing"):
        lines.append(click.style(f"{t('isolation_missing', lang)}: {'; '.join(isolation['missing'])}", fg="bright_black"))
    return lines
