"""Instructor commands for grading a class: grade, merge, export, leaderboard."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from torchkata.catalogue import KataError
from torchkata.cli import EXIT_FAILED, EXIT_OK, State, common_options, echo, main, min_isolation_option, refuse_below, texts


@main.command()
@click.argument("learners", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=texts.option_help("out"))
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help=texts.option_help("jobs"))
@click.option("--katas", "slugs", default=None, help=texts.option_help("katas"))
@click.option("--device", type=click.Choice(["cpu", "cuda", "all"]), default="cpu", show_default=True,
              help=texts.option_help("device"))
@click.option("--public-only", is_flag=True, help=texts.option_help("public_only"))
@click.option("--shard", default=None, help=texts.option_help("shard"))
@click.option("--force", is_flag=True, help=texts.option_help("force"))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=texts.option_help("manifest"))
@click.option("--fail-modified", is_flag=True, help=texts.option_help("fail_modified"))
@min_isolation_option
@common_options
@click.pass_obj
def grade(state: State, learners: tuple[Path, ...], out: Path, jobs: int, slugs: str | None, device: str,
          public_only: bool, shard: str | None, force: bool, manifest: Path | None, fail_modified: bool,
          min_isolation: str) -> None:
    """Grade a class: each LEARNER is a folder holding submissions/, or a file listing such folders."""
    from torchkata import batch
    from torchkata.integrity import check_repository, load_manifest

    lang, course = state.lang, state.course
    if fail_modified and manifest is None:
        raise click.UsageError("--fail-modified needs --manifest FILE")
    katas = [state.kata(s.strip()) for s in slugs.split(",") if s.strip()] if slugs else course.katas
    if not katas:
        raise KataError(f"{course.root / 'katas'}: no katas to grade")
    protected = load_manifest(manifest) if manifest else None
    notes: list[batch.LearnerNote] = []
    chosen = batch.collect_learners(learners, notes)
    if shard:
        chosen = batch.shard(chosen, *batch.parse_shard(shard))
    for note in notes:
        echo(click.style(texts.say("learner_note", lang, origin=note.origin, text=note.text), fg="yellow"), err=True)
    warned = any(note.skipped for note in notes)
    for learner in chosen:
        if not (learner.path / "submissions").is_dir():
            echo(click.style(texts.say("no_submissions_folder", lang, path=learner.path), fg="yellow"), err=True)
            warned = True
    if device != "cpu" and not _cuda_available():
        echo(click.style(texts.say("no_cuda_here", lang), fg="yellow"), err=True)
        warned = True

    # Every repository is checked here, before any grading process starts: nothing a grading runs
    # (learner code, or a course that is itself a learner's repository) can change what was found.
    verdicts = {}
    if protected is not None:
        if course.released:
            found = check_repository(course.root, protected)
            if found["status"] == "modified":
                raise KataError(texts.say("course_not_released_tree", lang, course=course.root,
                                          paths=", ".join(found["modified"])))
        verdicts = {str(learner.path): check_repository(learner.path, protected) for learner in chosen}

    def finish(result: batch.LearnerResult) -> batch.LearnerResult:
        if protected is not None:
            result.integrity = dict(verdicts[result.source])
            result.integrity["score_zeroed"] = fail_modified and result.integrity["status"] == "modified"
            if result.integrity["status"] == "modified":
                echo(click.style(texts.say("integrity_modified", lang, learner=result.learner,
                                           paths=", ".join(result.integrity["modified"])), fg="yellow"), err=True)
        return result

    plan = batch.Plan(slugs=tuple(k.slug for k in katas), device=device, public_only=public_only, lang=lang)
    from torchkata.launcher import IsolationTooWeak
    label = texts.say("grading_learners", lang, count=len(chosen))
    try:
        with click.progressbar(length=len(chosen), label=label, file=sys.stderr) as bar:
            summary = batch.grade_class(course, chosen, out, plan, jobs=jobs, force=force, finish=finish,
                                        on_done=lambda _id: bar.update(1), min_isolation=min_isolation)
    except IsolationTooWeak as exc:
        refuse_below(exc, lang)
    echo(texts.say("grade_summary", lang, graded=len(summary.graded), skipped=len(summary.skipped),
                   failed=len(summary.failed), out=out / "learners"))
    for learner_id, why in summary.failed.items():
        echo(click.style(texts.say("could_not_grade", lang, learner=learner_id, why=why), fg="red"), err=True)
    for learner in chosen:
        path = out / "learners" / f"{learner.id}.json"
        if path.exists():
            result = batch.load_learner_file(path)
            note = "" if result.integrity["status"] == "unknown" else f"  [{result.integrity['status']}]"
            echo(f"  {result.learner:<24} {result.points:>7g}/{result.max_points:g}{note}")
    sys.exit(EXIT_FAILED if summary.failed or warned else EXIT_OK)


def _cuda_available() -> bool:
    """Asked in a separate process: this one forks the grading processes, and CUDA does not survive a fork."""
    import subprocess
    probe = subprocess.run([sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == "True"


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=texts.option_help("out"))
@common_options
@click.pass_obj
def merge(state: State, folders: tuple[Path, ...], out: Path) -> None:
    """Combine the outputs of `kata grade --shard` runs into one folder."""
    from torchkata import batch

    count = batch.merge(list(folders), out)
    echo(texts.say("merged", state.lang, count=count, folders=len(folders), out=out))


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        from torchkata.results import write_atomically
        write_atomically(output, text)


# One name for each format in every command; "md" is accepted for "markdown" wherever markdown is.
FORMAT_ALIASES = {"md": "markdown"}


def _format_name(_ctx, _param, value: str | None) -> str | None:
    return FORMAT_ALIASES.get(value, value) if value is not None else None


@main.command("export")
@click.argument("results", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", required=True, callback=_format_name,
              type=click.Choice(["gradescope", "classroom", "classroom50", "markdown", "md", "junit", "csv", "jsonl"]),
              help=texts.option_help("format"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=texts.option_help("output"))
@common_options
def export_command(results: Path, fmt: str, output: Path | None) -> None:
    """Render `kata grade` results (a folder, or one learner file) for another tool."""
    from torchkata import batch
    from torchkata.exporters import export

    _write_output(export(batch.load_results(results), fmt, batch.load_reference(results)), output)


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "markdown", "md", "html", "json"]), default="markdown",
              show_default=True, callback=_format_name, help=texts.option_help("format"))
@click.option("--anonymize", is_flag=True, help=texts.option_help("anonymize"))
@click.option("--salt", envvar="TORCHKATA_SALT", default=None, help=texts.option_help("salt"))
@click.option("--speed", is_flag=True, help=texts.option_help("speed"))
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(2, 100), help=texts.option_help("rounds"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=texts.option_help("output"))
@common_options
@click.pass_obj
def leaderboard(state: State, results: Path, fmt: str, anonymize: bool, salt: str | None, speed: bool, rounds: int,
                output: Path | None) -> None:
    """Rank the learners graded into RESULTS by points (equal points share a rank); --speed adds their time
    relative to the reference, measured again over the katas both passed."""
    from torchkata import batch
    from torchkata.exporters import leaderboard as board

    if anonymize and not salt:
        import secrets
        salt = secrets.token_hex(16)
        echo(texts.say("random_salt", state.lang), err=True)
    learners = batch.load_results(results)
    speeds = None
    if speed:
        from torchkata.speed import measure
        speeds = measure(state.course, learners, batch.load_reference(results), rounds=rounds)
    _write_output(board.render(learners, fmt, salt if anonymize else None, speeds), output)
