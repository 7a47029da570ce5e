"""The ``kata`` command: a thin click layer over courses, workspaces, the engine and the views.

One module per user-facing area: :mod:`.learn` (init, list, next, show, check, hint, reset,
status), :mod:`.watch`, :mod:`.author` (new-course, new, validate, release), :mod:`.collect`
and :mod:`.classroom` (grade, merge, export, leaderboard).

Exit codes: 0 all tests passed (or nothing to grade), 1 some tests did not pass or some
learner could not be graded, 2 usage error, malformed course or kata, unreadable input
(the message names the file, field or argument), 3 the confinement the probes show here is
below ``--min-isolation`` (nothing was graded).

Heavy imports (torch, pytest) happen inside the commands that need them, after the
worker has been started, so both processes import torch in parallel.
"""
from __future__ import annotations

import difflib
import functools
import os
import signal
import sys
import threading
from pathlib import Path

import click

from torchkata import __version__
from torchkata.catalogue import Course, Kata, KataError, find_course, load_course
from torchkata.cli import texts
from torchkata.i18n import LANGS, detect_lang
from torchkata.workspace import Workspace, find_workspace, resolve_course_root

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ISOLATION = 0, 1, 2, 3


class State:
    """What every command needs: the options given, and the workspace and course they lead to."""

    def __init__(self):
        self.course_option: Path | None = None
        self.lang_option: str | None = None

    @property
    def lang(self) -> str:
        return detect_lang(self.lang_option)

    @functools.cached_property
    def workspace(self) -> Workspace | None:
        return find_workspace()

    @functools.cached_property
    def course(self) -> Course:
        """Loaded once per command (commands read it several times)."""
        workspace_course = resolve_course_root(self.workspace) if self.course_option is None else None
        return load_course(find_course(self.course_option, workspace_course))

    def require_workspace(self) -> Workspace:
        if self.workspace is None:
            raise KataError(texts.say("no_workspace", self.lang, here=os.getcwd()))
        return self.workspace

    def kata(self, slug: str) -> Kata:
        """The course's kata SLUG; an unknown slug is an error in the learner's language, with a did-you-mean."""
        course = self.course
        if slug in course.broken or any(kata.slug == slug for kata in course.katas):
            return course.get(slug)
        close = difflib.get_close_matches(slug, [kata.slug for kata in course.katas], n=1)
        key = "unknown_kata_close" if close else "unknown_kata"
        raise KataError(texts.say(key, self.lang, slug=slug, course=course.root, close=close[0] if close else ""))

    def warn_broken(self) -> None:
        """A broken kata is named once on stderr; the others keep working."""
        for slug, error in self.course.broken.items():
            echo(click.style(texts.say("broken_kata", self.lang, slug=slug, error=error), fg="yellow"), err=True)


def use_colour() -> bool | None:
    """None lets click decide (colour on terminals only); NO_COLOR turns it off everywhere."""
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    click.echo(text, err=err, color=use_colour(), nl=nl)


def _set_course(ctx: click.Context, _param, value):
    if value is not None:
        ctx.ensure_object(State).course_option = Path(value)
    return value


def _set_lang(ctx: click.Context, _param, value):
    if value is not None:
        ctx.ensure_object(State).lang_option = value
    return value


def common_options(command):
    """--course and --lang, accepted by every command as well as before it."""
    command = click.option("--lang", type=click.Choice(LANGS), expose_value=False, callback=_set_lang,
                           is_eager=True, help=texts.option_help("lang"))(command)
    command = click.option("--course", type=click.Path(file_okay=False), expose_value=False,
                           callback=_set_course, help=texts.option_help("course"))(command)
    return command


class KataCommand(click.Command):
    """Help in the learner's language; KataError becomes a message naming the problem and exit 2."""

    def get_help(self, ctx: click.Context) -> str:
        texts.localise_command(self, detect_lang(_lang_from_argv()), ctx)
        return super().get_help(ctx)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KataError as exc:
            lang = ctx.find_object(State).lang if ctx.find_object(State) else detect_lang()
            echo(click.style(f"{texts.say('error', lang)}: {exc}", fg="red"), err=True)
            ctx.exit(EXIT_USAGE)


