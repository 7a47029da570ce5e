"""What the ``kata`` command says, in English and Korean: messages, dialogues, --help.

Command and option help is written in English on the commands themselves; the Korean
help lives here and replaces it when the learner's language is Korean. click's own words
("Usage:", "Options", usage errors) come from a gettext catalogue shipped in
``torchkata/locale`` (``make locale`` rebuilds it from the .po file).
"""
from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import click

from torchkata.i18n import fill, t

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

MESSAGES: dict[str, dict[str, str]] = {
    "error": {"en": "error", "ko": "오류"},
    "isolation_too_weak": {"en": "refusing to grade: the confinement in force here is {level!r}, below "
                                 "--min-isolation {minimum!r}. Missing: {missing}",
                           "ko": "채점하지 않습니다: 이 컴퓨터에서 검사로 확인된 격리 수준은 {level!r}로, "
                                 "--min-isolation {minimum!r}보다 낮습니다. 빠진 것: {missing}"},
    "no_workspace": {"en": "no torchkata workspace at or above {here}: run `kata init` to create one",
                     "ko": "{here} 또는 그 위 폴더에 torchkata 작업 공간이 없습니다. `kata init`으로 만드세요"},
    "broken_kata": {"en": "warning: kata {slug!r} cannot be used: {error}",
                    "ko": "경고: {slug} 카타를 쓸 수 없습니다: {error}"},
    "unknown_kata": {"en": "no kata named {slug!r} in {course}: `kata list` shows every kata",
                     "ko": "{course}에 {slug} 카타가 없습니다. `kata list`로 전체 카타를 볼 수 있습니다"},
    "unknown_kata_close": {"en": "no kata named {slug!r} in {course}; did you mean {close!r}?",
                           "ko": "{course}에 {slug} 카타가 없습니다. {close} 카타를 찾으셨나요?"},
    "empty_course": {"en": "{course}: the course has no katas", "ko": "{course}: 이 과정에는 카타가 없습니다"},
    "init_done": {"en": "Created a torchkata workspace in {path} for the course \"{course}\".",
                  "ko": "{path}에 \"{course}\" 과정의 torchkata 작업 공간을 만들었습니다."},
    "init_next": {"en": "Next: {cd}kata next", "ko": "다음 단계: {cd}kata next"},
    "all_solved": {"en": "Every kata is solved. Well done!", "ko": "모든 카타를 풀었습니다. 수고하셨습니다!"},
    "file_created": {"en": "Created: {path}", "ko": "새로 만든 파일: {path}"},
    "file_exists": {"en": "Your file: {path}", "ko": "이미 있는 파일: {path}"},
    "next_steps": {"en": "Edit it, then run `kata check` (or `kata watch`) to grade it; `kata hint` when you are stuck.",
                   "ko": "파일을 고친 뒤 `kata check`(또는 `kata watch`)로 채점하세요. 막히면 `kata hint`를 "
                         "실행하세요."},
    "run_next": {"en": "(run `kata next {slug}` to create it)", "ko": "(`kata next {slug}`를 실행하면 만들어집니다)"},
    "no_such_file": {"en": "no such submission file", "ko": "제출 파일이 없습니다"},
    "solution_header": {"en": "The reference solution, for comparison (kept in {path}):",
                        "ko": "비교해 볼 참고 답안입니다 ({path}에 저장했습니다):"},
    "solved_next": {"en": "Solved! Run `kata next` for the next kata.",
                    "ko": "통과했습니다! 다음 카타는 `kata next`로 시작하세요."},
    "hint_label": {"en": "Hint", "ko": "힌트"},
    "last_hint": {"en": "That was the last hint.", "ko": "마지막 힌트였습니다."},
    "reset_confirm": {"en": "Overwrite {path} with the stub and reset its progress? (your file is backed up first)",
                      "ko": "{path} 파일을 처음 상태로 되돌리고 진행 상황을 지울까요? (지금 파일은 먼저 백업합니다)"},
    "nothing_changed": {"en": "Nothing changed.", "ko": "아무것도 바꾸지 않았습니다."},
    "backup_made": {"en": "Your previous file is saved as {path}.", "ko": "이전 파일은 {path}에 저장했습니다."},
    "reset_done": {"en": "Reset {slug}: {path} is the stub again.",
                   "ko": "{slug} 카타를 처음부터 다시 시작합니다. {path} 파일을 처음 상태로 되돌렸습니다."},
    "status_solved": {"en": "Solved: {solved}/{total}", "ko": "푼 카타: {solved}/{total}"},
    "status_start": {"en": "`kata next` starts the first kata.", "ko": "`kata next`로 첫 카타를 시작하세요."},
    "status_current": {"en": "Current: {slug} — {title}", "ko": "현재 카타: {slug} — {title}"},
    "status_detail": {"en": "  best score: {best}/{max}   hints: {hints}/{total}   file: {path}",
                      "ko": "  최고 점수: {best}/{max}점   힌트: {hints}/{total}   파일: {path}"},
    # kata watch
    "watch_title": {"en": "kata watch — {slug}: {title}", "ko": "kata watch — {slug}: {title}"},
    "watch_waiting": {"en": "Watching {path}: save it to grade it again.",
                      "ko": "{path} 파일을 지켜보는 중입니다. 저장하면 다시 채점합니다."},
    "watch_keys": {"en": "keys: h hint · l list · n next · r reset · q quit",
                   "ko": "키: h 힌트 · l 목록 · n 다음 · r 처음부터 · q 종료"},
    "watch_grading": {"en": "grading…", "ko": "채점 중…"},
    "watch_next_offer": {"en": "Press n for the next kata.", "ko": "다음 카타로 가려면 n을 누르세요."},
    "watch_reset_confirm": {"en": "Reset {path} to the stub? Your file is backed up first. Press y to confirm.",
                            "ko": "{path} 파일을 처음 상태로 되돌릴까요? 지금 파일은 먼저 백업합니다. "
                                  "맞으면 y를 누르세요."},
    "watch_bye": {"en": "Bye.", "ko": "종료합니다."},
    "watch_page": {"en": "lines {first}–{last} of {total} (space: more, b: back)",
                   "ko": "{total}줄 중 {first}–{last}줄 (space: 다음, b: 이전)"},
    "watch_next_same": {"en": "`kata next` would stay here: {slug} is the first kata you have not solved yet. "
                              "(`kata next SLUG` goes to another; l lists them.)",
                        "ko": "`kata next`도 여기에 머뭅니다. {slug:이} 아직 풀지 않은 첫 카타입니다. "
                              "(다른 카타는 `kata next SLUG`로 갈 수 있고, l을 누르면 목록이 나옵니다.)"},
    "watch_seconds": {"en": "graded in {seconds:.2f} s", "ko": "채점 시간 {seconds:.2f}초"},
    # authors
    "new_done": {"en": "Created {path}: fill in every TODO, then run `{command}`.",
                 "ko": "{path:을} 만들었습니다. TODO를 모두 채운 뒤 `{command}`를 실행하세요."},
    "new_course_done": {"en": "Created the course {path}. Next: `{command}` adds its first kata.",
                        "ko": "{path} 과정을 만들었습니다. 다음 단계: `{command}`로 첫 카타를 추가하세요."},
    "new_course_created": {"en": "Created the course {path}.", "ko": "{path} 과정을 만들었습니다."},
    "no_course_for_new": {"en": "no course to add a kata to: no course.toml in {here} or above (the built-in course "
                                "of an installed torchkata is never edited). Make a course first: "
                                "`kata new-course my-course`, then `kata new {slug} --course my-course`",
                          "ko": "카타를 추가할 과정이 없습니다. {here} 또는 그 위 폴더에 course.toml이 없습니다 "
                                "(설치된 torchkata의 내장 과정은 고치지 않습니다). 먼저 과정을 만드세요: "
                                "`kata new-course my-course` 다음에 `kata new {slug} --course my-course`"},
    "not_a_course_yet": {"en": "{path}: not a course yet (no course.toml). Make it one with `kata new-course {path}`, "
                               "then run `kata new {slug} --course {path}` again",
                         "ko": "{path}: 아직 과정이 아닙니다 (course.toml이 없습니다). `kata new-course {path}`로 "
                               "과정을 만든 뒤 `kata new {slug} --course {path}`를 다시 실행하세요"},
    "create_course_confirm": {"en": "{path} is not a course yet (no course.toml). Make it one?",
                              "ko": "{path}는 아직 과정이 아닙니다 (course.toml이 없습니다). 과정으로 만들까요?"},
    "builtin_release": {"en": "warning: {root} is the built-in course: its references, hidden specs and mutants ship "
                              "inside the torchkata package (and inside the wheel every release carries), so any "
                              "learner can read them. Grade only with a course of your own (`kata new-course DIR`).",
                        "ko": "경고: {root}는 내장 과정입니다. 참고 답안, 숨은 테스트, 뮤턴트가 torchkata 패키지에 "
                              "(그리고 배포본마다 들어 있는 wheel 파일에도) 함께 들어 있어 학습자 누구나 읽을 수 "
                              "있습니다. 성적은 직접 만든 과정으로만 매기세요 (`kata new-course DIR`)."},
    "gradescope_done": {"en": "Wrote the Gradescope autograder {path} ({count:kata|katas}, hidden specs included): "
                              "upload it as the assignment's autograder.",
                        "ko": "Gradescope 자동 채점기 {path}를 만들었습니다 (카타 {count}개, 숨은 테스트 포함). "
                              "과제의 autograder로 올리세요."},
    "validate_summary": {"en": "{ok}/{total:kata|katas} valid", "ko": "카타 {total}개 중 {ok}개가 검증을 통과했습니다"},
    "validate_failed": {"en": "failed: {slugs}", "ko": "실패: {slugs}"},
    "release_done": {"en": "Released {count:kata|katas} to {out}. Keep {manifest} yourself: `kata grade --manifest` "
                           "checks learner repositories against it.",
                     "ko": "카타 {count}개를 {out}에 배포했습니다. {manifest}는 따로 보관하세요. "
                           "`kata grade --manifest`가 학습자 저장소를 이 파일과 비교합니다."},
    # instructors
    "grade_summary": {"en": "graded {graded}, already done {skipped}, could not grade {failed} -> {out}",
                      "ko": "채점 {graded}명, 이미 채점됨 {skipped}명, 채점 실패 {failed}명 -> {out}"},
    "could_not_grade": {"en": "could not grade {learner}: {why}", "ko": "{learner} 학습자를 채점하지 못했습니다: {why}"},
    "grading_learners": {"en": "grading {count:learner|learners}", "ko": "학습자 {count}명 채점 중"},
    "learner_note": {"en": "note: {origin}: {text}", "ko": "참고: {origin}: {text}"},
    "collect_skipped": {"en": "skipped {why}", "ko": "건너뜀: {why}"},
    "collect_done": {"en": "cloned {count:repository|repositories} into {out}, skipped {skipped}; the class list for "
                           "`kata grade` is {listing}",
                     "ko": "저장소 {count}개를 {out}에 복제했고 {skipped}개는 건너뛰었습니다. `kata grade`에 쓸 "
                           "명단은 {listing}입니다"},
        "no_submissions_folder": {"en": "warning: {path} has no submissions/ folder: every kata scores 0",
                              "ko": "경고: {path}에 submissions/ 폴더가 없어 모든 카타가 0점입니다"},
    "no_cuda_here": {"en": "warning: CUDA was asked for but is not available here: CUDA specs are reported as "
                           "not run",
                     "ko": "경고: CUDA를 요청했지만 이 컴퓨터에서 쓸 수 없습니다. CUDA 테스트는 '실행 안 함'으로 "
                           "보고합니다"},
    "merged": {"en": "merged {count:learner|learners} from {folders:folder|folders} -> {out}",
               "ko": "폴더 {folders}개에서 학습자 {count}명을 합쳤습니다 -> {out}"},
    "random_salt": {"en": "note: no --salt given; pseudonyms are random for this run only",
                    "ko": "참고: --salt를 주지 않아 이번 실행에서만 쓰는 임의의 가명을 만듭니다"},
    "integrity_modified": {"en": "{learner}: protected files were modified: {paths}",
                           "ko": "{learner}: 수정하면 안 되는 파일이 바뀌었습니다: {paths}"},
    "course_not_released_tree": {"en": "{course}: this course is a released template that differs from the "
                                       "manifest ({paths}); its files would run in the grader: grade with your own "
                                       "course (--course)",
                                 "ko": "{course}: 이 과정은 매니페스트와 다른 배포 템플릿입니다 ({paths}). 이 파일들이 "
                                       "채점기 안에서 실행되므로 강사의 과정으로 채점하세요 (--course)"},
}

