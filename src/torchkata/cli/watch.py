"""`kata watch`: re-check the current kata every time its file is saved.

The trusted process and the worker stay warm and the course's specs are collected once,
so a save costs one confined run of the learner's code (the reference's answers are
cached). Each result is shown on a cleared screen that fits the terminal: the title at
the top, the keys at the bottom, and in between the result, then the prompt, a hint or
the list, wrapped to the terminal's width and paged (space / b) when longer than the
screen. After a pass, the reference solution for comparison and an offer of the next
kata. Keys: h hint, l list, n next (where `kata next` goes), r reset (asks first, then
says where the backup is), q quit. A submission that hangs, crashes or kills its process
only fails its own tests: the next save is graded as usual.
"""
from __future__ import annotations

import shutil
import sys
import time

import click

from torchkata.catalogue import Course, Kata
from torchkata.i18n import t
from torchkata.cli import (EXIT_OK, State, common_options, echo, main, min_isolation_option, pick_kata,
                           require_isolation, terminated_status, texts)
from torchkata.cli.learn import (backup_submission, catalogue_lines, first_unsolved, hint_lines, keep_solution,
                                 passed, record_progress)
from torchkata.workspace import Workspace

PAGE_KEYS = {" ": 1, "j": 1, "b": -1, "k": -1}
MIN_ROWS = 3          # body rows shown however small the terminal


@main.command()
@click.argument("slug", required=False)
@min_isolation_option
@common_options
@click.pass_obj
def watch(state: State, slug: str | None, min_isolation: str) -> None:
    """Re-check the current kata each time you save its file (h hint, l list, n next, r reset, q quit)."""
    from torchkata.launcher import Worker

    workspace, course = state.require_workspace(), state.course
    kata = pick_kata(state, slug)
    preload = tuple(sorted({name for k in course.katas for name in k.preload}))
    with Worker(preload=preload, min_isolation=min_isolation) as worker:
        from torchkata import engine
        require_isolation(worker, state.lang)
        session = WatchSession(state.lang, workspace, course, kata)
        try:
            engine.open_grader(course, course.katas, worker, session.run)
        except KeyboardInterrupt:
            # watchfiles turns any signal that arrives while it waits into KeyboardInterrupt, SIGTERM's
            # SystemExit included: a terminated watch must still end with 128 + SIGTERM, not 0.
            if terminated_status() is not None:
                sys.exit(terminated_status())
    echo()
    echo(texts.say("watch_bye", state.lang))
    sys.exit(EXIT_OK)


