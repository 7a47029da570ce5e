"""`kata watch`: re-check the current kata every time its file is saved.

The trusted process and the worker stay warm and the course's specs are collected once,
so a save costs one confined run of the learner's code (the reference's answers are
cached). Each result is shown on a cleared screen; after a pass, the reference solution
for comparison and an offer of the next kata. Keys: h hint, l list, n next, r reset
(asks first), q quit. A submission that hangs, crashes or kills its process only fails
its own tests: the next save is graded as usual.
"""
from __future__ import annotations

import os
import shutil
import sys
import time

import click

from torchkata.catalogue import Course, Kata
from torchkata.cli import (EXIT_OK, State, common_options, echo, main, min_isolation_option, pick_kata,
                           require_isolation, texts)
from torchkata.cli.learn import backup_submission, catalogue_lines, keep_solution, passed, record_progress, wrap
from torchkata.workspace import Workspace


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
            pass
    echo(texts.say("watch_bye", state.lang))
    sys.exit(EXIT_OK)


class WatchSession:
    """The watch loop: runs inside the grader's pytest session (see engine.open_grader)."""

    def __init__(self, lang: str, workspace: Workspace, course: Course, kata: Kata):
        self.lang, self.workspace, self.course = lang, workspace, course
        self.kata = kata
        self.grader = None
        self.screen: list[str] = []
        self.extra: list[str] = []          # hints or the list, below the result
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
        self.extra = [click.style(f"{self.kata.title.get(self.lang)}  ({self.kata.slug}, "
                                  f"{texts.points(self.kata.points, self.lang)})", bold=True),
                      *self.kata.prompt.get(self.lang).splitlines()]

    def _grade(self) -> None:
        from torchkata import engine
        from torchkata.render import result_lines

        echo(click.style(texts.say("watch_grading", self.lang), fg="bright_black"))   # below the old result
        sys.stdout.flush()
        started = time.monotonic()
        result = self.grader.grade([(self.kata, self.path)], engine.Options(lang=self.lang))[0]
        if not hasattr(result, "totals"):          # a KataError: the kata itself is broken
            self._draw([click.style(str(result), fg="red")])
            return
        record_progress(self.workspace, self.course, result)
        lines = result_lines(result)
        self.last_passed = passed(result)
        if self.last_passed:
            solution = keep_solution(self.kata, self.course, self.workspace)
            if solution is not None:
                lines += ["", click.style(texts.say("solution_header", self.lang, path=os.path.relpath(solution)),
                                          bold=True)]
                lines += solution.read_text(encoding="utf-8").rstrip().splitlines()
            lines += ["", click.style(texts.say("solved_next", self.lang), fg="green"),
                      texts.say("watch_next_offer", self.lang)]
        lines.append(click.style(texts.say("watch_seconds", self.lang, seconds=time.monotonic() - started),
                                 fg="bright_black"))
        self._draw(lines)

    def _draw(self, body: list[str], keep_extra: bool = True) -> None:
        self.screen = body
        click.clear()
        header = [click.style(texts.say("watch_title", self.lang, slug=self.kata.slug,
                                        title=self.kata.title.get(self.lang)), bold=True),
                  texts.say("watch_waiting", self.lang, path=os.path.relpath(self.path)),
                  click.style(texts.say("watch_keys", self.lang), fg="bright_black"), ""]
        for line in header + body + ([""] + self.extra if keep_extra and self.extra else []):
            echo(line)
        sys.stdout.flush()

    def _key(self, key: str | None) -> str | None:
        if key is None:
            return None
        if self.confirming_reset:
            self.confirming_reset = False
            if key == "y":
                self._reset()
                return "switch"
            self.extra = [texts.say("nothing_changed", self.lang)]
            self._draw(self.screen)
            return None
        if key == "q":
            return "quit"
        if key == "h":
            self.extra = self._hint_lines()
        elif key == "l":
            self.extra = catalogue_lines(self.course, self.workspace.progress(), self.lang)
        elif key == "n":
            following = self._next_kata()
            if following is not None:
                self.kata = following
                return "switch"
            self.extra = [texts.say("all_solved", self.lang)]
        elif key == "r":
            self.confirming_reset = True
            self.extra = [click.style(texts.say("watch_reset_confirm", self.lang, path=os.path.relpath(self.path)),
                                      fg="yellow")]
        else:
            return None
        self._draw(self.screen)
        return None

    def _hint_lines(self) -> list[str]:
        progress = self.workspace.progress()
        entry = progress.of(self.kata.slug)
        entry.hints_shown = min(entry.hints_shown + 1, len(self.kata.hints))
        progress.save()
        width = max(shutil.get_terminal_size((80, 24)).columns, 40)
        lines = []
        for number, text in enumerate(self.kata.hints[:entry.hints_shown], start=1):
            lines.append(click.style(f"{texts.say('hint_label', self.lang)} {number}/{len(self.kata.hints)}",
                                     bold=True))
            lines += ["    " + line for line in wrap(text.get(self.lang), width - 4)]
        return lines

    def _next_kata(self) -> Kata | None:
        """The first unsolved kata after this one (then from the start)."""
        progress = self.workspace.progress()
        katas = self.course.katas
        start = katas.index(self.kata) if self.kata in katas else -1
        for kata in katas[start + 1:] + katas[:start + 1]:
            if kata is not self.kata and not progress.of(kata.slug).solved:
                return kata
        return None

    def _reset(self) -> None:
        backup_submission(self.workspace, self.kata)
        shutil.copyfile(self.kata.stub, self.path)
        progress = self.workspace.progress()
        progress.katas.pop(self.kata.slug, None)
        progress.save()
