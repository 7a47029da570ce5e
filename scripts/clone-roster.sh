#!/usr/bin/env bash
# Clone the learners' repositories of an assignment, one folder per learner, for `kata grade`.
#
#   scripts/clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]
#
# ROSTER    a text file with one GitHub username per line (# starts a comment), or a GitHub
#           Classroom roster CSV whose first column is the username (a header line is skipped).
# OUT       the folder to clone into: OUT/<username>/ for each learner, and OUT/learners.txt
#           listing the folders that were cloned, ready for `kata grade OUT/learners.txt`.
# BASE_URL  where the repositories live (default: https://github.com/$GITHUB_ORG); the repository
#           of learner NAME is BASE_URL/PREFIX-NAME (GitHub Classroom's naming).
# PREFIX    the assignment prefix (default: $ASSIGNMENT).
#
# A learner's repository is hostile input: it is cloned without running anything from it (no
# hooks, no submodules, no checkout filters), shallow, and `kata grade` later reads only regular
# files from it. Learners whose repository cannot be cloned are listed on stderr and skipped;
# the exit code is 1 if any were.
set -uo pipefail
roster="${1:?usage: clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]}"
out="${2:?usage: clone-roster.sh ROSTER OUT [BASE_URL] [PREFIX]}"
base="${3:-https://github.com/${GITHUB_ORG:?set GITHUB_ORG or pass BASE_URL}}"
prefix="${4:-${ASSIGNMENT:?set ASSIGNMENT or pass PREFIX}}"
mkdir -p "$out"
: > "$out/learners.txt.tmp"
failed=0
while IFS= read -r line || [ -n "$line" ]; do
  name="${line%%,*}"; name="${name//\"/}"; name="$(echo "$name" | tr -d '[:space:]')"
  case "$name" in ""|"#"*|identifier|github_username|username) continue ;; esac
  if ! [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9-]*$ ]]; then
    echo "skipped ${name}: not a GitHub username" >&2; failed=1; continue
  fi
  target="$out/$name"
  rm -rf "$target"
  if git -c core.hooksPath=/dev/null -c core.symlinks=true -c protocol.file.allow=user \
       clone --quiet --depth 1 --no-recurse-submodules "$base/$prefix-$name" "$target" 2>/dev/null; then
    echo "$name" >> "$out/learners.txt.tmp"
  else
    echo "could not clone $base/$prefix-$name" >&2; failed=1
  fi
done < "$roster"
mv "$out/learners.txt.tmp" "$out/learners.txt"
echo "cloned $(wc -l < "$out/learners.txt") repositories into $out (list: $out/learners.txt)"
exit "$failed"
