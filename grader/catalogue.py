"""Loading the kata catalogue: ``katas/<slug>/kata.toml`` plus ``reference/``.

A kata is data: a folder with ``kata.toml``, a stub, ``specs/test_*.py`` and
optionally ``harness.py`` and ``mutants/``; the instructor's solution lives in
``reference/<submission file>``. The loader checks every field and names the
file, the field and what was expected when something is wrong.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMAT_VERSION = 1
LANGUAGES = ("en", "ko")
DEVICES = ("cpu", "cuda")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MODULE_FILE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.py$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")


class KataError(Exception):
    """A kata (or the catalogue) is malformed. Exit code 2."""


@dataclass(frozen=True)
class Text:
    """A text in every supported language."""
    en: str
    ko: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Mutant:
    file: Path
    diagnosis: Text


@dataclass(frozen=True)
class Kata:
    slug: str
    title: Text
    order: int
    points: int
    timeout: float
    memory_mb: int
    submission_file: str
    devices: tuple[str, ...]
    forbidden: tuple[str, ...]
    preload: tuple[str, ...]
    fresh_process_per_test: bool
    prompt: Text
    hints: tuple[Text, ...]
    mutants: tuple[Mutant, ...]
    folder: Path
    reference: Path

    @property
    def stub(self) -> Path:
        return self.folder / "stub.py"

    @property
    def specs(self) -> Path:
        return self.folder / "specs"

    @property
    def harness(self) -> Path | None:
        path = self.folder / "harness.py"
        return path if path.exists() else None

    @property
    def module_name(self) -> str:
        return self.submission_file[:-3]


@dataclass
class Catalogue:
    root: Path
    katas: list[Kata] = field(default_factory=list)

    def get(self, slug: str) -> Kata:
        for kata in self.katas:
            if kata.slug == slug:
                return kata
        known = ", ".join(k.slug for k in self.katas) or "none"
        raise KataError(f"no kata named {slug!r} (known: {known})")


def find_root(start: Path | None = None) -> Path:
    """The project folder: $TORCHKATA_ROOT, or the nearest ancestor holding katas/."""
    if os.environ.get("TORCHKATA_ROOT"):
        root = Path(os.environ["TORCHKATA_ROOT"]).resolve()
        if not (root / "katas").is_dir():
            raise KataError(f"TORCHKATA_ROOT={root} has no katas/ folder")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "katas").is_dir() and (candidate / "reference").is_dir():
            return candidate
    raise KataError(f"no torchkata project (a folder with katas/ and reference/) at or above {here}")


def load_catalogue(root: Path) -> Catalogue:
    root = root.resolve()
    if not (root / "katas").is_dir():
        raise KataError(f"{root}: no katas/ folder (is this a torchkata project?)")
    katas = [load_kata(toml) for toml in sorted((root / "katas").glob("*/kata.toml"))]
    seen: dict[str, Path] = {}
    for kata in katas:
        if kata.slug in seen:
            raise KataError(f"{kata.folder / 'kata.toml'}: slug {kata.slug!r} is also used by {seen[kata.slug]}")
        seen[kata.slug] = kata.folder
    katas.sort(key=lambda k: (k.order, k.slug))
    return Catalogue(root, katas)


def load_kata(toml_path: Path) -> Kata:
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise KataError(f"{toml_path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise KataError(f"{toml_path}: cannot be read: {exc.strerror}") from None
    return _Reader(toml_path, data).kata()


class _Reader:
    """Reads one kata.toml, naming the file and field in every error."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data

    def fail(self, name: str, expected: str, value: Any = None) -> KataError:
        got = "" if value is None else f", got {value!r}"
        return KataError(f"{self.path}: field '{name}': expected {expected}{got}")

    def field(self, name: str, kind: type | tuple, expected: str, default: Any = ..., table: dict | None = None,
              prefix: str = "") -> Any:
        table = self.data if table is None else table
        if name not in table:
            if default is ...:
                raise KataError(f"{self.path}: missing field '{prefix}{name}' ({expected})")
            return default
        value = table[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.fail(prefix + name, expected, value)
        return value

    def text(self, value: Any, name: str) -> Text:
        if not isinstance(value, dict):
            raise self.fail(name, "a table with 'en' and 'ko' texts", value)
        texts = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise KataError(f"{self.path}: field '{name}.{lang}': expected a non-empty text")
            texts[lang] = text.strip()
        return Text(**texts)

    def kata(self) -> Kata:
        version = self.field("format_version", int, "an integer")
        if version != FORMAT_VERSION:
            raise self.fail("format_version", f"{FORMAT_VERSION} (the format this grader reads)", version)
        slug = self.field("slug", str, "a lower-case slug such as 'stable-softmax'")
        if not _SLUG.match(slug):
            raise self.fail("slug", "lower-case letters, digits and single dashes", slug)
        folder = self.path.parent
        if folder.name != slug:
            raise self.fail("slug", f"the folder name {folder.name!r}", slug)
        submission = self.field("submission", str, "the learner's file name, such as 'stable_softmax.py'")
        if not _MODULE_FILE.match(submission):
            raise self.fail("submission", "a Python module file name such as 'stable_softmax.py'", submission)
        devices = tuple(self.field("devices", list, "a list drawn from 'cpu' and 'cuda'", default=["cpu"]))
        if not devices or any(d not in DEVICES for d in devices) or "cpu" not in devices:
            raise self.fail("devices", "a list drawn from 'cpu' and 'cuda' that includes 'cpu'", list(devices))
        forbidden = tuple(self.field("forbidden", list, "a list of dotted names such as 'torch.softmax'", default=[]))
        for name in forbidden:
            if not isinstance(name, str) or not _DOTTED.match(name):
                raise self.fail("forbidden", "dotted names such as 'torch.softmax' or 'torch.autograd.*'", name)
        preload = tuple(self.field("preload", list, "a list of module names such as 'torch._dynamo'", default=[]))
        for name in preload:
            if not isinstance(name, str) or not _DOTTED.match(name) or name.endswith(".*"):
                raise self.fail("preload", "module names such as 'torch._dynamo'", name)
        points = self.field("points", int, "a positive integer")
        timeout = float(self.field("timeout", (int, float), "seconds per test, a positive number", default=10))
        memory = self.field("memory_mb", int, "megabytes, a positive integer", default=2048)
        if points <= 0 or timeout <= 0 or memory <= 0:
            raise KataError(f"{self.path}: fields 'points', 'timeout' and 'memory_mb' must be positive")
        hints = self.field("hints", list, "a list of [[hints]] tables with 'en' and 'ko'")
        if not hints:
            raise self.fail("hints", "at least one [[hints]] table")
        kata = Kata(
            slug=slug,
            title=self.text(self.field("title", dict, "a table with 'en' and 'ko'"), "title"),
            order=self.field("order", int, "an integer giving the position in the catalogue"),
            points=points, timeout=timeout, memory_mb=memory, submission_file=submission,
            devices=devices, forbidden=forbidden, preload=preload,
            fresh_process_per_test=self.field("fresh_process_per_test", bool, "true or false", default=False),
            prompt=self.text(self.field("prompt", dict, "a table with 'en' and 'ko'"), "prompt"),
            hints=tuple(self.text(h, f"hints[{i}]") for i, h in enumerate(hints)),
            mutants=tuple(self.mutant(m, i) for i, m in
                          enumerate(self.field("mutants", list, "a list of [[mutants]] tables", default=[]))),
            folder=folder,
            reference=folder.parent.parent / "reference" / submission,
        )
        for required, what in ((kata.stub, "the stub"), (kata.specs, "the specs folder"),
                               (kata.reference, "the reference solution")):
            if not required.exists():
                raise KataError(f"{self.path}: {what} is missing: expected {required}")
        return kata

    def mutant(self, table: Any, index: int) -> Mutant:
        name = f"mutants[{index}]"
        if not isinstance(table, dict):
            raise self.fail(name, "a table with 'file' and 'diagnosis'", table)
        file = self.field("file", str, "a path relative to the kata folder", table=table, prefix=name + ".")
        path = self.path.parent / file
        if not path.is_file():
            raise self.fail(f"{name}.file", "an existing file in the kata folder", file)
        diagnosis = self.field("diagnosis", dict, "a table with 'en' and 'ko'", table=table, prefix=name + ".")
        return Mutant(path, self.text(diagnosis, f"{name}.diagnosis"))
