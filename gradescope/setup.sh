#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image. `kata release --gradescope
# FILE.zip` puts it at the top of the zip, beside run_autograder, the course and grader/torchkata-*.whl:
# the wheel of the torchkata that made the zip, installed from the zip itself. torchkata is never
# fetched from a package index; PyTorch (a CPU build) and torchkata's dependencies are.
#
# Settings (environment variables, for other images and for tests):
#   TORCHKATA_VENV   the virtual environment to install into (default /opt/torchkata)
#   TORCHKATA_BIN    where the `kata` command is linked (default /usr/local/bin, on run_autograder's PATH)
#   TORCH_SPEC       the PyTorch requirement (default torch)
#   TORCH_PIP_ARGS   pip options for PyTorch (default: the CPU build's index)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${TORCHKATA_VENV:-/opt/torchkata}"
bin="${TORCHKATA_BIN:-/usr/local/bin}"
wheels=("$here"/grader/torchkata-*.whl)
if [ ! -f "${wheels[0]}" ] || [ "${#wheels[@]}" -ne 1 ]; then
  echo "setup.sh: expected one grader/torchkata-*.whl beside it (make the zip with kata release --gradescope)" >&2
  exit 1
fi
# Python 3.10 or newer with venv (Debian and Ubuntu ship venv's pip separately, as python3-venv).
if ! python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv python3-pip
fi
python3 -m venv "$venv"
# shellcheck disable=SC2086  # TORCH_PIP_ARGS is a list of options
"$venv/bin/python" -m pip install --quiet ${TORCH_PIP_ARGS-"--index-url https://download.pytorch.org/whl/cpu"} \
  "${TORCH_SPEC:-torch}"
"$venv/bin/python" -m pip install --quiet "${wheels[0]}"
mkdir -p "$bin"
ln -sf "$venv/bin/kata" "$bin/kata"
"$bin/kata" --version
