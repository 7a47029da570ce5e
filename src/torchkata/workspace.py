"""The learner's workspace: ``torchkata.toml``, ``submissions/`` and ``solutions/``.

A workspace is a folder holding ``torchkata.toml`` (which course it works on), the
learner's files in ``submissions/`` with ``submissions/progress.json``, and the reference
solutions of the katas they passed in ``solutions/`` (for courses that show them).
`kata init DIR` makes one; this repository is one too.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from torchkata.catalogue import BUILTIN, Course, Kata, KataError, builtin_course_root
from torchkata.progress import Progress
from torchkata.results import write_atomically

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WORKSPACE_FILE = "torchkata.toml"
WORKSPACE_KEYS = ("course",)


@dataclass
class Workspace:
    root: Path
    course: Path | None          # None: the built-in course

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    def submission(self, kata: Kata) -> Path:
        return self.submissions / kata.submission_file

    def solution(self, kata: Kata) -> Path:
        return self.solutions / kata.submission_file

    def progress(self) -> Progress:
        return Progress.load(self.submissions)

    def shown(self, path: Path) -> str:
        """How a learner knows ``path``: relative to the workspace (submissions/x.py) wherever they stand."""
        return shown_path(path, self.root)


def shown_path(path: Path, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (a workspace) when inside it, else relative to the current folder when
    inside that, else in full: never a climb such as ../../tmp.x/..."""
    absolute = Path(os.path.abspath(path))
    for base in ([Path(os.path.abspath(root))] if root is not None else []) + [Path.cwd()]:
        try:
            return str(absolute.relative_to(base))
        except ValueError:
            continue
    return str(absolute)


def find_workspace(start: Path | None = None) -> Workspace | None:
    """The nearest folder at or above ``start`` holding torchkata.toml, or None."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / WORKSPACE_FILE).is_file():
            return load_workspace(candidate)
    return None


def load_workspace(root: Path) -> Workspace:
    path = root / WORKSPACE_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KataError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise KataError(f"{path}: cannot be read: {exc.strerror}") from None
    unknown = [key for key in data if key not in WORKSPACE_KEYS]
    if unknown:
        raise KataError(f"{path}: unknown field {unknown[0]!r} (known fields: {', '.join(WORKSPACE_KEYS)})")
    course = data.get("course", BUILTIN)
    if not isinstance(course, str) or not course:
        raise KataError(f"{path}: field 'course': expected \"{BUILTIN}\" or the path of a course folder, got {course!r}")
    return Workspace(root, None if course == BUILTIN else (root / course).resolve())


def init_workspace(target: Path, course: Course) -> Workspace:
    """Create a workspace in ``target`` (new or empty, or an existing workspace: nothing is overwritten)."""
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise KataError(f"{target}: exists and is not a folder")
    existing = target / WORKSPACE_FILE
    if existing.exists():
        raise KataError(f"{target}: is already a torchkata workspace ({existing})")
    (target / "submissions").mkdir(parents=True, exist_ok=True)
    if course.is_builtin:
        recorded = BUILTIN
    else:
        try:
            recorded = str(course.root.relative_to(target))
        except ValueError:
            recorded = str(course.root)
    write_atomically(existing, "# A torchkata workspace: your solutions live in submissions/.\n"
                               + tomlkit.dumps({"course": recorded}))
    readme = target / "README.md"
    if not readme.exists():
        write_atomically(readme, learner_readme(course))
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        write_atomically(gitignore, "__pycache__/\n*.pyc\n")
    return Workspace(target, None if course.is_builtin else course.root)


def learner_readme(course: Course) -> str:
    return f"""# {course.name}

A torchkata workspace. Each kata is one PyTorch idea: a prompt, a file to complete, and a grader
that runs your code in a sandbox and tells you what went wrong.

```sh
kata next          # the next kata: its prompt, and submissions/<file>.py to complete
kata watch         # re-checks your file every time you save it (h hint, n next, q quit)
kata check         # grade the current kata once
kata hint          # one more hint each time
kata list          # every kata and your progress
```

Add `--lang ko` (or set `LANG=ko_KR.UTF-8`) for Korean. Your progress is kept in
`submissions/progress.json`. After you pass a kata, its reference solution is written to
`solutions/` so you can compare.

## 한국어

각 카타는 PyTorch 개념 하나를 다룹니다. 문제 설명과 채워 넣을 파일이 주어지고, 채점기가 코드를
샌드박스에서 실행한 뒤 무엇이 틀렸는지 알려 줍니다.

```sh
kata next --lang ko     # 다음 카타: 문제 설명과 채워 넣을 submissions/<파일>.py
kata watch --lang ko    # 파일을 저장할 때마다 다시 채점합니다 (h 힌트, n 다음, q 종료)
kata check --lang ko    # 현재 카타를 한 번 채점합니다
kata hint --lang ko     # 실행할 때마다 힌트를 하나씩 더 보여 줍니다
kata list --lang ko     # 전체 카타와 진행 상황
```

진행 상황은 `submissions/progress.json`에 저장됩니다. 카타를 통과하면 참고 답안이 `solutions/`에
저장되니 내 풀이와 비교해 보세요.
"""


def resolve_course_root(workspace: Workspace | None) -> Path | None:
    """The course a workspace records (None: let the usual search decide)."""
    if workspace is None:
        return None
    return workspace.course if workspace.course is not None else builtin_course_root()