COMMAND_HELP_KO: dict[str, str] = {
    "": "torchkata: PyTorch를 카타 하나씩 풀며 익힙니다.",
    "init": "DIRECTORY(기본값: 현재 폴더)에 학습용 작업 공간을 만듭니다.",
    "list": "전체 카타와 진행 상황을 보여 줍니다.",
    "next": "SLUG 카타로, 또는 아직 풀지 않은 첫 카타로 이동하고 처음 상태의 파일을 만들어 줍니다.",
    "show": "SLUG 카타(기본값: 현재 카타)의 문제 설명을 이동하지 않고 보여 줍니다.",
    "check": "SLUG 카타(기본값: 현재 카타)의 제출 파일을 채점합니다.",
    "watch": "파일을 저장할 때마다 현재 카타를 다시 채점합니다 (h 힌트, l 목록, n 다음, r 처음부터, q 종료).",
    "hint": "실행할 때마다 힌트를 하나씩 더 보여 줍니다.",
    "reset": "SLUG 카타를 처음부터 다시 시작합니다. 파일을 처음 상태로 되돌리고 힌트와 점수 기록을 지웁니다 "
             "(지금 파일은 먼저 백업합니다).",
    "status": "현재 카타, 본 힌트 수, 푼 카타 수를 보여 줍니다.",
    "new-course": "강사용: DIRECTORY를 카타를 추가할 과정으로 만듭니다 (course.toml, katas/, reference/).",
    "new": "강사용: 새 카타의 뼈대(kata.toml, 처음 상태 파일, 참고 답안, 공개·숨은 테스트, 뮤턴트 하나)를 만듭니다.",
    "validate": "강사용: 각 카타의 테스트가 알려진 실수를 잡아내는지 검증합니다 (docs/authoring.md 참고).",
    "release": "강사용: 답 없이 학습자용 저장소 템플릿을 만듭니다 (참고 답안, 숨은 테스트, 뮤턴트 제외). "
               "Gradescope 자동 채점기도 만들 수 있습니다.",
    "collect": "강사용: 명단(GitHub Classroom 명단 CSV, 또는 한 줄에 사용자 이름 하나)에 있는 학습자 저장소를 "
               "모두 OUT/<사용자 이름>/에 복제하고, `kata grade`에 쓸 목록을 OUT/learners.txt에 씁니다.",
    "grade": "강사용: 한 반을 채점합니다. LEARNER는 submissions/가 있는 폴더이거나 그런 폴더 목록 파일입니다.",
    "merge": "강사용: `kata grade --shard` 결과 폴더들을 하나로 합칩니다.",
    "export": "강사용: `kata grade` 결과를 다른 도구의 형식으로 내보냅니다.",
    "leaderboard": "강사용: 점수, 그다음 참고 답안 대비 실행 시간으로 순위를 매깁니다.",
}

