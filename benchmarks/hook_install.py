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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = (
    "# Feature Specification: x\n\n## User Scenarios\n\n### User Story 1 - Try it (Priority: P1)\n\nA user tries it.\n"
)


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds, CPU seconds of the children (user + system: less sensitive to a loaded
    machine than wall time), and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def measure(rev: str, work: Path) -> dict[str, float | int | str | None]:
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True,
                         check=True).stdout.strip()
    base = Path(tempfile.mkdtemp(prefix=sha[:12] + "-", dir=work))
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
    cold, cpu, first = run([*pre_commit, "run", "--files", "specs/x/spec.md"], repo, env)
    warm, _, _ = run([*pre_commit, "run", "--files", "specs/x/spec.md"], repo, env)
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
    size = wheel.stat().st_size
    shutil.rmtree(base, ignore_errors=True)
    return {"rev": rev, "sha": sha[:12], "first_run_s": round(cold, 1), "first_run_cpu_s": round(cpu, 1),
            "second_run_s": round(warm, 2), "distributions": count, "wheel_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revs", nargs="*", default=["HEAD"])
    parser.add_argument("--repeat", type=int, default=1, help="rounds, the revisions alternating (medians)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="speckit-hook-install-"))
    rounds: dict[str, list[dict[str, float | int | str | None]]] = {rev: [] for rev in args.revs}
    try:
        for _ in range(args.repeat):
            for rev in args.revs:
                rounds[rev].append(measure(rev, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(rev: str, key: str) -> float:
        return statistics.median(float(r[key] or 0) for r in rounds[rev])

    first = args.revs[0]
    summary = []
    for rev in args.revs:
        last = rounds[rev][-1]
        wall, cpu = median(rev, "first_run_s"), median(rev, "first_run_cpu_s")
        print(f"{rev:>12} {last['sha']}  first run {wall:6.1f} s wall ({wall / median(first, 'first_run_s'):.2f}x), "
              f"{cpu:6.1f} s CPU ({cpu / median(first, 'first_run_cpu_s'):.2f}x of {first})  second run "
              f"{median(rev, 'second_run_s'):.2f} s  {last['distributions']} distributions  "
              f"wheel {int(last['wheel_bytes'] or 0) / 1e6:.2f} MB")
        summary.append({"rev": rev, "sha": last["sha"], "first_run_s": wall, "first_run_cpu_s": cpu,
                        "rounds": rounds[rev]})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
