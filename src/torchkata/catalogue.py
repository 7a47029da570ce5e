"""Courses and their katas: ``course.toml``, ``katas/<slug>/kata.toml`` and ``reference/``.

A course is a folder, anywhere on disk (the built-in one is this repository's top level, and
ships inside the wheel as ``torchkata/course/``)::

    course.toml             name, languages, the order of the katas, whether solutions may be shown
    katas/<slug>/           one folder per kata: kata.toml, stub.py, specs/, harness.py, mutants/
    reference/<file>.py     the instructor's solutions (absent from a released course)

Every error names the file, the field and what was expected. A broken kata does not
break the course: it is kept aside in ``Course.broken`` and the other katas keep working.
"""
from __future__ import annotations

import difflib
import functools
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

KATA_FORMAT = 2
COURSE_FORMAT = 1
LANGUAGES = ("en", "ko")
DEVICES = ("cpu", "cuda")
COURSE_FILE = "course.toml"
BUILTIN = "builtin"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MODULE_FILE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.py$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")

KATA_KEYS = ("format_version", "slug", "points", "timeout", "memory_mb", "submission", "devices", "forbidden",
             "preload", "fresh_process_per_test", "title", "prompt", "hints", "mutants", "requires", "context")
COURSE_KEYS = ("format_version", "name", "languages", "order", "show_solutions", "released", "release")
RELEASE_KEYS = ("requirement",)
MUTANT_KEYS = ("file", "diagnosis")
REQUIRE_KEYS = ("en", "ko", "tests", "probes")
# The engine's generic probes (torchkata.probes) and the options each one takes besides kind, points, hidden
# and functions.
PROBE_KINDS = {"unchanged": (), "dtypes": ("dtypes",), "defaults": (), "stability": ("offsets", "args"),
               "repeated": (), "device": (), "same-device": ()}
PROBE_KEYS = ("kind", "points", "hidden", "functions", "condition", "dtypes", "offsets", "args")
PROBE_DTYPES = ("float64", "float32", "float16", "bfloat16")
FORBIDDEN_TEST = "forbidden"          # a requirement's test name for the rule "uses no forbidden API"
_TEST_NAME = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_./-]*\.py)::([A-Za-z_][A-Za-z0-9_]*)(\[.+\])?$")
_FUNCTION = re.compile(r"^(harness\.)?[A-Za-z_][A-Za-z0-9_]*$")
_PARAMETER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class KataError(Exception):
    """A kata, a course or an input file is malformed. Exit code 2."""


@dataclass(frozen=True)
class Text:
    """A text in every language of the course (English is always there)."""
    en: str
    ko: str = ""

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" and self.ko else self.en


@dataclass(frozen=True)
class Mutant:
    file: Path
    diagnosis: Text

    @property
    def name(self) -> str:
        return self.file.stem


@dataclass(frozen=True)
class Probe:
    """One of the engine's generic probes (:mod:`torchkata.probes`): a scored test of a requirement."""
    kind: str                          # a key of PROBE_KINDS
    points: float
    hidden: bool = False               # drawn from every spec's calls, shown as a hidden test
    functions: tuple[str, ...] = ()    # the learner's functions it checks ("harness.f" for a harness function);
                                       # empty: every function of the stub
    condition: float | None = None     # how much the function amplifies rounding (torchkata.numerics)
    dtypes: tuple[str, ...] = ()       # dtypes: the dtypes the function must keep
    offsets: tuple[float, ...] = (1e3, 1e4)   # stability: what is added to the inputs
    args: tuple[str, ...] = ()         # stability: the parameters offset (empty: the first float tensor)


@dataclass(frozen=True)
class Requirement:
    """A sentence of the prompt (its own words, in each language) and what checks it."""
    text: Text
    tests: tuple[str, ...]             # "test_public.py::test_name", or "forbidden"
    probes: tuple[Probe, ...]
    index: int                         # its place among the kata's [[requires]] tables
    line: int = 0                      # its line in kata.toml


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
    reference: Path | None          # None in a released course: the answers stay with the instructor
    requires: tuple[Requirement, ...] = ()     # the prompt's requirements ([[requires]])
    context: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
                                    # per language: fragments of the prompt that explain and require nothing
                                    # ({} without a [context] table)

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
    def recordings(self) -> Path:
        """Reference values recorded by `kata release` (only in a released course)."""
        return self.folder / "recorded" / "reference.pt"

    @property
    def module_name(self) -> str:
        return self.submission_file[:-3]