OPTION_HELP: dict[str, dict[str, str]] = {
    "lang": {"en": "Language of prompts, hints and feedback (default: from the locale).",
             "ko": "문제 설명, 힌트, 피드백의 언어 (기본값: 로캘에서 정합니다)."},
    "course": {"en": "The course folder (default: the workspace's course, a course.toml above the current folder, "
                     "or the built-in course).",
               "ko": "과정 폴더 (기본값: 작업 공간의 과정, 현재 폴더 위의 course.toml, 또는 내장 과정)."},
    "submission": {"en": "Grade this file instead of submissions/<file>.",
                   "ko": "submissions/<파일> 대신 이 파일을 채점합니다."},
    "device": {"en": "Where device specs run; 'all' means every device the kata supports.",
               "ko": "디바이스(device)별 테스트를 실행할 디바이스. 'all'은 카타가 지원하는 모든 디바이스입니다."},
    "public_only": {"en": "Run only the public specs (the score then says so).",
                    "ko": "공개 테스트만 실행합니다 (점수에도 그렇게 표시됩니다)."},
    "json": {"en": "Print the result as JSON (see docs/results.md).",
             "ko": "결과를 JSON으로 출력합니다 (docs/results.md 참고)."},
    "yes": {"en": "Do not ask for confirmation.", "ko": "확인하지 않고 바로 진행합니다."},
    "all": {"en": "Every kata of the course.", "ko": "과정의 모든 카타."},
    "jobs": {"en": "How many gradings run in parallel.", "ko": "동시에 실행할 채점 수."},
    "out": {"en": "The output folder.", "ko": "결과를 쓸 폴더."},
    "katas": {"en": "Comma-separated slugs (default: every kata).", "ko": "쉼표로 구분한 카타 slug (기본값: 전체)."},
    "shard": {"en": "Grade only slice I of N (e.g. 2/4) of the learners, by id.",
              "ko": "학습자를 id 순으로 나눈 N개 중 I번째(예: 2/4)만 채점합니다."},
    "force": {"en": "Grade again learners that already have a result.", "ko": "이미 결과가 있는 학습자도 다시 채점합니다."},
    "manifest": {"en": "The manifest `kata release` wrote (your copy): check each learner's protected files.",
                 "ko": "`kata release`가 만든 매니페스트(강사가 보관한 사본)로 학습자의 보호 파일을 확인합니다."},
    "fail_modified": {"en": "Score 0 for a learner whose protected files were modified (needs --manifest).",
                      "ko": "보호 파일을 수정한 학습자는 0점 처리합니다 (--manifest 필요)."},
    "format": {"en": "The output format.", "ko": "출력 형식."},
    "output": {"en": "Write here (atomically) instead of to standard output.",
               "ko": "표준 출력 대신 이 파일에 씁니다 (원자적으로)."},
    "anonymize": {"en": "Replace learner ids with pseudonyms: HMAC-SHA256 of the id under your secret (--salt).",
                  "ko": "학습자 id를 가명으로 바꿉니다: 비밀 키(--salt)로 만든 id의 HMAC-SHA256입니다."},
    "salt": {"en": "Your secret key for --anonymize (or $TORCHKATA_SALT); keep it to get the same pseudonyms again.",
             "ko": "--anonymize에 쓸 비밀 키($TORCHKATA_SALT도 됩니다). 같은 가명을 다시 얻으려면 보관하세요."},
    "speed": {"en": "Add each learner's time relative to the reference over the katas both passed, from repeated, "
                    "interleaved runs (needs the course with its references); \"≈\" where the runs cannot tell.",
              "ko": "학습자와 정답 코드가 모두 통과한 카타에서, 번갈아 여러 번 실행해 잰 정답 대비 시간을 덧붙입니다"
                    "(정답 코드가 있는 코스가 필요합니다). 실행 결과로 가릴 수 없으면 \"≈\"로 표시합니다."},
    "rounds": {"en": "Timed rounds per distinct file with --speed (after one warm-up round).",
               "ko": "--speed에서 서로 다른 파일마다 잴 횟수(예열 한 번 뒤)."},
    "target": {"en": "What to release: a GitHub Classroom template, or a classroom50 assignment "
                     "(template, autograder bundle and assignments.json entry).",
               "ko": "무엇을 내보낼지: GitHub Classroom 템플릿, 또는 classroom50 과제(템플릿, 채점 번들, "
                     "assignments.json 항목)."},
    "assignment": {"en": "The classroom50 assignment slug (lowercase letters, digits and hyphens).",
                   "ko": "classroom50 과제 슬러그(영문 소문자, 숫자, 하이픈)."},
        "release_gradescope": {"en": "Also write a Gradescope autograder zip (the whole course, hidden specs included).",
                           "ko": "Gradescope 자동 채점기 zip도 만듭니다 (숨은 테스트를 포함한 과정 전체)."},
    "course_name": {"en": "The course's name (default: the folder's name).",
                    "ko": "과정 이름 (기본값: 폴더 이름)."},
    "languages": {"en": "The course's languages, comma-separated ('en' is required).",
                  "ko": "과정의 언어, 쉼표로 구분 ('en'은 꼭 있어야 합니다)."},
    "collect_out": {"en": "The folder to clone into (OUT/<username>/, OUT/learners.txt).",
                    "ko": "복제할 폴더 (OUT/<사용자 이름>/, OUT/learners.txt)."},
    "org": {"en": "The GitHub organisation of the repositories (or $GITHUB_ORG).",
            "ko": "저장소가 있는 GitHub 조직 ($GITHUB_ORG도 됩니다)."},
    "base": {"en": "Where the repositories live, instead of https://github.com/ORG (any git URL).",
             "ko": "https://github.com/ORG 대신 저장소가 있는 곳 (git URL이면 됩니다)."},
    "collect_assignment": {"en": "The assignment prefix: learner NAME's repository is BASE/PREFIX-NAME (or $ASSIGNMENT).",
                   "ko": "과제 접두사: 학습자 NAME의 저장소는 BASE/PREFIX-NAME입니다 ($ASSIGNMENT도 됩니다)."},
    "release_out": {"en": "The folder to write the learner template to (new or empty).",
                    "ko": "학습자용 템플릿을 쓸 폴더 (새 폴더이거나 빈 폴더)."},
    "validate_jobs": {"en": "Katas validated in parallel.", "ko": "동시에 검증할 카타 수."},
    "version": {"en": "Show the version and exit.", "ko": "버전을 보여 주고 끝냅니다."},
    "min_isolation": {"en": "Refuse to grade (exit code 3) unless the confinement the probes show is at least this "
                            "level (or $TORCHKATA_MIN_ISOLATION).",
                      "ko": "검사로 확인된 격리 수준이 이 수준 이상일 때만 채점합니다. 아니면 종료 코드 3으로 "
                            "끝냅니다 ($TORCHKATA_MIN_ISOLATION도 됩니다)."},
}


