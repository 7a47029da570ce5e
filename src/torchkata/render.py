"""Terminal views of the result model (colour is decided by the CLI).

A report lists every test on one line, then each distinct piece of feedback once, with
the tests it covers: a stub that fails thirteen tests the same way reads as one message,
not thirteen. Functions that are still the stub's ``raise NotImplementedError`` get one
line each instead of a line per test. :func:`wrap` fits any of these lines to a terminal
(by display columns: Hangul takes two), keeping words and colours whole.

Safe by construction: the model's texts are already clean (:mod:`torchkata.text`), and every
piece of text is cleaned again here as it is placed (:func:`_shown`, :func:`_indented`), so the
only control characters a view writes are its own newlines and click's colours; learner text
(feedback, printed output) is always indented under its header and cannot pose as the report's
own lines (a score, "All tests passed").
"""
from __future__ import annotations

import re

import click

from torchkata.i18n import display_width, pad, t
from torchkata.results import KataResult, TestResult
from torchkata.text import clean, one_line

_MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
          "timeout": ("⏱", "yellow"), "skipped": ("-", "bright_black")}
MAX_OUTPUT_LINES = 20


def _points(value: float) -> str:
    return f"{value:g}"


def _shown(text: object) -> str:
    """A name or label on one line, with no control character."""
    return one_line(text, None)


def _indented(text: str, prefix: str) -> list[str]:
    """Each line of a (possibly learner-written) text, cleaned, behind ``prefix``."""
    return [prefix + line for line in clean(text, None).splitlines()]


def feedback_groups(tests: list[TestResult]) -> list[tuple[str, list[TestResult]]]:
    """Each distinct feedback (diagnosis, message, printed output) once, with the tests it covers."""
    groups: dict[tuple[str, str], list[TestResult]] = {}
    for test in tests:
        if test.status != "passed" and (test.feedback or test.output):
            groups.setdefault((test.feedback, test.output), []).append(test)
    return [(feedback, members) for (feedback, _), members in groups.items()]


def unwritten(test: TestResult) -> bool:
    """The test failed only because the function it calls is still the stub."""
    return test.status == "error" and bool(test.not_written) and not test.output


def result_lines(result: KataResult, verbose: bool = True, fold_passed: bool = False) -> list[str]:
    """The report. ``fold_passed``: the spec tests that passed as one line (for a small screen)."""
    lang = result.lang
    lines = [click.style(f"{_shown(result.kata)} — {_shown(result.title)}", bold=True)]
    stubs = [test for test in result.tests if unwritten(test)] if verbose else []
    listed = [test for test in result.tests if not (verbose and unwritten(test))]
    groups = feedback_groups(listed) if verbose else []
    number = {id(test): index for index, (_, members) in enumerate(groups, start=1) for test in members}
    specs = [test for test in listed if test.kind != "rule"]
    rules = [test for test in listed if test.kind == "rule"]
    folded = [test for test in specs if test.status == "passed"] if fold_passed else []
    specs = [test for test in specs if test not in folded]
    width = max((display_width(_label(test, lang)) for test in specs + rules), default=10)
    lines += [_test_line(test, width, lang, number.get(id(test))) for test in specs]
    if folded:
        lines.append(f"  {click.style('✓', fg='green')} {t('passed_folded', lang, count=len(folded))}")
    if rules:
        lines.append(click.style(f"  {t('rules_label', lang)}", fg="bright_black"))
        lines += [_test_line(test, width, lang, number.get(id(test))) for test in rules]
    if stubs:
        lines += [""] * (len(lines) > 1) + not_written_lines(stubs, result.submission.get("path", ""), lang)
    for index, (feedback, members) in enumerate(groups, start=1):
        lines += [""] + _group_lines(index, feedback, members, lang)
    if verbose and any(test.output_withheld for test in result.tests):
        lines += ["", click.style(t("output_withheld", lang), fg="bright_black")]
    lines += [""] + summary_lines(result, shown=listed)
    return lines