@dataclass
class Course:
    root: Path
    name: str
    languages: tuple[str, ...]
    order: tuple[str, ...]
    show_solutions: bool
    released: bool
    requirement: str                  # what a released repository's workflow installs, e.g. torchkata==0.2.0
    katas: list[Kata] = field(default_factory=list)
    broken: dict[str, KataError] = field(default_factory=dict)

    @property
    def is_builtin(self) -> bool:
        return self.root == builtin_course_root()

    def get(self, slug: str) -> Kata:
        for kata in self.katas:
            if kata.slug == slug:
                return kata
        if slug in self.broken:
            raise self.broken[slug]
        known = [k.slug for k in self.katas]
        close = difflib.get_close_matches(slug, known, n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known) or 'none'})"
        raise KataError(f"no kata named {slug!r} in {self.root}{suggestion}")


def builtin_course_root() -> Path:
    """The built-in course: ``torchkata/course/`` in a wheel (the build copies it there); in a source
    checkout (a clone, an editable install) the repository's top level, where it is written."""
    package = Path(__file__).resolve().parent
    shipped = package / "course"
    if (shipped / COURSE_FILE).is_file():
        return shipped
    checkout = package.parent.parent
    if (checkout / COURSE_FILE).is_file() and (checkout / "katas").is_dir():
        return checkout
    return shipped   # neither: load_course names the missing course.toml


def find_course(explicit: Path | None = None, workspace_course: Path | None = None,
                start: Path | None = None) -> Path:
    """Which course a command works on, first match wins:

    ``--course PATH`` (or $TORCHKATA_COURSE), the course recorded in the learner's workspace,
    the nearest folder at or above the current one holding course.toml, the built-in course.
    """
    if explicit is None and os.environ.get("TORCHKATA_COURSE"):
        explicit = Path(os.environ["TORCHKATA_COURSE"])
    for chosen, origin in ((explicit, "--course"), (workspace_course, "the workspace's torchkata.toml")):
        if chosen is not None:
            root = chosen.expanduser().resolve()
            if not (root / COURSE_FILE).is_file():
                raise KataError(f"{root}: not a course (no {COURSE_FILE}), given by {origin}")
            return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / COURSE_FILE).is_file():
            return candidate
    return builtin_course_root()


def load_course(root: Path) -> Course:
    """Read course.toml and every kata. Raises KataError only for a broken course.toml."""
    root = root.resolve()
    path = root / COURSE_FILE
    reader = _Reader(path, _read_toml(path))
    reader.check_keys(COURSE_KEYS)
    version = reader.field("format_version", int, "an integer")
    if version != COURSE_FORMAT:
        raise reader.fail("format_version", f"{COURSE_FORMAT} (the format this torchkata reads)", version)
    languages = tuple(reader.field("languages", list, "a list such as [\"en\", \"ko\"]", default=list(LANGUAGES)))
    if "en" not in languages or any(lang not in LANGUAGES for lang in languages):
        raise reader.fail("languages", f"a list drawn from {list(LANGUAGES)} that includes 'en'", list(languages))
    order = reader.field("order", list, "the list of kata slugs, in the order learners meet them")
    for position, slug in enumerate(order):
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise reader.fail(f"order[{position}]", "a kata slug such as 'stable-softmax'", slug)
        if slug in order[:position]:
            raise reader.fail(f"order[{position}]", "each kata once", slug)
    release = reader.field("release", dict, "a [release] table", default={})
    _Reader(path, release, prefix="release.").check_keys(RELEASE_KEYS)
    course = Course(
        root=root, name=reader.field("name", str, "the course's name"), languages=languages, order=tuple(order),
        show_solutions=reader.field("show_solutions", bool, "true or false", default=True),
        released=reader.field("released", bool, "true or false", default=False),
        requirement=_Reader(path, release, prefix="release.").field(
            "requirement", str, "a pip requirement such as 'torchkata==0.2.0'", default=""))
    _load_katas(course)
    return course


