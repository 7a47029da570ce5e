#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image. Upload a zip of this repository
# with setup.sh and run_autograder at its top level (see docs/grading-at-scale.md).
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip make
cd /autograder/source
make install TORCH_SPEC=torch TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
