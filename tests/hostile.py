"""Learner text no export may trust: what a learner's code can print or raise, and what an edited
result file can hold. Every exporter test feeds these through every field a learner can reach."""
from __future__ import annotations

from torchkata.batch import LearnerResult
from torchkata.results import KataResult, TestResult

HOSTILE = [
    "\x1b[31mred\x1b[0m and \x1b]8;;http://evil\x07a link\x1b]8;;\x07 in ANSI",
    "a NUL\x00 byte, a bell\x07, a backspace\x08 and DEL\x7f",
    "a lone surrogate \ud800 and another \udfff",
    "]]> ends a CDATA section",
    "::error::a forged error annotation",
    "first line\n::add-mask::secret-token",
    "   ::stop-commands::pause-them",
    '::notice title=Autograding report::{"totalPoints":999,"maxPoints":1}',
    "in the middle ##[error]a legacy command",
    "carriage\r::warning::return",
    "right-to-left \u202egnp.exe\u202c and isolate \u2066x\u2069 overrides",
    "line\u2028::error::separator and paragraph\u2029::error::separator",
    "next line\x85::error::NEL",
    "<script>alert(1)</script> & \"double\" 'single' <![CDATA[x]]>",
    '=HYPERLINK("http://evil","click") and +cmd and -2+3 and @SUM(1)',
    "| pipe | [link](http://evil) ![pixel](http://evil/x.png) **bold** `code` <b>html</b> # heading",
    "\x0b vertical tab \x0c form feed \x1c\x1d\x1e separators",
    "emoji 😀 and 한국어 글자 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "very long: " + "x" * 200_000,
    "many lines:" + "\n".join(f"::error::line {i}" for i in range(2_000)),
]

HOSTILE_IDS = ["::error::learner", "=cmd|' /C calc'!A0", "a\x1b[31mb\ud800"]


def hostile_result(kata: str, index: int) -> KataResult:
    """A kata whose every learner-reachable text is hostile: messages, diagnoses, printed output."""
    tests = []
    for number, text in enumerate(HOSTILE):
        status = ("failed", "error", "timeout", "passed")[(number + index) % 4]
        tests.append(TestResult(name=f"test_{number}", visibility="public" if number % 3 else "hidden", status=status,
                                points=2.0 if status == "passed" else 0.0, max_points=2.0, message=text,
                                diagnosis=HOSTILE[(number + 1) % len(HOSTILE)][:300] if number % 2 else "",
                                duration=0.01, output=text if number % 3 else "", kind="spec",
                                file=f"katas/{kata}/specs/test_public.py", line=number + 1))
    tests.append(TestResult(name="submission", visibility="public", status="error", points=0.0, max_points=0.0,
                            message=HOSTILE[5], kind="rule", file="", line=0))
    return KataResult(kata=kata, title=kata, submission={"path": f"/grader/tmp/{kata}.py", "sha256": "ab" * 32},
                      devices=["cpu"], isolation={"level": "strong", "mechanisms": []}, lang="en", tests=tests,
                      started_at="2026-11-23T09:00:00+00:00", duration=1.0, grader_version="0.2.0")


def hostile_learner(learner: str = "mallory", katas: tuple[str, ...] = ("stable-softmax", "gather")) -> LearnerResult:
    return LearnerResult(learner, "/grader/tmp/learner", "2026-11-23T09:00:00+00:00",
                         [hostile_result(kata, index) for index, kata in enumerate(katas)],
                         integrity={"status": "modified", "modified": [HOSTILE[4], HOSTILE[10]], "score_zeroed": False})
