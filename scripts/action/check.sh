#!/usr/bin/env bash
# speckit's GitHub Action, step "speckit check": checks the features a pull request changes (or the
# paths given, or every feature), prints GitHub annotations, writes a SARIF report for code
# scanning, a job summary and the step's outputs. It exits 0 after a check that ran, whatever it
# found: the result step of action.yml fails the job afterwards, so that the SARIF upload runs
# first. Inputs come as environment variables, never as text pasted into this script.
#
#   INPUT_PATHS     feature folders, files or roots, one per line or space-separated; empty: the
#                   changed features of a pull request, every feature on other events
#   INPUT_STRICT    "true": warnings fail too (--strict)
#   INPUT_BASELINE  a baseline file (--baseline): only new findings fail
#
# Outputs (GITHUB_OUTPUT): exit-code (speckit check's: 0, 1 or 2), sarif (the report's path, empty
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

changed_files() {
  local base="" event=${GITHUB_EVENT_PATH:-}
  if [ -n "$event" ] && [ -f "$event" ]; then
    base=$(python -c 'import json, sys; print(((json.load(open(sys.argv[1])).get("pull_request") or {}).get("base") or {}).get("sha") or "")' "$event")
  fi
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null || base=$GITHUB_BASE_REF
  fi
  if [ -z "$base" ]; then
    echo "::error::speckit action: a pull request without a base (no GITHUB_EVENT_PATH base sha or GITHUB_BASE_REF)" >&2
    exit 2
  fi
  # actions/checkout fetches one commit by default: get the base too.
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    git fetch --no-tags --quiet --depth=1 origin "${base#origin/}" >&2 || {
      echo "::error::speckit action: cannot fetch the pull request's base $base" >&2
      exit 2
    }
  fi
  # The checkout is the pull request's merge commit, or its head: both differ from the base tip by
  # exactly what the pull request changes. Deleted files have no feature left to check.
  git diff --name-only --diff-filter=d -z "$base" HEAD
}

args=()
[ "${INPUT_STRICT:-false}" != "true" ] || args+=(--strict)
if [ -n "${INPUT_BASELINE:-}" ]; then
  if [ ! -f "$INPUT_BASELINE" ]; then
    echo "::error::speckit action: baseline $INPUT_BASELINE does not exist" >&2
    output exit-code 2
    exit 0
  fi
  args+=(--baseline "$INPUT_BASELINE")
fi

paths=()
if [ -n "${INPUT_PATHS:-}" ]; then
  read -r -d '' -a paths < <(printf '%s\0' "$INPUT_PATHS" | tr '\n' ' ') || true
  checked="${paths[*]}"
elif [ "${GITHUB_EVENT_NAME:-}" = pull_request ] || [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ]; then
  while IFS= read -r -d '' file; do
    if [[ "$file" == *$'\n'* || "$file" == *$'\r'* ]]; then
      echo "::warning::speckit action: a changed file name holds a line break; it is not checked"
      continue
    fi
    [[ "$file" =~ $documents ]] && paths+=("$file")
  done < <(changed_files)
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
  *) verdict="could not run (exit code $code: bad input, see the log)" ;;
esac
{
  printf '### speckit check %s\n\n' "$verdict"
  printf '| checked | errors | warnings | notes |\n|---|---|---|---|\n'
  printf '| %s | %s | %s | %s |\n' "${checked//|/\\|}" "$errors" "$warnings" "$notices"
} >> "$GITHUB_STEP_SUMMARY"

output exit-code "$code"
output sarif "$sarif"
output checked "$checked"
