"""Instructor commands for writing a course: new, validate, release."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from torchkata.catalogue import KataError
from torchkata.cli import EXIT_FAILED, EXIT_OK, State, common_options, echo, main, texts


@main.command()
@click.argument("slug")
@common_options
@click.pass_obj
def new(state: State, slug: str) -> None:
    """For authors: scaffold a new kata (kata.toml, stub, reference, public and hidden specs, one mutant)."""
    from torchkata.scaffold import scaffold_kata

    folder = scaffold_kata(state.course, slug)
    echo(texts.say("new_done", state.lang, path=os.path.relpath(folder), slug=slug))


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
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=texts.option_help("release_out"))
@click.option("--target", type=click.Choice(["classroom", "classroom50"]), default="classroom", show_default=True,
              help=texts.option_help("target"))
@click.option("--assignment", default=None, help=texts.option_help("assignment"))
@common_options
@click.pass_obj
def release(state: State, out: Path, target: str, assignment: str | None) -> None:
    """For instructors: write the learner template of a course, without its answers."""
    from torchkata.release import release_course

    course = state.course
    if course.broken:
        raise KataError("; ".join(str(error) for error in course.broken.values()))
    if target == "classroom50":
        from torchkata.classroom50 import release_assignment
        bundle = release_assignment(course, out, assignment)
        echo(f"classroom50 assignment written to {out}: template/, {bundle.relative_to(out)}/, assignment.json "
             f"(see {out / 'README.md'})")
        return
    if assignment is not None:
        raise click.UsageError("--assignment is for --target classroom50")
    manifest = release_course(course, out)
    echo(texts.say("release_done", state.lang, count=len(course.katas), out=out, manifest=manifest))
