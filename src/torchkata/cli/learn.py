"""Learner commands: init, list, next, show, check, hint, reset, status."""
from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

import click

from torchkata.catalogue import Course, Kata, KataError, load_course, find_course
from torchkata.cli import (EXIT_FAILED, EXIT_OK, State, common_options, echo, main, min_isolation_option, pick_kata,
                           require_isolation, texts)
from torchkata.i18n import display_width, pad, t
from torchkata.learner_files import SubmissionProblem, read_submission
from torchkata.results import KataResult, write_atomically
from torchkata.workspace import Workspace, init_workspace, shown_path


@main.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@common_options
@click.pass_obj
def init(state: State, directory: Path | None) -> None:
    """Create a learner workspace in DIRECTORY (default: the current folder)."""
    course = load_course(find_course(state.course_option, None, start=Path.cwd()))
    workspace = init_workspace(directory or Path.cwd(), course)
    lang = state.lang
    echo(texts.say("init_done", lang, path=shown_path(workspace.root), course=course.name))
    echo(texts.say("init_next", lang, cd=f"cd {shown_path(workspace.root)} && " if directory else ""))


@main.command("list")
@common_options
@click.pass_obj
def list_katas(state: State) -> None:
    """Show the catalogue with your progress."""
    state.warn_broken()
    progress = state.workspace.progress() if state.workspace else None
    for line in catalogue_lines(state.course, progress, state.lang):
        echo(line)


def catalogue_lines(course: Course, progress, lang: str) -> list[str]:
    """One line per kata: its number, slug, title, points and the learner's progress."""
    katas = course.katas
    slug_width = max((len(k.slug) for k in [*katas, *(_Named(s) for s in course.broken)]), default=0)
    title_width = max((display_width(k.title.get(lang)) for k in katas), default=0)
    current = progress.current if progress else None
    lines = []
    for number, kata in enumerate(katas, start=1):
        entry = progress.katas.get(kata.slug) if progress else None
        if entry and entry.solved:
            mark = click.style("✓ " + t("list.solved", lang), fg="green")
        elif entry and entry.last_checked:
            mark = click.style(f"… {entry.best_points:g}/{entry.max_points:g}", fg="yellow")
        else:
            mark = click.style("· " + t("list.not_started", lang), fg="bright_black")
        pointer = "→" if kata.slug == current else " "
        points = texts.points(kata.points, lang)
        lines.append(f"{pointer} {number:>3}  {kata.slug:<{slug_width}}  {pad(kata.title.get(lang), title_width)}  "
                     f"{points:>7}  {mark}")
    for slug in course.broken:
        lines.append(click.style(f"!      {slug:<{slug_width}}  {t('list.broken', lang)}", fg="red"))
    return lines


class _Named:
    def __init__(self, slug: str):
        self.slug = slug


@main.command("next")
@click.argument("slug", required=False)
@common_options
@click.pass_obj
def next_kata(state: State, slug: str | None) -> None:
    """Go to SLUG, or to the first kata you have not solved; creates its file from the stub."""
    lang, workspace = state.lang, state.require_workspace()
    progress = workspace.progress()
    kata = state.kata(slug) if slug else first_unsolved(state.course, progress)
    if kata is None:
        echo(click.style(texts.say("all_solved", lang), fg="green"))
        return
    target = workspace.submission(kata)
    created = not target.exists()
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.stub, target)
    progress.current = kata.slug
    progress.save()
    show_prompt(kata, lang)
    echo()
    echo(texts.say("file_created" if created else "file_exists", lang, path=workspace.shown(target)))
    echo(texts.say("next_steps", lang))


def first_unsolved(course: Course, progress) -> Kata | None:
    """Where `kata next` goes: the first kata, in course order, not yet solved (None: all are)."""
    return next((kata for kata in course.katas if not progress.of(kata.slug).solved), None)


@main.command("show")
@click.argument("slug", required=False)
@common_options
@click.pass_obj
def show(state: State, slug: str | None) -> None:
    """Print the prompt of SLUG (default: the current kata) without moving to it."""
    show_prompt(pick_kata(state, slug), state.lang)


def show_prompt(kata: Kata, lang: str) -> None:
    echo(click.style(f"{kata.title.get(lang)}  ({kata.slug}, {texts.points(kata.points, lang)})", bold=True))
    echo()
    echo(kata.prompt.get(lang))


@main.command()
@click.argument("slug", required=False)
@click.option("--submission", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=texts.option_help("submission"))
@click.option("--device", type=click.Choice(["cpu", "cuda", "all"]), default="cpu", show_default=True,
              help=texts.option_help("device"))
@click.option("--public-only", is_flag=True, help=texts.option_help("public_only"))
@click.option("--json", "as_json", is_flag=True, help=texts.option_help("json"))
@min_isolation_option
@common_options
@click.pass_obj
def check(state: State, slug: str | None, submission: Path | None, device: str, public_only: bool,
          as_json: bool, min_isolation: str) -> None:
    """Grade your submission for SLUG (default: the current kata)."""
    from torchkata.launcher import Worker

    lang, course = state.lang, state.course
    workspace = None if submission else state.require_workspace()
    kata = pick_kata(state, slug)
    path = submission or workspace.submission(kata)
    shown = shown_path(path, state.workspace.root if state.workspace else None)
    if not path.exists() and not path.is_symlink():
        hint = "" if submission else " " + texts.say("run_next", lang, slug=kata.slug)
        raise KataError(f"{shown}: {texts.say('no_such_file', lang)}{hint}")
    with Worker(preload=kata.preload, min_isolation=min_isolation) as worker:  # it imports torch while we do
        from torchkata import engine
        require_isolation(worker, lang)
        options = engine.Options(device=device, lang=lang, public_only=public_only)
        try:
            given = read_submission(path, display=shown)
        except SubmissionProblem as exc:
            result = engine.unreadable_result(kata, path, str(exc), options)
        else:
            result = engine.check(course, kata, given, worker, options)
    if workspace is not None:
        record_progress(workspace, course, result)
    if as_json:
        click.echo(result.to_json())
    else:
        report(result, kata, course, workspace, lang)
    sys.exit(EXIT_OK if passed(result) else EXIT_FAILED)


