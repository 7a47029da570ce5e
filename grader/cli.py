"""The ``kata`` command: a thin click layer over the catalogue, engine and views.

Exit codes: 0 all tests passed (or nothing to grade), 1 some tests did not pass,
2 usage error, malformed kata or unreadable input.

Heavy imports (torch, pytest) happen inside the commands that need them, after
the worker has been started, so both processes import torch in parallel.
"""
from __future__ import annotations

import functools
import importlib
import json
import os
import shutil
import sys
from pathlib import Path

import click

from grader import __version__
from grader.catalogue import Catalogue, Kata, KataError, find_root, load_catalogue
from grader.i18n import LANGS, detect_lang, t
from grader.progress import Progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class State:
    def __init__(self, root: Path | None):
        self._root = root

    @property
    def root(self) -> Path:
        return self._root or find_root()

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        """Loaded once per command (commands read it several times)."""
        return load_catalogue(self.root)

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    def progress(self) -> Progress:
        return Progress.load(self.submissions)


def use_colour() -> bool | None:
    """None lets click decide (colour on terminals only); NO_COLOR turns it off everywhere."""
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err, color=use_colour())


lang_option = click.option("--lang", type=click.Choice(LANGS), default=None,
                           help="Language of prompts, hints and feedback (default: from the locale).")


