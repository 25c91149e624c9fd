"""How long the real ``pre-commit`` takes to build speckit's hook environment, from cold caches.

    python benchmarks/hook_install.py                    # this working tree (committed HEAD)
    python benchmarks/hook_install.py REV [REV ...]      # commits of this repository, side by side

For each revision: a throwaway repository whose ``.pre-commit-config.yaml`` points at a clone of
this repository at that commit (``repo: <path>``, ``rev: <sha>``), a fresh ``PRE_COMMIT_HOME``, a
fresh pip cache and a fresh ``XDG_CACHE_HOME`` (the build hook's Mermaid download cache), then the
first ``pre-commit run --files specs/x/spec.md``, timed: that is environment creation, pip resolving
and installing every dependency, building the wheel, and one check. The second run (the environment
built) is the floor. Also reported: how many distributions the environment holds and the size of the
wheel ``pip wheel --no-deps`` builds. The first revision is the baseline of the ratios.

Network and the package index's speed dominate the figure; compare revisions in one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = "# Feature Specification: x\n\n## User Scenarios\n\n### User Story 1 - Try it (Priority: P1)\n\nA user tries it.\n"


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, done


def measure(rev: str, work: Path) -> dict[str, object]:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True,
                         check=True).stdout.strip()
    base = work / sha[:12]
    clone = base / "speckit"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", sha], check=True)
    repo = base / "repo"
    (repo / "specs" / "x").mkdir(parents=True)
    (repo / "specs" / "x" / "spec.md").write_text(SPEC, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {sha}\n    hooks:\n      - id: speckit-check\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECKIT_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(PRE_COMMIT_HOME=str(base / "pre-commit-home"), PIP_CACHE_DIR=str(base / "pip-cache"),
               XDG_CACHE_HOME=str(base / "xdg-cache"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    cold, first = run([*pre_commit, "run", "--files", "specs/x/spec.md"], repo, env)
    warm, _ = run([*pre_commit, "run", "--files", "specs/x/spec.md"], repo, env)
    if "speckit check" not in first.stdout:
        raise SystemExit(f"{rev}: the hook did not run:\n{first.stdout}\n{first.stderr}")
    envs = list((base / "pre-commit-home").glob("repo*/py_env-*"))
    python = next(envs[0].glob("bin/python")) if envs else None
    count = None
    if python is not None:
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], check=False,
                                capture_output=True, text=True)
        count = len([d for d in json.loads(listed.stdout or "[]") if d["name"] not in ("pip", "setuptools")])
    wheels = base / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(clone)],
                   env=env, check=True, capture_output=True)
    wheel = next(wheels.glob("*.whl"))
    return {"rev": rev, "sha": sha[:12], "first_run_s": round(cold, 1), "second_run_s": round(warm, 2),
            "distributions": count, "wheel_bytes": wheel.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revs", nargs="*", default=["HEAD"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="speckit-hook-install-"))
    try:
        results = [measure(rev, work) for rev in args.revs]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = results[0]["first_run_s"]
    for r in results:
        ratio = float(r["first_run_s"]) / float(base) if base else 0.0  # type: ignore[arg-type]
        print(f"{r['rev']:>12} {r['sha']}  first run {r['first_run_s']:>6} s ({ratio:.2f}x of {results[0]['rev']})"
              f"  second run {r['second_run_s']} s  {r['distributions']} distributions"
              f"  wheel {int(r['wheel_bytes']) / 1e6:.2f} MB")  # type: ignore[call-overload]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
