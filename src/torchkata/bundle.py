"""The running grader as a wheel, for autograder bundles that install it where torchkata is not on
the package index (a classroom50 bundle, a Gradescope zip).

Minimal version: it builds the source checkout this torchkata runs from (an editable or
development install) with ``pip wheel --no-deps --no-build-isolation``, which needs hatchling
(``make install`` installs it).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from torchkata.catalogue import KataError


def source_checkout() -> Path | None:
    """The project folder this torchkata was imported from, if it is a source checkout."""
    package = Path(__file__).resolve().parent
    root = package.parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "src" / "torchkata").is_dir() else None


def grader_wheel(dest_dir: Path) -> Path:
    """Write the running grader as a wheel into ``dest_dir``; returns the wheel's path."""
    root = source_checkout()
    if root is None:
        raise KataError("cannot build the grader as a wheel: this torchkata is not running from a source checkout")
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="torchkata-wheel-") as scratch:
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                                "--quiet", "--wheel-dir", scratch, str(root)], capture_output=True, text=True)
        wheels = sorted(Path(scratch).glob("torchkata-*.whl"))
        if built.returncode != 0 or len(wheels) != 1:
            raise KataError(f"building the grader wheel from {root} failed:\n{built.stdout}{built.stderr}")
        target = dest_dir / wheels[0].name
        target.write_bytes(wheels[0].read_bytes())
    return target