class KataGroup(click.Group):
    """Turns KataError into a message naming the problem and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KataError as exc:
            echo(click.style(f"error: {exc}", fg="red"), err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=KataGroup)
@click.version_option(__version__, prog_name="kata")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The torchkata project folder (default: found from the current folder or $TORCHKATA_ROOT).")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """torchkata: learn PyTorch one kata at a time."""
    ctx.obj = State(root.resolve() if root else None)


def _pick_kata(state: State, slug: str | None, progress: Progress) -> Kata:
    catalogue = state.catalogue
    if slug:
        return catalogue.get(slug)
    if progress.current:
        return catalogue.get(progress.current)
    unsolved = [k for k in catalogue.katas if not progress.of(k.slug).solved]
    if not (unsolved or catalogue.katas):
        raise KataError(f"{state.root / 'katas'}: the catalogue is empty")
    return (unsolved or catalogue.katas)[0]


@main.command("list")
@lang_option
@click.pass_obj
def list_katas(state: State, lang: str | None) -> None:
    """Show the catalogue with your progress."""
    lang, progress = detect_lang(lang), state.progress()
    katas = state.catalogue.katas
    slug_width = max((len(k.slug) for k in katas), default=0)
    title_width = max((_display_width(k.title.get(lang)) for k in katas), default=0)
    for kata in katas:
        entry = progress.of(kata.slug)
        if entry.solved:
            mark = click.style("✓ " + t("list.solved", lang), fg="green")
        elif entry.last_checked:
            mark = click.style(f"… {entry.best_points:g}/{entry.max_points:g}", fg="yellow")
        else:
            mark = click.style("· " + t("list.not_started", lang), fg="bright_black")
        current = "→" if kata.slug == progress.current else " "
        title = kata.title.get(lang)
        padding = " " * (title_width - _display_width(title))
        echo(f"{current} {kata.order:>3}  {kata.slug:<{slug_width}}  {title}{padding}  {kata.points:>3} {'점' if lang == 'ko' else 'pts'}  {mark}")


def _display_width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


@main.command("next")
@lang_option
@click.pass_obj
def next_kata(state: State, lang: str | None) -> None:
    """Move to the first unsolved kata and create its file from the stub."""
    lang, progress = detect_lang(lang), state.progress()
    unsolved = [k for k in state.catalogue.katas if not progress.of(k.slug).solved]
    if not unsolved:
        echo(click.style("Every kata is solved. Well done!" if lang == "en" else "모든 카타를 풀었습니다. 수고했어요!",
                         fg="green"))
        return
    kata = unsolved[0]
    target = state.submissions / kata.submission_file
    created = not target.exists()
    if created:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.stub, target)
    progress.current = kata.slug
    progress.save()
    _show_prompt(kata, lang)
    rel = os.path.relpath(target)
    if lang == "ko":
        echo(f"\n{'새로 만든' if created else '이미 있는'} 파일: {rel}")
        echo(f"파일을 고친 뒤 `kata check`로 채점하고, 막히면 `kata hint`를 실행하세요.")
    else:
        echo(f"\n{'Created' if created else 'Your file'}: {rel}")
        echo("Edit it, then run `kata check` to grade it; `kata hint` when you are stuck.")


def _show_prompt(kata: Kata, lang: str) -> None:
    echo(click.style(f"{kata.title.get(lang)}  ({kata.slug}, {kata.points} pts)", bold=True))
    echo()
    echo(kata.prompt.get(lang))


@main.command()
@click.argument("slug", required=False)
@click.option("--submission", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Grade this file instead of submissions/<file>.")
@click.option("--device", type=click.Choice(["cpu", "cuda", "all"]), default="cpu", show_default=True,
              help="Where the specs run; 'all' means every device the kata supports.")
@click.option("--public-only", is_flag=True, help="Run only the public specs (the score then says so).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (see docs/results.md).")
@lang_option
@click.pass_obj
def check(state: State, slug: str | None, submission: Path | None, device: str, public_only: bool,
          as_json: bool, lang: str | None) -> None:
    """Grade your submission for SLUG (default: the current kata)."""
    from grader.launcher import Worker

    lang, progress = detect_lang(lang), state.progress()
    kata = _pick_kata(state, slug, progress)
    path = submission or state.submissions / kata.submission_file
    if not path.exists():
        raise KataError(f"{path}: no such submission file" + ("" if submission else " (run `kata next` to create it)"))
    devices = tuple(kata.devices) if device == "all" else (device,)
    with Worker(preload=kata.preload) as worker:  # started first: it imports torch while we do
        from grader import engine
        result = engine.check(kata, path, worker, devices=devices, lang=lang, public_only=public_only)
    if submission is None:
        progress.record(result)
        progress.save()
    if as_json:
        click.echo(result.to_json())
    else:
        from grader.render import result_lines
        for line in result_lines(result):
            echo(line)
    sys.exit(EXIT_OK if result.totals.all_passed and not result.errors else EXIT_FAILED)


@main.command()
@click.argument("slug", required=False)
@lang_option
@click.pass_obj
def hint(state: State, slug: str | None, lang: str | None) -> None:
    """Show one more hint each time you run it."""
    lang, progress = detect_lang(lang), state.progress()
    kata = _pick_kata(state, slug, progress)
    entry = progress.of(kata.slug)
    entry.hints_shown = min(entry.hints_shown + 1, len(kata.hints))
    progress.save()
    label = "힌트" if lang == "ko" else "Hint"
    for number, text in enumerate(kata.hints[:entry.hints_shown], start=1):
        echo(click.style(f"{label} {number}/{len(kata.hints)}", bold=True) + f"  {text.get(lang)}")
    if entry.hints_shown == len(kata.hints):
        echo(click.style("모든 힌트를 봤습니다." if lang == "ko" else "That was the last hint.", fg="bright_black"))


@main.command()
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def reset(state: State, slug: str, yes: bool) -> None:
    """Start SLUG over: restore the stub and forget its hints and score."""
    kata = state.catalogue.get(slug)
    target = state.submissions / kata.submission_file
    if not yes and not click.confirm(f"Overwrite {target} with the stub and reset its progress?"):
        echo("Nothing changed.")
        sys.exit(EXIT_FAILED)
    progress = state.progress()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kata.stub, target)
    progress.katas.pop(kata.slug, None)
    progress.save()
    echo(f"Reset {kata.slug}: {os.path.relpath(target)} is the stub again.")


@main.command()
@lang_option
@click.pass_obj
def status(state: State, lang: str | None) -> None:
    """Where you are: the current kata, hints used, and katas solved."""
    lang, progress = detect_lang(lang), state.progress()
    katas = state.catalogue.katas
    solved = sum(1 for k in katas if progress.of(k.slug).solved)
    echo(f"{'푼 카타' if lang == 'ko' else 'Solved'}: {solved}/{len(katas)}")
    if progress.current:
        kata, entry = state.catalogue.get(progress.current), progress.of(progress.current)
        echo(f"{'현재 카타' if lang == 'ko' else 'Current'}: {kata.slug} — {kata.title.get(lang)}")
        echo(f"  {'점수' if lang == 'ko' else 'best score'}: {entry.best_points:g}/{entry.max_points or kata.points:g}"
             f"   {'힌트' if lang == 'ko' else 'hints'}: {entry.hints_shown}/{len(kata.hints)}"
             f"   {'파일' if lang == 'ko' else 'file'}: {os.path.relpath(state.submissions / kata.submission_file)}")
    else:
        echo("`kata next`" + (" 명령으로 시작하세요." if lang == "ko" else " starts the first kata."))


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--all", "all_katas", is_flag=True, help="Validate every kata in katas/.")
@click.pass_obj
def validate(state: State, slugs: tuple[str, ...], all_katas: bool) -> None:
    """For authors: prove each kata's specs catch its known mistakes (see docs/authoring.md)."""
    from grader.launcher import Worker

    folders = sorted(p.parent for p in (state.root / "katas").glob("*/kata.toml"))
    if not all_katas:
        if not slugs:
            raise click.UsageError("name one or more katas, or use --all")
        known = {folder.name: folder for folder in folders}
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise KataError(f"no kata folder named {', '.join(missing)} in {state.root / 'katas'}")
        folders = [known[slug] for slug in slugs]
    preload = tuple(sorted({name for kata in state.catalogue.katas for name in kata.preload}))
    with Worker(preload=preload) as worker:
        from grader.validate import validate_kata
        worker.hello()  # so the first kata's time is its specs, not the worker's start-up
        for name in preload:   # likewise the one-time imports the references make here (torch.optim's)
            importlib.import_module(name)
        reports = []
        for folder in folders:
            report = validate_kata(folder, worker)
            reports.append(report)
            for check in report.checks:
                mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red")
                echo(f"{report.slug:<20} {mark} {check.name:<40} {check.detail}")
            echo(click.style(f"{report.slug:<20} {'ok' if report.ok else 'FAILED'}"
                             f"  (reference spec run: {report.seconds:.2f} s)", bold=True))
    failed = [r.slug for r in reports if not r.ok]
    echo(f"\n{len(reports) - len(failed)}/{len(reports)} katas valid" + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@click.argument("learners", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the results: learners/<id>.json and reference.json.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Learners graded in parallel (each job has its own worker).")
@click.option("--katas", "slugs", default=None, help="Comma-separated slugs (default: every kata).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "all"]), default="cpu", show_default=True)
@click.option("--public-only", is_flag=True, help="Run only the public specs.")
@click.option("--shard", default=None, help="Grade only slice I of N (e.g. 2/4) of the learners, by id.")
@click.option("--force", is_flag=True, help="Grade again learners that already have a result.")
@lang_option
@click.pass_obj
def grade(state: State, learners: tuple[Path, ...], out: Path, jobs: int, slugs: str | None, device: str,
          public_only: bool, shard: str | None, force: bool, lang: str | None) -> None:
    """Grade a class: each LEARNER is a directory holding submissions/, or a file listing such directories."""
    from grader import batch

    catalogue = state.catalogue
    katas = [catalogue.get(s.strip()) for s in slugs.split(",") if s.strip()] if slugs else catalogue.katas
    if not katas:
        raise KataError(f"{state.root / 'katas'}: no katas to grade")
    devices = ("cpu", "cuda") if device == "all" else (device,)
    chosen = batch.collect_learners(learners)
    if shard:
        chosen = batch.shard(chosen, *batch.parse_shard(shard))
    options = batch.Options(root=str(state.root), slugs=[k.slug for k in katas], devices=devices,
                            public_only=public_only, lang=detect_lang(lang))
    with click.progressbar(length=len(chosen), label=f"grading {len(chosen)} learners", file=sys.stderr) as bar:
        summary = batch.grade_class(chosen, out, options, jobs=jobs, force=force, on_done=lambda _id: bar.update(1))
    echo(f"graded {len(summary.graded)}, already done {len(summary.skipped)}, could not grade {len(summary.failed)}"
         f" -> {out / 'learners'}")
    for learner_id in summary.failed:
        echo(click.style(f"could not grade {learner_id}", fg="red"), err=True)
    results = [batch.load_learner_file(out / "learners" / f"{learner.id}.json") for learner in chosen
               if (out / "learners" / f"{learner.id}.json").exists()]
    for result in results:
        echo(f"  {result.learner:<24} {result.points:>7g}/{result.max_points:g}")
    sys.exit(EXIT_FAILED if summary.failed else EXIT_OK)


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
def merge(folders: tuple[Path, ...], out: Path) -> None:
    """Combine the outputs of `kata grade --shard` runs into one folder."""
    from grader import batch

    count = batch.merge(list(folders), out)
    echo(f"merged {count} learners from {len(folders)} folders -> {out}")


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        from grader.results import write_atomically
        write_atomically(output, text)


@main.command("export")
@click.argument("results", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", required=True,
              type=click.Choice(["gradescope", "classroom", "markdown", "junit", "csv", "jsonl"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here (atomically) instead of to standard output.")
def export_command(results: Path, fmt: str, output: Path | None) -> None:
    """Render `kata grade` results (a folder, or one learner file) for another tool."""
    from grader import batch
    from grader.exporters import export

    _write_output(export(batch.load_results(results), fmt, batch.load_reference(results)), output)


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "md", "html", "json"]), default="md", show_default=True)
@click.option("--anonymize", is_flag=True, help="Replace learner ids with salted-hash pseudonyms.")
@click.option("--salt", envvar="TORCHKATA_SALT", default=None,
              help="Secret salt for --anonymize (or $TORCHKATA_SALT); keep it to get the same pseudonyms again.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def leaderboard(results: Path, fmt: str, anonymize: bool, salt: str | None, output: Path | None) -> None:
    """Rank the learners graded into RESULTS by points, then by time relative to the reference."""
    from grader import batch
    from grader.exporters import leaderboard as board

    if anonymize and not salt:
        import secrets
        salt = secrets.token_hex(16)
        echo("note: no --salt given; pseudonyms are random for this run only", err=True)
    _write_output(board.render(batch.load_results(results), batch.load_reference(results), fmt,
                               salt if anonymize else None), output)


if __name__ == "__main__":
    main()