class WatchSession:
    """The watch loop: runs inside the grader's pytest session (see engine.open_grader)."""

    def __init__(self, lang: str, workspace: Workspace, course: Course, kata: Kata):
        self.lang, self.workspace, self.course = lang, workspace, course
        self.kata = kata
        self.grader = None
        self.result = None                  # the last result (None: the kata could not be graded)
        self.body: list[str] = []           # what follows it: after a pass, the way on and the solution
        self.extra: list[str] = []          # the prompt, hints, the list or a notice, below the result
        self.notice: list[str] = []         # said once, above the next kata's prompt (where the backup went)
        self.status = ""                    # the footer's first line: "graded in 0.12 s", "grading…"
        self.score = ""                     # the result's score line, repeated in the footer when paged
        self.offset = 0                     # the first body line shown, when the screen holds less than all
        self.room = 1                       # how many body lines the screen holds (a page)
        self.size = (0, 0)
        self.confirming_reset = False
        self.last_passed = False

    def run(self, grader) -> None:
        from torchkata.filewatch import FileWatch, Keys

        self.grader = grader
        with Keys() as keys:
            while True:
                self._start_kata()
                watch = FileWatch(self.path)
                self._grade()
                for changed in watch.ticks():
                    if changed:
                        self.extra = []
                        self._grade()
                    action = self._key(keys.read())
                    if action == "quit":
                        return
                    if action == "switch":
                        break
                    if action is None and _terminal_size() != self.size:
                        self._draw()                # the terminal was resized: fit it again

    @property
    def path(self):
        return self.workspace.submission(self.kata)

    def _start_kata(self) -> None:
        progress = self.workspace.progress()
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.kata.stub, self.path)
        progress.current = self.kata.slug
        progress.save()
        self.confirming_reset = False
        self.extra = [*self.notice, *([""] if self.notice else []),
                      click.style(f"{self.kata.title.get(self.lang)}  ({self.kata.slug}, "
                                  f"{texts.points(self.kata.points, self.lang)})", bold=True),
                      *self.kata.prompt.get(self.lang).splitlines()]
        self.notice = []

    def _grade(self) -> None:
        from torchkata import engine
        from torchkata.render import result_lines

        self._show_status(click.style(texts.say("watch_grading", self.lang), fg="bright_black"))
        started = time.monotonic()
        result = self.grader.grade([(self.kata, self._submission())], engine.Options(lang=self.lang))[0]
        self.offset = 0
        if not hasattr(result, "totals"):          # a KataError: the kata itself is broken
            self.result, self.body, self.status = None, [click.style(str(result), fg="red")], ""
            self._draw()
            return
        record_progress(self.workspace, self.course, result)
        self.result, lines = result, []
        self.last_passed = passed(result)
        if self.last_passed:
            lines += [click.style(texts.say("solved_next", self.lang), fg="green"),
                      texts.say("watch_next_offer", self.lang)]
            solution = keep_solution(self.kata, self.course, self.workspace)
            if solution is not None:
                lines += ["", click.style(texts.say("solution_header", self.lang,
                                                    path=self.workspace.shown(solution)), bold=True)]
                lines += solution.read_text(encoding="utf-8").rstrip().splitlines()
        self.body = lines
        score = t("score", self.lang) + ":"
        self.score = next((line for line in result_lines(result) if _plain(line).startswith(score)), "")
        self.status = texts.say("watch_seconds", self.lang, seconds=time.monotonic() - started)
        self._draw()

    def _submission(self):
        """The file as the learner knows it (submissions/x.py, from wherever they stand); the grader reports
        a file it cannot read."""
        from torchkata.learner_files import SubmissionProblem, read_submission
        try:
            return read_submission(self.path, display=self.workspace.shown(self.path))
        except SubmissionProblem:
            return self.path

    # --- the screen -------------------------------------------------------------------

    def screen(self, width: int, height: int) -> list[str]:
        """Every line of the screen, at most ``height``, none wider than ``width`` columns: the header,
        a page of the result and what is below it, the status line and the keys. When the result does not
        fit, the tests that passed are folded into one line; what still does not fit is paged."""
        from torchkata.render import wrap_all

        header = wrap_all([click.style(texts.say("watch_title", self.lang, slug=self.kata.slug,
                                                 title=self.kata.title.get(self.lang)), bold=True),
                           texts.say("watch_waiting", self.lang, path=self.workspace.shown(self.path))], width)
        keys = wrap_all([click.style(texts.say("watch_keys", self.lang), fg="bright_black")], width)
        room = max(height - len(header) - 1 - 1 - len(keys), MIN_ROWS)
        content = wrap_all(self._body(fold=False) + ([""] + self.extra if self.extra else []), width)
        if len(content) > room:
            content = wrap_all(self._body(fold=True) + ([""] + self.extra if self.extra else []), width)
        status = self.status
        if len(content) > room:
            self.offset = max(0, min(self.offset, len(content) - room))
            page = texts.say("watch_page", self.lang, first=self.offset + 1,
                             last=min(self.offset + room, len(content)), total=len(content))
            status = " · ".join(part for part in (_plain(self.score), page, status) if part)
        else:
            self.offset = 0
        footer = wrap_all([click.style(status, fg="bright_black")], width) + keys
        room = max(min(room, height - len(header) - 1 - len(footer)), MIN_ROWS)    # a status that wrapped
        self.room = room
        return [*header, "", *content[self.offset:self.offset + room], *footer]

    def _body(self, fold: bool) -> list[str]:
        """The result without its title (the header says it), then what follows it."""
        from torchkata.render import result_lines
        shown = result_lines(self.result, fold_passed=fold)[1:] if self.result is not None else []
        return [*shown, *([""] if shown and self.body else []), *self.body]

    def _draw(self, focus_extra: bool = False) -> None:
        """Clear the screen and show it (the last line without a newline, so nothing scrolls away)."""
        self.size = width, height = _terminal_size()
        if focus_extra and self.extra:
            self.offset = 1 << 30           # the last page: the hint, list or question just asked for
        lines = self.screen(width, height)
        click.clear()
        echo("\n".join(lines), nl=False)
        sys.stdout.flush()

    def _show_status(self, status: str) -> None:
        """A new status line under the result on screen (it stays there while a save is graded)."""
        self.status = status
        if self.result is not None or self.body:
            self._draw()

    # --- keys -------------------------------------------------------------------------

    def _key(self, key: str | None) -> str | None:
        if key is None:
            return None
        if self.confirming_reset:
            self.confirming_reset = False
            if key == "y":
                self._reset()
                return "switch"
            self.extra = [texts.say("nothing_changed", self.lang)]
            self._draw(focus_extra=True)
            return None
        if key == "q":
            return "quit"
        if key in PAGE_KEYS:
            self.offset += PAGE_KEYS[key] * self.room
            self._draw()
            return None
        if key == "h":
            self.extra = self._hint_lines()
        elif key == "l":
            self.extra = catalogue_lines(self.course, self.workspace.progress(), self.lang)
        elif key == "n":
            following = first_unsolved(self.course, self.workspace.progress())
            if following is None:
                self.extra = [texts.say("all_solved", self.lang)]
            elif following.slug == self.kata.slug:
                self.extra = [texts.say("watch_next_same", self.lang, slug=self.kata.slug)]
            else:
                self.kata = following
                return "switch"
        elif key == "r":
            self.confirming_reset = True
            self.extra = [click.style(texts.say("watch_reset_confirm", self.lang,
                                                path=self.workspace.shown(self.path)), fg="yellow")]
        else:
            return None
        self._draw(focus_extra=True)
        return None

    def _hint_lines(self) -> list[str]:
        progress = self.workspace.progress()
        entry = progress.of(self.kata.slug)
        entry.hints_shown = min(entry.hints_shown + 1, len(self.kata.hints))
        progress.save()
        return hint_lines(self.kata, entry.hints_shown, self.lang, _terminal_size()[0])

    def _reset(self) -> None:
        backup = backup_submission(self.workspace, self.kata)
        shutil.copyfile(self.kata.stub, self.path)
        progress = self.workspace.progress()
        progress.katas.pop(self.kata.slug, None)
        progress.save()
        self.notice = [click.style(texts.say("backup_made", self.lang, path=self.workspace.shown(backup)),
                                   fg="yellow")] if backup is not None else []
        self.notice.append(texts.say("reset_done", self.lang, slug=self.kata.slug,
                                     path=self.workspace.shown(self.path)))


def _terminal_size() -> tuple[int, int]:
    size = shutil.get_terminal_size((80, 24))
    return max(size.columns, 20), max(size.lines, 8)


def _plain(line: str) -> str:
    return click.unstyle(line)