def say(key: str, lang: str, **values) -> str:
    entry = MESSAGES[key]
    return fill(entry.get(lang, entry["en"]), **values)


def points(value: float, lang: str) -> str:
    """'21 pts' / '21점'."""
    unit = t("points_unit", lang)
    return f"{value:g}{unit}" if lang == "ko" else f"{value:g} {unit}"


def option_help(name: str) -> str:
    return OPTION_HELP[name]["en"]


_ENGLISH: dict[int, tuple] = {}    # the help each command and option was written with


def _remember(thing) -> tuple:
    if id(thing) not in _ENGLISH:
        _ENGLISH[id(thing)] = (thing.help, getattr(thing, "short_help", None))
    return _ENGLISH[id(thing)]


def _korean_option_help(english: str | None) -> str | None:
    for entry in OPTION_HELP.values():
        if entry["en"] == english:
            return entry["ko"]
    return english


def _localise_params(command: click.Command, lang: str, ctx: click.Context) -> None:
    help_option = command.get_help_option(ctx)
    if help_option is not None:       # click makes it once, in whatever language was current then
        help_option.help = gettext.gettext("Show this message and exit.")
    for param in command.params:
        if isinstance(param, click.Option):
            english, _ = _remember(param)
            param.help = _korean_option_help(english) if lang == "ko" else english