def _load_katas(course: Course) -> None:
    folders = {p.parent.name: p for p in sorted((course.root / "katas").glob("*/kata.toml"))}
    for slug in course.order:
        if slug not in folders:
            course.broken[slug] = KataError(f"{course.root / COURSE_FILE}: field 'order' lists {slug!r}, "
                                            f"but there is no {course.root / 'katas' / slug / 'kata.toml'}")
    for slug, toml in folders.items():
        if slug not in course.order:
            course.broken[slug] = KataError(f"{toml}: the kata is not listed in {course.root / COURSE_FILE} "
                                            f"field 'order' (add {slug!r} where learners should meet it)")
            continue
        try:
            course.katas.append(load_kata(toml, order=course.order.index(slug), languages=course.languages,
                                          released=course.released))
        except KataError as exc:
            course.broken[slug] = exc
    owners: dict[str, Kata] = {}
    for kata in sorted(course.katas, key=lambda k: k.order):
        if kata.submission_file in owners:
            course.broken[kata.slug] = KataError(
                f"{kata.folder / 'kata.toml'}: field 'submission': {kata.submission_file!r} is also the file of "
                f"kata {owners[kata.submission_file].slug!r}")
        else:
            owners[kata.submission_file] = kata
    course.katas = sorted((k for k in course.katas if k.slug not in course.broken), key=lambda k: k.order)


