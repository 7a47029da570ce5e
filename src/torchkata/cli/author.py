"""Instructor commands for writing a course: new-course, new, validate, release."""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from torchkata.catalogue import LANGUAGES, KataError, find_course, load_course
from torchkata.cli import EXIT_FAILED, EXIT_OK, State, common_options, echo, main, texts


@main.command("new-course")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help=texts.option_help("course_name"))
@click.option("--languages", default=",".join(LANGUAGES), show_default=True, help=texts.option_help("languages"))
@common_options
@click.pass_obj
def new_course(state: State, directory: Path, name: str | None, languages: str) -> None:
    """For authors: make DIRECTORY a course (course.toml, katas/, reference/) to add katas to."""
    from torchkata.scaffold import create_course

    create_course(directory, name, tuple(lang.strip() for lang in languages.split(",") if lang.strip()))
    root = directory.expanduser().absolute()
    echo(texts.say("new_course_done", state.lang, path=_shown(root),
                   command=f"kata new SLUG{_course_option(root, for_new=True)}"))


@main.command()
@click.argument("slug")
@common_options
@click.pass_obj
def new(state: State, slug: str) -> None:
    """For authors: scaffold a new kata (kata.toml, stub, reference, public and hidden specs, one mutant)."""
    from torchkata.scaffold import check_writable, course_for_new, create_course, scaffold_kata

    root = course_for_new(state.course_option)
    if root is None:
        raise KataError(texts.say("no_course_for_new", state.lang, here=os.getcwd(), slug=slug))
    check_writable(root)
    if not (root / "course.toml").is_file():
        if not _interactive():
            raise KataError(texts.say("not_a_course_yet", state.lang, path=_shown(root), slug=slug))
        if not click.confirm(texts.say("create_course_confirm", state.lang, path=_shown(root)), default=True):
            raise KataError(texts.say("not_a_course_yet", state.lang, path=_shown(root), slug=slug))
        create_course(root)
        echo(texts.say("new_course_created", state.lang, path=_shown(root)))
    folder = scaffold_kata(load_course(root), slug)
    echo(texts.say("new_done", state.lang, path=_shown(folder),
                   command=f"kata validate {slug}{_course_option(root, for_new=False)}"))


def _interactive() -> bool:
    """Ask only someone at a terminal; a script gets an error saying what to run instead."""
    return sys.stdin.isatty()


def _shown(path: Path) -> str:
    """A path as the author can type it from here."""
    relative = os.path.relpath(path)
    return relative if not relative.startswith("../../..") else str(path)


def _course_option(root: Path, for_new: bool) -> str:
    """' --course DIR' when the next command, typed here as printed, would not find this course by itself."""
    from torchkata.scaffold import course_for_new
    from torchkata.workspace import find_workspace, resolve_course_root

    try:
        found = course_for_new(None) if for_new else \
            find_course(None, None if os.environ.get("TORCHKATA_COURSE") else resolve_course_root(find_workspace()))
    except KataError:
        found = None
    if found is not None and Path(found).resolve() == root.resolve():
        return ""
    return f" --course {shlex.quote(_shown(root))}"


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--all", "all_katas", is_flag=True, help=texts.option_help("all"))
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help=texts.option_help("validate_jobs"))
@common_options
@click.pass_obj
def validate(state: State, slugs: tuple[str, ...], all_katas: bool, jobs: int) -> None:
    """For authors: prove each kata's specs catch its known mistakes (see docs/authoring.md)."""
    from torchkata.launcher import Worker
    from torchkata.pool import ItemFailed, run_pool
    from torchkata.validate import KataReport, broken_report, validation_body

    course = state.course
    if not all_katas and not slugs:
        raise click.UsageError("name one or more katas, or use --all")
    wanted = [k.slug for k in course.katas] + list(course.broken) if all_katas else list(slugs)
    for slug in wanted:
        if slug not in course.broken:
            state.kata(slug)            # an unknown slug is a usage error, with a did-you-mean
    katas = [course.get(slug) for slug in wanted if slug not in course.broken]
    reports: dict[str, KataReport] = {slug: broken_report(slug, course.broken[slug])
                                      for slug in wanted if slug in course.broken}
    preload = tuple(sorted({name for kata in katas for name in kata.preload}))

    def collect(slug: str, report) -> None:
        if isinstance(report, ItemFailed):
            report = broken_report(slug, report)
        reports[slug] = report
        _print_report(report)

    for report in reports.values():
        _print_report(report)
    if katas:
        with Worker(preload=preload) as worker:
            run_pool([k.slug for k in katas], str, jobs, worker, validation_body(course, katas), collect)
    failed = [slug for slug in wanted if not reports[slug].ok]
    echo("\n" + texts.say("validate_summary", state.lang, ok=len(wanted) - len(failed), total=len(wanted)) +
         ("; " + texts.say("validate_failed", state.lang, slugs=", ".join(failed)) if failed else ""))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _print_report(report) -> None:
    width = max((len(check.name) for check in report.checks), default=20)
    for check in report.checks:
        mark = click.style("ok  ", fg="green") if check.ok else \
            click.style("warn", fg="yellow") if check.warning else click.style("FAIL", fg="red")
        echo(f"{report.slug:<22} {mark} {check.name:<{width}} {check.detail}")
    echo(click.style(f"{report.slug:<22} {'ok' if report.ok else 'FAILED'}  "
                     f"(reference spec run: {report.seconds:.2f} s)", bold=True))


@main.command()
@click.option("--out", "out", default=None, type=click.Path(file_okay=False, path_type=Path),
              help=texts.option_help("release_out"))
@click.option("--gradescope", "gradescope", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help=texts.option_help("release_gradescope"))
@click.option("--target", type=click.Choice(["classroom", "classroom50"]), default="classroom", show_default=True,
              help=texts.option_help("target"))
@click.option("--assignment", default=None, help=texts.option_help("assignment"))
@common_options
@click.pass_obj
def release(state: State, out: Path | None, gradescope: Path | None, target: str, assignment: str | None) -> None:
    """For instructors: write the learner template of a course, without its answers (and a Gradescope autograder)."""
    from torchkata.release import release_course, write_gradescope_zip

    if out is None and gradescope is None:
        raise click.UsageError("give --out DIR (the learner template), --gradescope FILE.zip, or both")
    if gradescope is not None and gradescope.suffix != ".zip":
        raise click.BadParameter(f"{gradescope}: expected a .zip file name", param_hint="--gradescope")
    course = state.course
    if course.broken:
        raise KataError("; ".join(str(error) for error in course.broken.values()))
    if course.is_builtin:       # its answers are in every learner's torchkata
        echo(click.style(texts.say("builtin_release", state.lang, root=course.root), fg="yellow"), err=True)
    if target == "classroom50":
        if out is None:
            raise click.UsageError("--target classroom50 needs --out DIR")
        from torchkata.classroom50 import release_assignment
        bundle = release_assignment(course, out, assignment)
        echo(f"classroom50 assignment written to {out}: template/, {bundle.relative_to(out)}/, assignment.json "
             f"(see {out / 'README.md'})")
    elif assignment is not None:
        raise click.UsageError("--assignment is for --target classroom50")
    elif out is not None:
        manifest = release_course(course, out)
        echo(texts.say("release_done", state.lang, count=len(course.katas), out=out, manifest=manifest))
    if gradescope is not None:
        write_gradescope_zip(course, gradescope)
        echo(texts.say("gradescope_done", state.lang, path=gradescope, count=len(course.katas)))