def not_written_lines(stubs: list[TestResult], file: str, lang: str) -> list[str]:
    """One line per function that still raises the stub's NotImplementedError, with how many tests wait on it."""
    functions: dict[str, tuple[int, int]] = {}
    for test in stubs:
        name, line = f"{_shown(test.not_written['function'])}()", int(test.not_written["line"])
        count = functions.get(name, (line, 0))[1]
        functions[name] = (min(line, functions.get(name, (line, 0))[0]), count + 1)
    width = max(display_width(name) for name in functions)
    lines = [click.style(t("not_written", lang, file=file), bold=True)]
    for name, (line, count) in sorted(functions.items(), key=lambda item: item[1][0]):
        lines.append(f"  {click.style('!', fg='red')} {pad(name, width)}  "
                     f"{click.style(t('not_written_line', lang, line=line, count=count), fg='bright_black')}")
    return lines


def _label(test: TestResult, lang: str) -> str:
    return _shown(test.name) + ("" if test.visibility == "public" else f" ({t('hidden', lang)})")


def _test_line(test: TestResult, width: int, lang: str, group: int | None) -> str:
    mark, colour = _MARKS.get(test.status, ("?", "red"))
    if test.kind == "rule" and test.max_points == 0:
        score = ""
    elif test.status == "skipped":                # counts neither for nor against: no points to show
        score = f"-/{_points(test.max_points)}"
    else:
        score = f"{_points(test.points)}/{_points(test.max_points)}"
    status = t(f"status.{test.status}", lang) if test.status in _MARKS else _shown(test.status)
    reference = f"  [{group}]" if group is not None else ""
    return (f"  {click.style(mark, fg=colour)} {pad(_label(test, lang), width)}  {score:>7}  "
            f"{click.style(status, fg=colour)}{reference}")


def _group_lines(index: int, feedback: str, members: list[TestResult], lang: str) -> list[str]:
    names = ", ".join(_shown(test.name) for test in members)
    colour = "bright_black" if all(test.status == "skipped" for test in members) else None
    lines = [click.style(f"[{index}] {names}", bold=True)]
    lines += [click.style(line, fg=colour) for line in _indented(feedback, "    ")]
    output = members[0].output
    if output:
        lines.append(f"    {t('output', lang)}:")
        shown = _indented(output, "      ")
        lines += shown[:MAX_OUTPUT_LINES]
        if len(shown) > MAX_OUTPUT_LINES:
            lines.append("      " + t("more_lines", lang, count=len(shown) - MAX_OUTPUT_LINES))
    return lines


def summary_lines(result: KataResult, shown: list[TestResult] | None = None) -> list[str]:
    """The score and what it covers. ``shown``: the tests listed one by one above (the rest were
    summed up as functions not written yet)."""
    lang, totals = result.lang, result.totals
    not_run = [test for test in result.tests if test.status == "skipped" and test.device == "cuda"]
    score = f"{t('score', lang)}: {_points(totals.points)}/{_points(totals.max_points)}"
    if not_run:
        score += " " + t("score_not_run", lang, points=sum(test.max_points for test in not_run))
    lines = [click.style(score, bold=True)]
    messages = {test.message for test in result.tests}
    for error in result.errors:
        if error not in messages:
            first, *rest = _indented(error, "  ") or ["  "]
            lines += [click.style(first[2:], fg="red"), *(click.style(line, fg="red") for line in rest)]
    if totals.withheld_by:
        lines.append(click.style(t("withheld", lang, rules=", ".join(map(_shown, totals.withheld_by))), fg="red"))
    counted = [test for test in result.tests if test.counted and test.kind != "missing"]
    not_passed = [test for test in counted if test.status != "passed"]
    if not_passed:
        lines.append(t("some_failed", lang, count=len(not_passed), total=len(counted)))
    if result.devices_not_run or not_run:
        lines.append(click.style(_not_run_line(not_run, lang), fg="yellow"))
    if not result.hidden_run:
        key = "hidden_by_instructor" if result.hidden_skipped.get("by_instructor") else "hidden_not_run"
        lines.append(click.style(t(key, lang, count=totals.hidden_not_run, points=totals.hidden_points_not_run),
                                 fg="yellow"))
    elif totals.all_passed and not result.errors and not result.devices_not_run and not not_run:
        lines.append(click.style(t("all_passed", lang), fg="green"))
    listed = result.tests if shown is None else shown
    if any(test.visibility == "hidden" and test.status not in ("passed", "skipped") for test in listed):
        lines.append(t("hidden_note", lang))
    isolation = result.isolation
    if isolation.get("mechanisms"):
        level = str(isolation.get("level", ""))
        name = t(f"isolation.{level}", lang) if f"isolation.{level}" in _ISOLATION_LEVELS else _shown(level)
        mechanisms = ", ".join(_shown(m) for m in isolation["mechanisms"])
        lines.append(click.style(f"{t('isolation', lang)}: {name} ({mechanisms})",
                                 fg="bright_black"))
    if isolation.get("missing"):
        lines.append(click.style(f"{t('isolation_missing', lang)}: {'; '.join(_shown(m) for m in isolation['missing'])}", fg="bright_black"))
    return lines


