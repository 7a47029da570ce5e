#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image. Zip your course folder with
# setup.sh and run_autograder copied to its top level (see docs/grading-at-scale.md).
# torchkata is installed pinned from the package index, with a CPU build of PyTorch first.
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-pip
python3 -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install --quiet "${TORCHKATA_REQUIREMENT:-torchkata==0.2.0}"
