"""classroom50's result document (schema ``classroom50/result/v1``), for one learner.

classroom50 (foundation50/classroom50) grades a learner's repository with the instructor's
autograder bundle and publishes one ``result.json`` per submission. Its runner stamps who and
when (``owner``, ``assignment_type``, ``datetime``, ``submitted_by``) and rejects a document
whose scores are not whole numbers, whose test score exceeds its maximum, or whose identity
does not match the repository. The identity comes from the environment the runner gives the
autograder:

    CLASSROOM, ASSIGNMENT, SUBMISSION_TAG (submit/...), OWNER (or USERNAME),
    COMMIT_URL, RELEASE_URL, REVIEW_URL (optional; the commit when absent), ASSIGNMENT_TYPE

Scores are whole numbers: when some test is worth a fraction of a point, every score and
maximum is multiplied by the smallest factor that makes them whole. A release computes that
factor once, from all its public tests, and its bundle passes it as ``$TORCHKATA_POINTS_SCALE``
so every learner shares it (the document has no room for a note: the release body, written from
the same result, shows the points themselves).
Each kata not started is one failed test worth the kata's points, so every learner of a release
has the same ``max-score``.
"""
from __future__ import annotations

import datetime
import json
import math
import os
from fractions import Fraction

from torchkata.batch import LearnerResult
from torchkata.catalogue import KataError
from torchkata.exporters.classroom import graded_tests
from torchkata.exporters.text import clean, one_line

SCHEMA = "classroom50/result/v1"
REQUIRED_ENV = ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL")
MESSAGE_LIMIT = 2_000


def identity_from_env(environ: dict | None = None) -> dict:
    """The submission's identity, from the variables classroom50's runner sets."""
    env = os.environ if environ is None else environ
    missing = [name for name in REQUIRED_ENV if not env.get(name, "").strip()]
    if not (env.get("OWNER", "").strip() or env.get("USERNAME", "").strip()):
        missing.append("OWNER (or USERNAME)")
    if missing:
        raise KataError("--format classroom50 reads the submission's identity from the environment classroom50's "
                        f"runner sets; missing: {', '.join(missing)}")
    if not env["SUBMISSION_TAG"].strip().startswith("submit/"):
        raise KataError(f"SUBMISSION_TAG {env['SUBMISSION_TAG']!r}: a classroom50 submission tag starts with submit/")
    commit = env["COMMIT_URL"].strip()
    return {"classroom": env["CLASSROOM"].strip(), "assignment": env["ASSIGNMENT"].strip(),
            "assignment_type": (env.get("ASSIGNMENT_TYPE") or "individual").strip() or "individual",
            "owner": (env.get("OWNER") or env.get("USERNAME") or "").strip(),
            "submission": env["SUBMISSION_TAG"].strip(), "commit": commit, "release": env["RELEASE_URL"].strip(),
            "review": (env.get("REVIEW_URL") or "").strip() or commit}


def scale_for(weights: list[float]) -> int:
    """The smallest whole factor that makes every weight whole (1 when they already are)."""
    fractions = [Fraction(w).limit_denominator(1000) for w in weights]
    return math.lcm(1, *(f.denominator for f in fractions))


def scale_from_env(environ: dict | None = None) -> int | None:
    """``$TORCHKATA_POINTS_SCALE``: the release's scale (a bundle passes it), so all its learners share one."""
    text = (os.environ if environ is None else environ).get("TORCHKATA_POINTS_SCALE", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise KataError(f"TORCHKATA_POINTS_SCALE {text!r}: expected a whole number >= 1")
    return int(text)


def document(learner: LearnerResult, identity: dict, now: datetime.datetime | None = None,
             scale: int | None = None) -> dict:
    graded = [(result, test) for result in learner.results for test in graded_tests(result, learner)]
    if scale is None:
        scale = scale_for([test.weight for _, test in graded])
    tests = []
    for result, test in graded:
        entry = {"test-name": one_line(test.name, 200) or "test", "passed": test.status == "pass",
                 "score": round(test.earned * scale), "max-score": round(test.weight * scale)}
        message = clean(test.message, MESSAGE_LIMIT)
        if message and test.status != "pass":
            entry["message"] = message
        tests.append(entry)
    when = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"schema": SCHEMA, **identity, "datetime": when, "graded_at": when,
            "score": sum(t["score"] for t in tests), "max-score": sum(t["max-score"] for t in tests),
            "tests": tests}


def render(learner: LearnerResult, reference: LearnerResult | None = None, identity: dict | None = None) -> str:
    data = document(learner, identity_from_env() if identity is None else identity, scale=scale_from_env())
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