_ISOLATION_LEVELS = {"isolation.strong", "isolation.partial", "isolation.basic", "isolation.none"}


def _not_run_line(not_run: list[TestResult], lang: str) -> str:
    """Which CUDA tests did not run, and why: no CUDA here, or a kata that runs on the CPU only."""
    if not not_run:
        return t("devices_missing", lang)
    cpu_only = all(test.message == t("not_run_no_cuda_kata", lang) for test in not_run)
    key = "devices_not_run_kata" if cpu_only else "devices_not_run"
    return t(key, lang, count=len(not_run), points=sum(test.max_points for test in not_run))


# --- fitting lines to a terminal --------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible_width(line: str) -> int:
    """Terminal columns ``line`` takes, colour codes aside."""
    return display_width(_ANSI.sub("", line))


def wrap(line: str, width: int) -> list[str]:
    """``line`` broken into lines of at most ``width`` columns, between words where it can be (a word
    longer than a whole line is cut). Continuation lines keep the line's indentation (and that of a
    "[n] " or "- " lead); colours carry over to each piece."""
    if visible_width(line) <= width:
        return [line]
    plain = _ANSI.sub("", line)
    lead = re.match(r"\s*(\[\d+\] |[-✓✗!⏱] )?", plain).group()
    indent = " " * min(display_width(lead), max(width // 2, 0))
    pieces, current, current_width, style = [], "", 0, ""
    for token in _tokens(line):
        if _ANSI.fullmatch(token):
            current += token
            style = "" if token in ("\x1b[0m", "\x1b[m") else style + token
            continue
        size = display_width(token)
        if current_width + size > width and current_width > display_width(indent) and current.strip():
            pieces.append(current.rstrip(" ") + ("\x1b[0m" if style else ""))
            if token.isspace():
                current, current_width = indent + style, display_width(indent)
                continue
            current, current_width = indent + style, display_width(indent)
        while current_width + size > width and size > 1:       # a word longer than the line: cut it
            room = width - current_width
            head, rest = _cut(token, room)
            if not head:
                break
            pieces.append(current + head + ("\x1b[0m" if style else ""))
            current, current_width = indent + style, display_width(indent)
            token, size = rest, display_width(rest)
        current += token
        current_width += size
    if _ANSI.sub("", current).strip():
        pieces.append(current)
    return pieces or [line]


def _tokens(line: str) -> list[str]:
    """Colour codes, runs of spaces and words (a word keeps its trailing punctuation)."""
    return [token for token in re.split(r"(\x1b\[[0-9;]*m| +)", line) if token]


def _cut(word: str, room: int) -> tuple[str, str]:
    used = 0
    for index, ch in enumerate(word):
        used += display_width(ch)
        if used > room:
            return word[:index], word[index:]
    return word, ""


def wrap_all(lines: list[str], width: int) -> list[str]:
    return [piece for line in lines for piece in wrap(line, width)]
