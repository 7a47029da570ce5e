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
    katas = [course.get(s.strip()) for s in slugs.split(",") if s.strip()] if slugs else course.katas
    if not katas:
        raise KataError(f"{course.root / 'katas'}: no katas to grade")
    protected = load_manifest(manifest) if manifest else None
    chosen = batch.collect_learners(learners)
    if shard:
        chosen = batch.shard(chosen, *batch.parse_shard(shard))
    warned = False
    for learner in chosen:
        if not (learner.path / "submissions").is_dir():
            echo(click.style(texts.say("no_submissions_folder", lang, path=learner.path), fg="yellow"), err=True)
            warned = True
    if device != "cpu" and not _cuda_available():
        echo(click.style(texts.say("no_cuda_here", lang), fg="yellow"), err=True)
        warned = True

    def finish(result: batch.LearnerResult) -> batch.LearnerResult:
        if protected is not None:
            result.integrity = check_repository(Path(result.source), protected)
            result.integrity["score_zeroed"] = fail_modified and result.integrity["status"] == "modified"
            if result.integrity["status"] == "modified":
                echo(click.style(texts.say("integrity_modified", lang, learner=result.learner,
                                           paths=", ".join(result.integrity["modified"])), fg="yellow"), err=True)
        return result

    plan = batch.Plan(slugs=tuple(k.slug for k in katas), device=device, public_only=public_only, lang=lang)
    from torchkata.launcher import IsolationTooWeak
    try:
        with click.progressbar(length=len(chosen), label=f"grading {len(chosen)} learners", file=sys.stderr) as bar:
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


@main.command("export")
@click.argument("results", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", required=True,
              type=click.Choice(["gradescope", "classroom", "markdown", "junit", "csv", "jsonl"]),
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
@click.option("--format", "fmt", type=click.Choice(["csv", "md", "html", "json"]), default="md", show_default=True,
              help=texts.option_help("format"))
@click.option("--anonymize", is_flag=True, help=texts.option_help("anonymize"))
@click.option("--salt", envvar="TORCHKATA_SALT", default=None, help=texts.option_help("salt"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=texts.option_help("output"))
@common_options
@click.pass_obj
def leaderboard(state: State, results: Path, fmt: str, anonymize: bool, salt: str | None, output: Path | None) -> None:
    """Rank the learners graded into RESULTS by points, then by time relative to the reference."""
    from torchkata import batch
    from torchkata.exporters import leaderboard as board

    if anonymize and not salt:
        import secrets
        salt = secrets.token_hex(16)
        echo(texts.say("random_salt", state.lang), err=True)
    _write_output(board.render(batch.load_results(results), batch.load_reference(results), fmt,
                               salt if anonymize else None), output)