def passed(result: KataResult) -> bool:
    """Every test that was asked for ran and passed."""
    return result.totals.all_passed and not result.errors and not result.devices_not_run


def record_progress(workspace: Workspace, course: Course, result: KataResult) -> None:
    progress = workspace.progress()
    progress.record(result)
    if course.released and passed(result):
        progress.of(result.kata).solved = True    # the public specs are all a released course has
    progress.save()


def report(result: KataResult, kata: Kata, course: Course, workspace: Workspace | None, lang: str) -> None:
    """The result, then, after a pass, the reference for comparison and the way on."""
    from torchkata.render import result_lines, wrap_all
    lines = result_lines(result)
    for line in wrap_all(lines, terminal_width()) if sys.stdout.isatty() else lines:
        echo(line)
    if not passed(result) or workspace is None:
        return
    solution = keep_solution(kata, course, workspace)
    if solution is not None:
        echo()
        echo(click.style(texts.say("solution_header", lang, path=workspace.shown(solution)), bold=True))
        echo(solution.read_text(encoding="utf-8").rstrip())
    echo()
    echo(click.style(texts.say("solved_next", lang), fg="green"))


def keep_solution(kata: Kata, course: Course, workspace: Workspace) -> Path | None:
    """Write the reference into the workspace after a pass, where the course allows it."""
    if not course.show_solutions or kata.reference is None or not kata.reference.is_file():
        return None
    target = workspace.solution(kata)
    text = kata.reference.read_text(encoding="utf-8")
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_atomically(target, text)
    return target


@main.command()
@click.argument("slug", required=False)
@common_options
@click.pass_obj
def hint(state: State, slug: str | None) -> None:
    """Show one more hint each time you run it."""
    lang, workspace = state.lang, state.require_workspace()
    kata = pick_kata(state, slug)
    progress = workspace.progress()
    entry = progress.of(kata.slug)
    entry.hints_shown = min(entry.hints_shown + 1, len(kata.hints))
    progress.save()
    for line in hint_lines(kata, entry.hints_shown, lang, terminal_width()):
        echo(line)
    if entry.hints_shown == len(kata.hints):
        echo(click.style(texts.say("last_hint", lang), fg="bright_black"))


def hint_lines(kata: Kata, shown: int, lang: str, width: int) -> list[str]:
    """The first ``shown`` hints, each under its label, wrapped to ``width`` columns."""
    from torchkata.render import wrap
    lines = []
    for number, text in enumerate(kata.hints[:shown], start=1):
        lines.append(click.style(f"{texts.say('hint_label', lang)} {number}/{len(kata.hints)}", bold=True))
        lines += [piece for line in text.get(lang).splitlines() for piece in wrap("    " + line, width)]
    return lines


def terminal_width() -> int:
    return max(shutil.get_terminal_size((80, 24)).columns, 40)


@main.command()
@click.argument("slug")
@click.option("--yes", is_flag=True, help=texts.option_help("yes"))
@common_options
@click.pass_obj
def reset(state: State, slug: str, yes: bool) -> None:
    """Start SLUG over: restore the stub and forget its hints and score (your file is backed up first)."""
    lang, workspace = state.lang, state.require_workspace()
    kata = state.kata(slug)
    target = workspace.submission(kata)
    if not yes and not click.confirm(texts.say("reset_confirm", lang, path=workspace.shown(target))):
        echo(texts.say("nothing_changed", lang))
        sys.exit(EXIT_FAILED)
    backup = backup_submission(workspace, kata)
    progress = workspace.progress()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kata.stub, target)
    progress.katas.pop(kata.slug, None)
    progress.save()
    if backup is not None:
        echo(texts.say("backup_made", lang, path=workspace.shown(backup)))
    echo(texts.say("reset_done", lang, slug=kata.slug, path=workspace.shown(target)))


def backup_submission(workspace: Workspace, kata: Kata) -> Path | None:
    """Keep a copy of the learner's work (anything that is not the untouched stub)."""
    target = workspace.submission(kata)
    if not target.is_file() or target.read_bytes() == kata.stub.read_bytes():
        return None
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = workspace.submissions / "backups" / f"{target.stem}-{stamp}.py"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, backup)
    return backup


@main.command()
@common_options
@click.pass_obj
def status(state: State) -> None:
    """Where you are: the current kata, hints used, and katas solved."""
    lang, workspace = state.lang, state.require_workspace()
    progress = workspace.progress()
    katas = state.course.katas
    solved = sum(1 for k in katas if progress.of(k.slug).solved)
    echo(texts.say("status_solved", lang, solved=solved, total=len(katas)))
    current = None
    if progress.current:
        try:
            current = state.course.get(progress.current)
        except KataError:
            current = None
    if current is None:
        echo(texts.say("status_start", lang))
        return
    entry = progress.of(current.slug)
    echo(texts.say("status_current", lang, slug=current.slug, title=current.title.get(lang)))
    echo(texts.say("status_detail", lang, best=f"{entry.best_points:g}",
                   max=f"{entry.max_points or current.points:g}", hints=entry.hints_shown, total=len(current.hints),
                   path=workspace.shown(workspace.submission(current))))