def localise_command(command: click.Command, lang: str, ctx: click.Context) -> None:
    """Swap the command's help (and its options') for the learner's language, before click formats it."""
    english, short = _remember(command)
    korean = COMMAND_HELP_KO.get(command.name)
    command.help, command.short_help = (korean, None) if lang == "ko" and korean else (english, short)
    _localise_params(command, lang, ctx)


def localise_group(group: click.Group, lang: str, ctx: click.Context) -> None:
    english, _ = _remember(group)
    group.help = COMMAND_HELP_KO[""] if lang == "ko" else english
    for name, command in group.commands.items():
        command_english, short = _remember(command)
        korean = COMMAND_HELP_KO.get(name)
        command.short_help = korean_summary(korean) if lang == "ko" and korean else short
    _localise_params(group, lang, ctx)


def korean_summary(help_text: str) -> str:
    """A command's one-line summary: its first sentence, without the parentheses (a period inside
    "kata.toml" or "docs/authoring.md" does not end a sentence)."""
    first = re.split(r"\.(?:\s|$)", help_text, maxsplit=1)[0]
    return re.sub(r"\s*\([^()]*\)", "", first).strip()


def install_click_translation(lang: str) -> None:
    """click asks gettext for its own words: point it at our Korean catalogue (or at none)."""
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    os.environ["LANGUAGE"] = lang