class KataGroup(click.Group):
    command_class = KataCommand

    def main(self, args=None, *rest, **options):
        """Before parsing: click's own words (usage errors, --help) follow the chosen language."""
        global _ARGS
        _ARGS = list(sys.argv[1:] if args is None else args)
        texts.install_click_translation(detect_lang(_lang_from_argv()))
        _exit_cleanly_on_sigterm()
        return super().main(args, *rest, **options)

    def get_help(self, ctx: click.Context) -> str:
        texts.localise_group(self, detect_lang(_lang_from_argv()), ctx)
        return super().get_help(ctx)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KataError as exc:
            echo(click.style(f"{texts.say('error', detect_lang(_lang_from_argv()))}: {exc}", fg="red"), err=True)
            ctx.exit(EXIT_USAGE)


_ARGS: list[str] = []


_TERMINATED: list[int] = []


def _exit_cleanly_on_sigterm() -> None:
    """A terminated `kata` (CI cancel, Slurm time limit) still stops its worker and removes its temporary folders.

    The signal is remembered as well as raised: a library that waits in native code (watchfiles) may turn
    the SystemExit into a KeyboardInterrupt, and the command then still ends with 128 + the signal."""
    def stop(signum, frame):
        _TERMINATED.append(signum)
        raise SystemExit(128 + signum)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def terminated_status() -> int | None:
    """128 + the signal that terminated this command, or None if none did."""
    return 128 + _TERMINATED[0] if _TERMINATED else None


def _lang_from_argv() -> str | None:
    """--lang as typed, for help and errors printed before the options are parsed."""
    argv = _ARGS
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in LANGS:
            return argv[index + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            return arg.split("=", 1)[1]
    return None


@click.group(cls=KataGroup)
@click.version_option(__version__, prog_name="kata")
@common_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """torchkata: learn PyTorch one kata at a time."""
    ctx.ensure_object(State)


def min_isolation_option(command):
    """--min-isolation LEVEL: grade only where the probes show at least that confinement."""
    from torchkata.isolation import LEVELS
    return click.option("--min-isolation", type=click.Choice(LEVELS), default="none", show_default=True,
                        envvar="TORCHKATA_MIN_ISOLATION", help=texts.option_help("min_isolation"))(command)


def require_isolation(worker, lang: str) -> None:
    """Probe one confined child (no learner code) and exit with EXIT_ISOLATION below --min-isolation."""
    from torchkata.launcher import IsolationTooWeak
    if worker.min_isolation == "none":
        return
    try:
        worker.require_isolation()
    except IsolationTooWeak as exc:
        refuse_below(exc, lang)


def refuse_below(exc, lang: str) -> None:
    missing = "; ".join(exc.report.get("missing", [])) or "-"
    echo(click.style(texts.say("isolation_too_weak", lang, level=exc.report.get("level", "none"),
                               minimum=exc.minimum, missing=missing), fg="red"), err=True)
    sys.exit(EXIT_ISOLATION)


def pick_kata(state: State, slug: str | None) -> Kata:
    """SLUG, else the current kata, else the first one not yet solved."""
    course = state.course
    if slug:
        return state.kata(slug)
    progress = state.workspace.progress() if state.workspace else None
    if progress and progress.current:
        try:
            return course.get(progress.current)
        except KataError:
            pass
    unsolved = [k for k in course.katas if not (progress and progress.of(k.slug).solved)]
    if not course.katas:
        raise KataError(texts.say("empty_course", state.lang, course=course.root))
    return (unsolved or course.katas)[0]


# Register the commands (each module adds its own to `main`).
from torchkata.cli import author, classroom, collect, learn, watch  # noqa: E402,F401
