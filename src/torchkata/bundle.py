"""The grader that is running, as a wheel file: what a released template or a Gradescope zip installs.

torchkata is not on the package index, and a learner's CI or a Gradescope image must not install
whatever a name there holds. So a release carries the exact grader that made it:

- from a source checkout (a clone, or an editable install of one) the wheel is built from that
  checkout by its own build backend, hatchling, as ``pip wheel`` would; uncommitted changes are in it;
- from an installed wheel it is put back together from the installed files that the distribution's
  RECORD lists (pip's own additions, such as INSTALLER and direct_url.json, left out).

Both are reproducible: the same grader gives the same bytes (fixed timestamps and modes, sorted entries),
so the release manifest's digest of the wheel does not change from one release to the next.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import torchkata
from torchkata.catalogue import KataError
from torchkata.results import write_atomically

DISTRIBUTION = "torchkata"
# Hatchling's timestamp for reproducible builds when SOURCE_DATE_EPOCH is unset (2020-02-02).
DEFAULT_EPOCH = 1580601600
# Files an installer adds to the .dist-info folder: they describe this installation, not the wheel.
INSTALLER_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "RECORD.jws", "RECORD.p7s"}


def grader_wheel(dest_dir: Path) -> Path:
    """Write the running grader to ``dest_dir`` as a wheel file and return its path."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    checkout = source_checkout()
    return _build_from_checkout(checkout, dest_dir) if checkout else _rebuild_installed(dest_dir)


def source_checkout() -> Path | None:
    """The checkout this torchkata runs from (``src/torchkata`` beside its pyproject.toml), or None."""
    package = Path(torchkata.__file__).resolve().parent
    root = package.parent.parent
    if package.parent.name == "src" and (root / "pyproject.toml").is_file() and \
            f'name = "{DISTRIBUTION}"' in (root / "pyproject.toml").read_text(encoding="utf-8"):
        return root
    return None


def _build_from_checkout(root: Path, dest_dir: Path) -> Path:
    """hatchling, the checkout's own backend, run in this interpreter when it is installed here (the
    `test` extra and `make install` put it there); otherwise pip fetches it in an isolated build."""
    with tempfile.TemporaryDirectory(prefix="torchkata-wheel-") as scratch:
        if _importable("hatchling") and _importable("hatch_fancy_pypi_readme"):
            command = [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", scratch]
        else:
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", scratch, str(root)]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        built = sorted(Path(scratch).glob(f"{DISTRIBUTION}-*.whl"))
        if done.returncode != 0 or len(built) != 1:
            raise KataError(f"{root}: could not build the grader's wheel ({' '.join(command[1:4])} said: "
                            f"{(done.stderr or done.stdout).strip()[-800:]}); `pip install hatchling "
                            "hatch-fancy-pypi-readme` lets torchkata build it without the package index")
        target = dest_dir / built[0].name
        write_atomically(target, built[0].read_bytes())
        return target


def _importable(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def _installed_distribution() -> importlib.metadata.Distribution:
    """The installed distribution whose files are the torchkata package running now."""
    package = Path(torchkata.__file__).resolve()
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    if distribution is None or not distribution.files or \
            Path(distribution.locate_file("torchkata/__init__.py")).resolve() != package:
        raise KataError(f"{package.parent}: torchkata runs from neither a source checkout nor an installed "
                        "distribution with a RECORD of its files; reinstall it (pip install a wheel or a checkout)")
    return distribution


def _rebuild_installed(dest_dir: Path) -> Path:
    distribution = _installed_distribution()
    info = _dist_info_name(distribution)
    members: dict[str, bytes] = {}
    for record in distribution.files:
        name = PurePosixPath(record.as_posix())
        if ".." in name.parts or "__pycache__" in name.parts or name.suffix == ".pyc":
            continue      # console scripts (rebuilt from entry_points.txt) and bytecode
        if name.parts[0] == info and len(name.parts) == 2 and name.name in INSTALLER_FILES:
            continue
        path = Path(distribution.locate_file(record))
        try:
            members[name.as_posix()] = path.read_bytes()
        except OSError as exc:
            raise KataError(f"{path}: an installed file of torchkata cannot be read ({exc.strerror}); "
                            "reinstall torchkata") from None
    if f"{info}/WHEEL" not in members or f"{info}/METADATA" not in members:
        raise KataError(f"{distribution.locate_file(info)}: no WHEEL or METADATA file; reinstall torchkata")
    tag = _wheel_tag(members[f"{info}/WHEEL"].decode("utf-8"))
    target = dest_dir / f"{info[:-len('.dist-info')]}-{tag}.whl"
    write_atomically(target, _zip_wheel(members, info))
    return target


def _dist_info_name(distribution: importlib.metadata.Distribution) -> str:
    names = {PurePosixPath(f.as_posix()).parts[0] for f in distribution.files}
    infos = sorted(name for name in names if name.endswith(".dist-info"))
    if len(infos) != 1:
        raise KataError(f"the installed torchkata lists {len(infos)} .dist-info folders in its RECORD; reinstall it")
    return infos[0]


def _wheel_tag(wheel_file: str) -> str:
    tags = [line.split(":", 1)[1].strip() for line in wheel_file.splitlines() if line.startswith("Tag:")]
    if not tags:
        raise KataError("the installed torchkata's WHEEL file names no tag; reinstall it")
    pythons = sorted({tag.split("-")[0] for tag in tags})
    abis = sorted({tag.split("-")[1] for tag in tags})
    platforms = sorted({tag.split("-")[2] for tag in tags})
    return f"{'.'.join(pythons)}-{'.'.join(abis)}-{'.'.join(platforms)}"


def _zip_wheel(members: dict[str, bytes], info: str) -> bytes:
    """A wheel of ``members`` with a fresh RECORD, byte for byte the same for the same members."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    stamp = _zip_time(epoch)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    ordered = sorted(members, key=lambda name: (name.startswith(f"{info}/"), name))
    for name in ordered:
        digest = base64.urlsafe_b64encode(hashlib.sha256(members[name]).digest()).rstrip(b"=").decode("ascii")
        writer.writerow([name, f"sha256={digest}", len(members[name])])
    writer.writerow([f"{info}/RECORD", "", ""])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*((n, members[n]) for n in ordered), (f"{info}/RECORD", rows.getvalue().encode())]:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o100644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return buffer.getvalue()


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    import time
    moment = time.gmtime(max(epoch, 315532800))       # zip dates start in 1980
    return moment[:6]
