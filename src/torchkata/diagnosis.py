"""Mutant-matched diagnosis: naming a mistake by finding the known-wrong solution that made it.

A kata's mutants are realistic wrong solutions, each with a diagnosis in kata.toml. When
a spec test fails, the calls it made of the learner's code are replayed on each mutant
(instructor code, run confined like any implementation; never the learner's code), and
when every result matches, under the same tolerances a spec uses, the test gets that
mutant's diagnosis. A learner whose results match the reference's gets none: their
failure is about something the mutants do not explain.

Replays are cached by call sequence, so a class of learners or a learner saving again
and again costs each mutant's run once.
"""
from __future__ import annotations

from typing import Callable

from torchkata.catalogue import Mutant
from torchkata.i18n import t
from torchkata.launcher import Outcome
from torchkata.numerics import values_match

DIAGNOSABLE = ("failed", "error")


def outcomes_match(learner: list[Outcome], other: list[Outcome]) -> bool:
    if len(learner) != len(other):
        return False
    for mine, theirs in zip(learner, other):
        if mine.status != theirs.status:
            return False
        if mine.status == "ok" and not values_match(mine.value, theirs.value):
            return False
        if mine.status == "raised" and (mine.info.get("type"), mine.info.get("message")) != \
                (theirs.info.get("type"), theirs.info.get("message")):
            return False          # the same exception, with the same message (a shape error names the shapes)
        if mine.status not in ("ok", "raised"):
            return False
    return True


# A learner's exception no known-wrong (complete) solution raises: nothing to match.
UNMATCHABLE = ("MissingFunction", "NotImplementedError")


def diagnose(run, known: Callable[[], dict] | None = None) -> None:
    """Give each failing test of ``run`` (a :class:`torchkata.plugin.KataRun`) the diagnoses of the
    mutants whose results match the learner's. ``known()`` gives each test's calls with a correct
    solution, having run them through the reference and every mutant (once per kata: a child
    each); a learner whose calls are the beginning of those is then answered from the cache."""
    if not run.mutants:
        return
    sequences: dict | None = None
    for planned in run.to_run():
        result = run.results.get(planned.item.nodeid)
        state = run.states.get(planned.item.nodeid)
        if result is None or state is None or result.status not in DIAGNOSABLE or not state.outcomes:
            continue
        if any(o.status not in ("ok", "raised") or o.info.get("type") in UNMATCHABLE for o in state.outcomes):
            continue
        calls = state.learner.calls
        if sequences is None:
            sequences = known() if known is not None else {}
        replay = _extended(calls, sequences.get(planned.item.nodeid))
        mine = state.outcomes
        if outcomes_match(mine, run.reference.outcomes(replay)[:len(calls)]):
            continue
        matched: list[Mutant] = [mutant for mutant, runner in run.mutants
                                 if outcomes_match(mine, runner.outcomes(replay)[:len(calls)])]
        result.diagnosis = "\n".join(t("likely_mistake", run.lang, text=m.diagnosis.get(run.lang)) for m in matched)


def _extended(calls: list, full: list | None) -> list:
    """``full`` when ``calls`` are its beginning (the same inputs), else ``calls`` themselves."""
    if full and len(full) >= len(calls) and all(a.digest() == b.digest() for a, b in zip(calls, full)):
        return full
    return calls
