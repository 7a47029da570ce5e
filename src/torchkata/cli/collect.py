"""Instructor command for gathering a class: collect (clone the learners' repositories of a roster)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from torchkata.catalogue import KataError
from torchkata.cli import EXIT_FAILED, EXIT_OK, State, common_options, echo, main, texts


@main.command()
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=texts.option_help("collect_out"))
@click.option("--org", envvar="GITHUB_ORG", default=None, help=texts.option_help("org"))
@click.option("--base", "base", default=None, help=texts.option_help("base"))
@click.option("--assignment", envvar="ASSIGNMENT", default=None, help=texts.option_help("collect_assignment"))
@common_options
@click.pass_obj
def collect(state: State, roster: Path, out: Path, org: str | None, base: str | None,
            assignment: str | None) -> None:
    """For instructors: clone the repository of every learner in ROSTER (a GitHub Classroom roster CSV, or one
    username per line) into OUT/<username>/, and list them in OUT/learners.txt for `kata grade`."""
    from torchkata.roster import LIST_NAME, collect as clone_all, read_roster

    if base is None:
        if not org:
            raise click.UsageError("name where the repositories are: --org ORG (or $GITHUB_ORG), or --base URL")
        base = f"https://github.com/{org}"
    if not assignment:
        raise click.UsageError("name the assignment: --assignment PREFIX (or $ASSIGNMENT): the repository of "
                               "learner NAME is BASE/PREFIX-NAME")
    entries = read_roster(roster)
    if not entries.entries and not entries.skipped:
        raise KataError(f"{roster}: no learners in the roster")
    with click.progressbar(length=len(entries.entries), label=f"cloning {len(entries.entries)} repositories",
                           file=sys.stderr) as bar:
        done = clone_all(entries, out, base, assignment, on_clone=lambda _name, _ok: bar.update(1))
    for why in done.skipped:
        echo(click.style(texts.say("collect_skipped", state.lang, why=why), fg="yellow"), err=True)
    listing = out / LIST_NAME
    echo(texts.say("collect_done", state.lang, count=len(done.cloned), out=out, skipped=len(done.skipped),
                   listing=listing))
    sys.exit(EXIT_FAILED if done.skipped else EXIT_OK)
