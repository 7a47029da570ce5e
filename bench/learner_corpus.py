"""Grade a corpus of learner files written without reading the specs, and print what they got.

A corpus is a folder ``CORPUS/<slug>/wrong/*.py`` (realistic wrong solutions, each with a docstring
``MISTAKE: ...``) and ``CORPUS/<slug>/correct/*.py`` (correct alternatives). Printed, in English:

- correct files: how many got full marks (every correct solution must);
- wrong files: how many lost points (issue 17's target: at least 98%);
- failing wrong files by what their feedback says: a mutant's diagnosis, a described pattern or a
  spec's own sentence (more specific than "has the wrong values"; target: at least 80%), or only the
  generic "has the wrong values";
- with ``--details FILE``: one JSON line per file (its MISTAKE, score, every diagnosis and first
  message line), for a reader to judge whether each diagnosis names a mistake the file made.

    .venv/bin/python bench/learner_corpus.py CORPUS [--details out.jsonl] [SLUG...]
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import Counter
from pathlib import Path

from torchkata.catalogue import builtin_course_root, load_course
from torchkata.engine import Options, open_grader
from torchkata.launcher import Worker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from diagnosis_figures import kind_of  # noqa: E402  (the same classification of feedback)


def docstring(path: Path) -> str:
    try:
        return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (SyntaxError, UnicodeDecodeError):
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--details", type=Path, default=None)
    args = parser.parse_args()
    course = load_course(builtin_course_root())
    katas = [course.get(s) for s in args.slugs] if args.slugs else \
        [k for k in course.katas if (args.corpus / k.slug).is_dir()]
    work = [(kata, kind, path) for kata in katas for kind in ("wrong", "correct")
            for path in sorted((args.corpus / kata.slug / kind).glob("*.py"))]
    preload = tuple(sorted({name for kata in katas for name in kata.preload}))
    with Worker(preload=preload) as worker:
        results = open_grader(course, katas, worker, lambda grader: [
            grader.grade([(kata, path)], Options())[0] for kata, _, path in work])
    counts: Counter = Counter()
    feedback: Counter = Counter()
    details = []
    for (kata, kind, path), result in zip(work, results):
        points, most = result.totals.points, result.totals.max_points
        full = result.totals.all_passed and points == most
        failing = [t for t in result.tests if t.status != "passed" and t.counted]
        counts[kind, "full" if full else "lost"] += 1
        best = "none"
        if kind == "wrong" and not full:
            kinds = [kind_of(t) for t in failing]
            order = ("matched diagnosis", "spec's own sentence", "described pattern", "error or timeout",
                     "wrong values (generic)")
            best = next((k for k in order if k in kinds), "none")
            feedback[best] += 1
        details.append({"kata": kata.slug, "kind": kind, "file": path.name, "points": points, "max": most,
                        "full": full, "doc": docstring(path).splitlines()[:2], "feedback": best,
                        "diagnoses": sorted({t.diagnosis for t in failing if t.diagnosis}),
                        "messages": sorted({t.message.splitlines()[0] for t in failing if t.message})[:6]})
    wrong = counts["wrong", "full"] + counts["wrong", "lost"]
    correct = counts["correct", "full"] + counts["correct", "lost"]
    print(f"correct files with full marks: {counts['correct', 'full']}/{correct}")
    print(f"wrong files that lost points:  {counts['wrong', 'lost']}/{wrong} "
          f"({100 * counts['wrong', 'lost'] / max(wrong, 1):.1f}%)")
    failing = counts["wrong", "lost"]
    specific = sum(n for k, n in feedback.items() if k in ("matched diagnosis", "spec's own sentence",
                                                            "described pattern"))
    print(f"failing wrong files whose feedback is more specific than 'wrong values': {specific}/{failing} "
          f"({100 * specific / max(failing, 1):.1f}%)")
    for kind, n in feedback.most_common():
        print(f"  {kind:<28} {n}")
    for row in details:
        if (row["kind"] == "correct" and not row["full"]) or (row["kind"] == "wrong" and row["full"]):
            print(f"  !! {row['kind']:<7} {row['kata']}/{row['file']}: {row['points']:g}/{row['max']:g}  "
                  f"{' '.join(row['doc'])[:120]}")
    if args.details:
        args.details.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
