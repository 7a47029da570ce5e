"""Figures of mutant-matched diagnosis and of described differences, over every mutant of a course.

Each mutant is graded as a learner would be (English). Printed:

- mutants named exclusively: their own diagnosis given by matching, and no other mutant's;
- mutants given another mutant's diagnosis (a diagnosis that names a mistake they did not make);
- failing tests by what their feedback says first: a matched diagnosis, a described pattern (the
  headline of torchkata.describe), the comparison's "has the wrong values", another spec sentence,
  or an error/timeout; then the same tests by their message alone (what a learner whose mistake
  no mutant explains would read).

    .venv/bin/python bench/diagnosis_figures.py [SLUG...]

Run it on another checkout's package (PYTHONPATH=/path/to/other/src) to compare versions.
"""
from __future__ import annotations

import re
import sys
from collections import Counter

from torchkata.catalogue import builtin_course_root, load_course
from torchkata.engine import Options, open_grader
from torchkata.i18n import MESSAGES
from torchkata.launcher import Worker


def _template(key: str) -> re.Pattern:
    text = MESSAGES[key]["en"]
    pattern = re.escape(text)
    for field in re.findall(r"\{(\w+)[^}]*\}", text):
        pattern = re.sub(re.escape(re.escape("{" + field)) + r"[^}]*\\\}", ".*", pattern)
    return re.compile(pattern)


GENERIC = [_template(key) for key in ("values", "not_equal")]
PATTERNS = [_template(key) for key in MESSAGES if key.startswith("pattern.")]


def kind_of(test, with_diagnosis: bool = True) -> str:
    if test.diagnosis and with_diagnosis:
        return "matched diagnosis"
    if test.status != "failed":
        return "error or timeout"
    first = test.message.splitlines()[0] if test.message else ""
    if any(p.fullmatch(first) for p in PATTERNS):
        return "described pattern"
    if any(p.fullmatch(first) for p in GENERIC):
        return "wrong values (generic)"
    return "spec's own sentence"


def main(slugs: list[str]) -> None:
    course = load_course(builtin_course_root())
    katas = [course.get(slug) for slug in slugs] if slugs else list(course.katas)
    kinds: Counter = Counter()
    messages: Counter = Counter()
    exclusive = others = mutants = 0
    problems = []
    with Worker() as worker:
        for kata in katas:
            def body(grader, kata=kata):
                return [(mutant, grader.grade([(kata, mutant.file)], Options(lang="en"))[0]) for mutant in kata.mutants]
            graded = open_grader(course, [kata], worker, body)
            if isinstance(graded, Exception):
                print(f"{kata.slug}: {graded}")
                continue
            for mutant, result in graded:
                mutants += 1
                failing = [t for t in result.tests if t.status != "passed" and t.counted]
                given = {m.name for m in kata.mutants for t in failing if m.diagnosis.en in t.diagnosis}
                wrong = {name for name in given if name != mutant.name and
                         next(m.diagnosis.en for m in kata.mutants if m.name == name) != mutant.diagnosis.en}
                exclusive += mutant.name in given and not wrong
                others += bool(wrong)
                if wrong:
                    problems.append(f"{kata.slug}/{mutant.name} gets the diagnosis of {', '.join(sorted(wrong))}")
                kinds.update(kind_of(t) for t in failing)
                messages.update(kind_of(t, with_diagnosis=False) for t in failing)
    print(f"mutants: {mutants}; named exclusively by matching: {exclusive}; given another mutant's diagnosis: {others}")
    for line in problems:
        print("  " + line)
    total = sum(kinds.values())
    print(f"failing tests of the mutants: {total}")
    for kind, count in kinds.most_common():
        print(f"  {kind:<26} {count:>5}  ({100 * count / max(total, 1):.0f}%)")
    print("the same tests by the first line of the spec's message (under the diagnosis, if any):")
    for kind, count in messages.most_common():
        print(f"  {kind:<26} {count:>5}  ({100 * count / max(total, 1):.0f}%)")


if __name__ == "__main__":
    main(sys.argv[1:])