def _read_toml(path: Path) -> dict:
    return _parse_toml(path, _read_text(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KataError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise KataError(f"{path}: cannot be read: {exc.strerror}") from None


def _parse_toml(path: Path, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KataError(f"{path}: not valid TOML: {exc}") from None


def load_kata(toml_path: Path, order: int = 0, languages: tuple[str, ...] = LANGUAGES,
              released: bool = False) -> Kata:
    text = _read_text(toml_path)
    return _Reader(toml_path, _parse_toml(toml_path, text), source=text).kata(order, languages, released)


class _Reader:
    """Reads one TOML table, naming the file and field in every error."""

    def __init__(self, path: Path, data: dict, prefix: str = "", source: str = ""):
        self.path, self.data, self.prefix, self.source = path, data, prefix, source

    @functools.cached_property
    def folder(self) -> Path:
        """The folder of the file being read, resolved once (every mutant's path is checked against it)."""
        return self.path.parent.resolve()

    @functools.cached_property
    def requires_lines(self) -> tuple[int, ...]:
        """The line of every [[requires]] header in the file's text (1-based), for validate's messages."""
        header = re.compile(r"^\s*\[\[\s*requires\s*\]\]")
        return tuple(number for number, line in enumerate(self.source.splitlines(), 1) if header.match(line))

    def fail(self, name: str, expected: str, value: Any = None) -> KataError:
        got = "" if value is None else f", got {value!r}"
        return KataError(f"{self.path}: field '{self.prefix}{name}': expected {expected}{got}")

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{self.prefix}{close[0]}'?" if close else \
                    f" (known fields: {', '.join(known)})"
                raise KataError(f"{self.path}: unknown field '{self.prefix}{key}'{hint}")

    def field(self, name: str, kind: type | tuple, expected: str, default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise KataError(f"{self.path}: missing field '{self.prefix}{name}' ({expected})")
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.fail(name, expected, value)
        return value

    def text(self, value: Any, name: str, languages: tuple[str, ...]) -> Text:
        if not isinstance(value, dict):
            raise self.fail(name, f"a table with {' and '.join(repr(lang) for lang in languages)} texts", value)
        _Reader(self.path, value, prefix=f"{self.prefix}{name}.").check_keys(LANGUAGES)
        texts = {}
        for lang in languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise KataError(f"{self.path}: field '{self.prefix}{name}.{lang}': expected a non-empty text")
            texts[lang] = text.strip()
        return Text(**texts)

    def names(self, name: str, expected: str, pattern: re.Pattern, modules_only: bool = False) -> tuple[str, ...]:
        values = self.field(name, list, expected, default=[])
        for value in values:
            if not isinstance(value, str) or not pattern.match(value) or (modules_only and value.endswith(".*")):
                raise self.fail(name, expected, value)
        return tuple(values)

    def kata(self, order: int, languages: tuple[str, ...], released: bool) -> Kata:
        version = self.field("format_version", int, "an integer")
        if version != KATA_FORMAT:
            extra = " (format 1 kept 'order' in kata.toml: move it to course.toml's 'order' list)" \
                if version == 1 else ""
            raise self.fail("format_version", f"{KATA_FORMAT} (the format this torchkata reads){extra}", version)
        self.check_keys(KATA_KEYS)
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
        if not devices or any(d not in DEVICES for d in devices) or "cpu" not in devices or \
                len(set(devices)) != len(devices):
            raise self.fail("devices", "a list drawn from 'cpu' and 'cuda' that includes 'cpu'", list(devices))
        points = self.field("points", int, "a positive integer")
        timeout = float(self.field("timeout", (int, float), "seconds per test, a positive number", default=10))
        memory = self.field("memory_mb", int, "megabytes, a positive integer", default=2048)
        for name, value, low, high in (("points", points, 1, 10_000), ("timeout", timeout, 0.1, 600),
                                       ("memory_mb", memory, 64, 65_536)):
            if not low <= value <= high:
                raise self.fail(name, f"a number from {low:g} to {high:g}", value)
        hints = self.field("hints", list, "a list of [[hints]] tables")
        if not hints:
            raise self.fail("hints", "at least one [[hints]] table")
        mutants = self.field("mutants", list, "a list of [[mutants]] tables", default=[])
        kata = Kata(
            slug=slug, order=order,
            title=self.text(self.field("title", dict, "a table of texts"), "title", languages),
            points=points, timeout=timeout, memory_mb=memory, submission_file=submission, devices=devices,
            forbidden=self.names("forbidden", "dotted names such as 'torch.softmax' or 'torch.autograd.*'", _DOTTED),
            preload=self.names("preload", "module names such as 'torch._dynamo'", _DOTTED, modules_only=True),
            fresh_process_per_test=self.field("fresh_process_per_test", bool, "true or false", default=False),
            prompt=self.text(self.field("prompt", dict, "a table of texts"), "prompt", languages),
            hints=tuple(self.text(h, f"hints[{i}]", languages) for i, h in enumerate(hints)),
            mutants=tuple(self.mutant(m, i, languages, released) for i, m in enumerate(mutants)),
            folder=folder,
            reference=None if released else folder.parent.parent / "reference" / submission,
            requires=tuple(self.requirement(r, i, languages)
                           for i, r in enumerate(self.field("requires", list, "a list of [[requires]] tables",
                                                            default=[]))),
            context=self.context(languages),
        )
        required = [(kata.stub, "the stub"), (kata.specs, "the specs folder")]
        required.append((kata.recordings, "the recorded reference values") if released
                        else (kata.reference, "the reference solution"))
        for path, what in required:
            if not path.exists():
                raise KataError(f"{self.path}: {what} is missing: expected {path}")
        return kata

    def mutant(self, table: Any, index: int, languages: tuple[str, ...], released: bool) -> Mutant:
        """A mutant's file and diagnosis. A released course keeps the diagnoses, not the files."""
        name = f"mutants[{index}]"
        if not isinstance(table, dict):
            raise self.fail(name, "a table with 'file' and 'diagnosis'", table)
        reader = _Reader(self.path, table, prefix=f"{name}.")
        reader.check_keys(MUTANT_KEYS)
        file = reader.field("file", str, "a path relative to the kata folder")
        path = (self.path.parent / file).resolve()
        if self.folder not in path.parents or not (released or path.is_file()):
            raise reader.fail("file", "an existing file inside the kata folder", file)
        return Mutant(path, reader.text(reader.field("diagnosis", dict, "a table of texts"), "diagnosis", languages))

    def requirement(self, table: Any, index: int, languages: tuple[str, ...]) -> Requirement:
        """One [[requires]] table: the sentence in each language, its spec tests and its probes."""
        name = f"requires[{index}]"
        if not isinstance(table, dict):
            raise self.fail(name, "a table with 'en', 'ko', 'tests' and/or 'probes'", table)
        reader = _Reader(self.path, table, prefix=f"{name}.")
        reader.check_keys(REQUIRE_KEYS)
        text = self.text({lang: table[lang] for lang in LANGUAGES if lang in table}, name, languages)
        tests = reader.field("tests", list, "a list of test names such as 'test_public.py::test_keeps_float64'",
                             default=[])
        for test in tests:
            if not isinstance(test, str) or not (test == FORBIDDEN_TEST or _TEST_NAME.match(test)):
                raise reader.fail("tests", "test names such as 'test_public.py::test_keeps_float64' (a file of "
                                  f"specs/, '::', the test's name) or {FORBIDDEN_TEST!r}", test)
        probes = reader.field("probes", list, "a list of probe tables such as { kind = \"unchanged\", points = 1 }",
                              default=[])
        probes = tuple(reader.probe(p, i) for i, p in enumerate(probes))
        if not tests and not probes:
            raise KataError(f"{self.path}: field '{name}': a requirement needs at least one test or probe "
                            "(or quote the sentence in [context] if it requires nothing)")
        line = self.requires_lines[index] if index < len(self.requires_lines) else 0
        return Requirement(text, tuple(tests), probes, index, line)

    def probe(self, table: Any, index: int) -> Probe:
        name = f"probes[{index}]"
        if not isinstance(table, dict):
            raise self.fail(name, "a table such as { kind = \"unchanged\", points = 1 }", table)
        reader = _Reader(self.path, table, prefix=f"{self.prefix}{name}.")
        reader.check_keys(PROBE_KEYS)
        kind = reader.field("kind", str, f"one of {', '.join(PROBE_KINDS)}")
        if kind not in PROBE_KINDS:
            close = difflib.get_close_matches(kind, list(PROBE_KINDS), n=1)
            raise reader.fail("kind", f"one of {', '.join(PROBE_KINDS)}" + (f" (did you mean {close[0]!r}?)"
                                                                              if close else ""), kind)
        for option in ("dtypes", "offsets", "args"):
            if option in table and option not in PROBE_KINDS[kind]:
                raise KataError(f"{self.path}: field '{self.prefix}{name}.{option}': only a "
                                f"{' or '.join(k for k, o in PROBE_KINDS.items() if option in o)} probe takes it")
        points = reader.field("points", (int, float), "a number of points >= 0")
        condition = reader.field("condition", (int, float), "a number >= 1", default=None)
        if points < 0 or (condition is not None and condition < 1):
            raise reader.fail("points" if points < 0 else "condition", "a number >= 0" if points < 0 else
                              "a number >= 1", points if points < 0 else condition)
        functions = reader.names("functions", "function names such as 'layer_norm' or 'harness.train'", _FUNCTION)
        dtypes = reader.field("dtypes", list, f"a list drawn from {list(PROBE_DTYPES)}",
                              default=[] if kind != "dtypes" else ...)
        if kind == "dtypes" and (not dtypes or any(d not in PROBE_DTYPES for d in dtypes)):
            raise reader.fail("dtypes", f"a non-empty list drawn from {list(PROBE_DTYPES)}", dtypes)
        offsets = reader.field("offsets", list, "a list of numbers such as [1e3, 1e4]", default=[1e3, 1e4])
        if not offsets or any(not isinstance(o, (int, float)) or isinstance(o, bool) or o == 0 for o in offsets):
            raise reader.fail("offsets", "a non-empty list of non-zero numbers such as [1e3, 1e4]", offsets)
        args = reader.names("args", "parameter names such as 'x'", _PARAMETER)
        return Probe(kind=kind, points=float(points), hidden=reader.field("hidden", bool, "true or false",
                                                                           default=False),
                     functions=functions, condition=None if condition is None else float(condition),
                     dtypes=tuple(dtypes), offsets=tuple(float(o) for o in offsets), args=args)

    def context(self, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """[context]: per language, fragments of the prompt's sentences that require nothing."""
        if "context" not in self.data:
            return {}
        table = self.field("context", dict, "a table with 'en' and 'ko' lists of prompt fragments")
        reader = _Reader(self.path, table, prefix="context.")
        reader.check_keys(LANGUAGES)
        out = {}
        for lang in languages:
            fragments = reader.field(lang, list, "a list of fragments of the prompt", default=[])
            if any(not isinstance(f, str) or not f.strip() for f in fragments):
                raise reader.fail(lang, "a list of non-empty fragments of the prompt", fragments)
            out[lang] = tuple(fragments)
        return out
