#!/usr/bin/env bash
# speckit's GitHub Action, step "install speckit": installs speckit into the job's Python.
#
# INPUT_VERSION (the action's `version` input):
#   empty          speckit from the action's own checkout ($GITHUB_ACTION_PATH), the commit that
#                  `uses: OWNER/speckit@REV` pinned: no registry release is needed
#   1.2.3          speckit-compiler==1.2.3 from PyPI
#   anything else  a pip requirement as written (git+https://..., speckit-compiler>=1,<2)
set -euo pipefail

python=${SPECKIT_PYTHON:-python}
version=${INPUT_VERSION:-}
if [ -z "$version" ]; then
  if [ -z "${GITHUB_ACTION_PATH:-}" ] || [ ! -f "$GITHUB_ACTION_PATH/pyproject.toml" ]; then
    echo "::error::speckit action: no version given and GITHUB_ACTION_PATH holds no speckit source" >&2
    exit 2
  fi
  requirement=$GITHUB_ACTION_PATH
elif [[ "$version" =~ ^[0-9][0-9A-Za-z.+!-]*$ ]]; then
  requirement="speckit-compiler==$version"
else
  requirement=$version
fi
echo "installing speckit: $requirement"
"$python" -m pip install --disable-pip-version-check --quiet "$requirement"
speckit --version
