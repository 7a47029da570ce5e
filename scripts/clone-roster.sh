#!/usr/bin/env bash
# Clone the learners' repositories of an assignment, one folder per learner, for `kata grade`.
# A thin wrapper over `kata collect` (see `kata collect --help` and docs/grading-at-scale.md):
#
#   scripts/clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]
#
# ROSTER    a GitHub Classroom roster CSV (read by its github_username column), or one GitHub
#           username per line (# starts a comment). Rows that are not cloned are listed with the reason.
# OUT       the folder to clone into: OUT/<username>/, and OUT/learners.txt for `kata grade`.
# BASE_URL  where the repositories live (default: https://github.com/$GITHUB_ORG); the repository
#           of learner NAME is BASE_URL/PREFIX-NAME (GitHub Classroom's naming).
# PREFIX    the assignment prefix (default: $ASSIGNMENT).
#
# Exit code 1 when some row was skipped or could not be cloned. $KATA names the kata command.
set -euo pipefail
roster="${1:?usage: clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]}"
out="${2:?usage: clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]}"
base="${3:-https://github.com/${GITHUB_ORG:?set GITHUB_ORG or pass BASE_URL}}"
prefix="${4:-${ASSIGNMENT:?set ASSIGNMENT or pass PREFIX}}"
exec "${KATA:-kata}" collect "$roster" --out "$out" --base "$base" --assignment "$prefix"
