#!/usr/bin/env bash
# speckit's GitHub Action, step "speckit check": checks the features a pull request changes (or the
# paths given, or every feature), prints GitHub annotations, writes a SARIF report for code
# scanning, a job summary and the step's outputs. It exits 0 after a check that ran, whatever it
# found: the result step of action.yml fails the job afterwards, so that the SARIF upload runs
# first. When the check cannot run (a missing baseline; a pull request whose base commit is unknown
# or cannot be fetched, or a checkout that is the base itself) it says why in an annotation and in
# the job summary, sets exit-code 2 and exits 2, which fails the job here. Inputs come as
# environment variables, never as text pasted into this script.
#
#   INPUT_PATHS     feature folders, files or roots, one per line or space-separated; empty: the
#                   changed features of a pull request, every feature on other events
#   INPUT_STRICT    "true": warnings fail too (--strict)
#   INPUT_BASELINE  a baseline file (--baseline): only new findings fail
#
# Outputs (GITHUB_OUTPUT): exit-code (speckit check's: 0 clean, 1 findings that fail, 2 bad input
# or a check that could not run, 3 an internal error of speckit), sarif (the report's path, empty
# when nothing was checked), checked (what was checked: "all", "none" or the paths, space-separated).
set -euo pipefail

workspace=${GITHUB_WORKSPACE:-$PWD}
cd "$workspace"
out_dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/speckit-action
mkdir -p "$out_dir"
sarif="$out_dir/speckit.sarif"
annotations="$out_dir/annotations.txt"
: "${GITHUB_OUTPUT:=/dev/null}"
: "${GITHUB_STEP_SUMMARY:=/dev/null}"

# The documents a rule reads: a changed one re-checks its whole feature (as the commit hook does).
documents='(^|/)((spec|plan|tasks|research|data-model|quickstart)\.md|checklists/[^/]+\.md|contracts/.+)$'

output() {
  printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
}

# Stops the step when the check cannot run: the reason as an annotation and in the job summary,
# exit-code 2, and exit status 2 (no SARIF report, so the upload step is skipped).
cannot_run() {
  echo "::error::speckit action: $1"
  printf '### speckit check did not run\n\n%s\n' "$1" >> "$GITHUB_STEP_SUMMARY"
  output exit-code 2
  output sarif ""
  output checked none
  exit 2
}

# The files the pull request changes, NUL-separated, on stdout. When they cannot be known it sets
# $why and returns 2. It runs as `changed_files > file || ...`, where set -e does not apply (and a
# process substitution would hide its status): every step checks its own.
why=""
changed_files() {
  local base="" event=${GITHUB_EVENT_PATH:-} base_commit head
  if [ -n "$event" ] && [ -f "$event" ]; then
    base=$(python -c 'import json, sys; print(((json.load(open(sys.argv[1])).get("pull_request") or {}).get("base") or {}).get("sha") or "")' "$event") || {
      why="cannot read the event payload $event"
      return 2
    }
  fi
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null || base=$GITHUB_BASE_REF
  fi
  if [ -z "$base" ]; then
    why="the pull request's base commit is unknown (no pull_request.base.sha in GITHUB_EVENT_PATH, no GITHUB_BASE_REF): the changed files cannot be listed"
    return 2
  fi
  # actions/checkout fetches one commit by default: get the base too.
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    if ! git fetch --no-tags --quiet --depth=1 origin "${base#origin/}" >&2; then
      why="cannot fetch the pull request's base $base from origin: the changed files cannot be listed"
      return 2
    fi
    base=FETCH_HEAD
  fi
  if ! base_commit=$(git rev-parse --verify --quiet "$base^{commit}") || ! head=$(git rev-parse --verify --quiet 'HEAD^{commit}'); then
    why="cannot resolve the pull request's base $base or the checkout's HEAD"
    return 2
  fi
  # pull_request_target checks out the base branch (GITHUB_SHA) by default: its diff is empty, or
  # the base branch's own changes, never the pull request's.
  if [ "$head" = "$base_commit" ] || { [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ] && [ "$head" = "${GITHUB_SHA:-}" ]; }; then
    why="the checkout ($head) is the pull request's base, not its changes: check out the pull request's head or merge commit (actions/checkout with ref: \${{ github.event.pull_request.head.sha }})"
    return 2
  fi
  # The default checkout of a pull_request event is the merge commit, which differs from the base
  # tip by exactly what the pull request changes. A checkout of its head differs from the base tip
  # also by what the base branch changed since the pull request branched off (those features are
  # checked too). Deleted files have no feature left to check.
  if ! git diff --name-only --diff-filter=d -z "$base_commit" "$head"; then
    why="cannot list the files changed between $base_commit and $head"
    return 2
  fi
}

args=()
[ "${INPUT_STRICT:-false}" != "true" ] || args+=(--strict)
if [ -n "${INPUT_BASELINE:-}" ]; then
  if [ ! -f "$INPUT_BASELINE" ]; then
    cannot_run "baseline $INPUT_BASELINE does not exist"
  fi
  args+=(--baseline "$INPUT_BASELINE")
fi

paths=()
if [ -n "${INPUT_PATHS:-}" ]; then
  read -r -d '' -a paths < <(printf '%s\0' "$INPUT_PATHS" | tr '\n' ' ') || true
  checked="${paths[*]}"
elif [ "${GITHUB_EVENT_NAME:-}" = pull_request ] || [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ]; then
  changed="$out_dir/changed-files"
  changed_files > "$changed" || cannot_run "$why"
  while IFS= read -r -d '' file; do
    if [[ "$file" == *$'\n'* || "$file" == *$'\r'* ]]; then
      echo "::warning::speckit action: a changed file name holds a line break; it is not checked"
      continue
    fi
    [[ "$file" =~ $documents ]] && paths+=("$file")
  done < "$changed"
  if [ "${#paths[@]}" -eq 0 ]; then
    echo "speckit: this pull request changes no spec document"
    printf '### speckit check\n\nThis pull request changes no spec document: nothing to check.\n' >> "$GITHUB_STEP_SUMMARY"
    output exit-code 0
    output sarif ""
    output checked none
    exit 0
  fi
  checked="${paths[*]}"
else
  checked=all
fi

set +e
# The "--" ends the options: a committed folder named --output=x stays a name (as in the hook).
speckit check --format github "${args[@]}" -- "${paths[@]}" > "$annotations"
code=$?
speckit check --format sarif --output "$sarif" --force "${args[@]}" -- "${paths[@]}" > /dev/null
sarif_code=$?
set -e
cat "$annotations"
if [ "$sarif_code" -ne "$code" ] || [ ! -s "$sarif" ]; then
  sarif=""
fi

errors=$(grep -c '^::error' "$annotations" || true)
warnings=$(grep -c '^::warning' "$annotations" || true)
notices=$(grep -c '^::notice' "$annotations" || true)
case "$code" in
  0) verdict="passed" ;;
  1) verdict="failed" ;;
  2) verdict="could not run (exit code 2: bad input, see the log)" ;;
  3) verdict="could not run (exit code 3: speckit failed: a bug, please report it with the log)" ;;
  *) verdict="could not run (exit code $code, see the log)" ;;
esac
{
  printf '### speckit check %s\n\n' "$verdict"
  printf '| checked | errors | warnings | notes |\n|---|---|---|---|\n'
  printf '| %s | %s | %s | %s |\n' "${checked//|/\\|}" "$errors" "$warnings" "$notices"
} >> "$GITHUB_STEP_SUMMARY"

output exit-code "$code"
output sarif "$sarif"
output checked "$checked"
