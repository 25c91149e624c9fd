"""``speckit checklist --verify``: run or read every item's check, and derive the validation summary.

- ``shell`` checks (required artifacts) run here, from the repository root, each with a time limit;
  their output goes to ``<out>/evidence/verify-<time>/<item>.log``.
- ``run`` checks are read from the evidence of ``run.sh`` / ``speckit run`` (the latest record of the
  step over every run): verifying never runs a release step, which may deploy or publish.
- ``approval`` checks hold when a person approved the gate: in a run (``--approve``, the terminal) or
  with ``speckit checklist --verify --approve GATE``; who and when are recorded either way.
- ``manual`` items report what the document says.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from speckit.build import Build, outputs, write
from speckit.build.checklist import Item, walk_sections
from speckit.build.steps import RunPlan
from speckit.errors import InputError
from speckit.fsutil import write_atomic
from speckit.model import Feature
from speckit.run import evidence as ev

Status = Literal["pass", "fail", "pending", "waiting", "manual"]
STATE_FILE = "checklist-state.json"


@dataclass(frozen=True, slots=True)
class Result:
    status: Status
    detail: str
    log: str = ""


def refuse_unknown_gates(build: Build, approve: tuple[str, ...]) -> None:
    """InputError naming the first of ``approve`` that is not a human gate or step of the build."""
    approvable = {n.id for n in build.run.nodes if n.approval}
    for gate in approve:
        if gate not in approvable:
            raise InputError(f"--approve {gate}: not a human gate or step of this feature "
                             f"(those are: {', '.join(sorted(approvable)) or 'none'})")


def verify(build: Build, approve: tuple[str, ...], who: str, timeout: float = 60.0, force: bool = False,
           progress: Callable[[Item, Result], None] | None = None,
           rejected: list[str] | None = None) -> dict[str, Any]:
    """``speckit checklist --verify``: record ``approve``'s approvals (by ``who``), evaluate every item,
    write the sealed state file and the checklist it feeds; returns the state. Evidence this checkout
    did not produce is named in ``rejected``. Raises InputError for a gate that is not a human gate."""
    refuse_unknown_gates(build, approve)
    evidence = build.out / "evidence"
    log_dir = evidence / ("verify-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    # An approval given here is evidence like a run's: a signed line of log_dir/approvals.tsv, with
    # who, when and the verification that asked (evidence.py). The state file is never read back
    # as approvals: it sits in the work tree.
    for gate in dict.fromkeys(approve):
        ev.approve(log_dir, gate, who, "speckit checklist --approve")
    not_counted: list[str] = []
    approvals = ev.approvals(evidence, not_counted)
    results = evaluate(build.items, build.run, build.root, evidence, approvals, log_dir, timeout,
                       progress=progress, rejected=not_counted)
    if rejected is not None:
        rejected.extend(not_counted)
    state: dict[str, Any] = {
        "version": 1, "verified": ev.now(), "root": str(build.root), "evidence": str(log_dir),
        "results": {k: {key: val for key, val in asdict(r).items() if val} for k, r in results.items()},
        "approvals": {a.gate: {"who": a.who, "when": a.when, "how": a.how, "run": a.run_id}
                      for a in approvals.values()},
        "not_counted": not_counted,
        "summary": summarize(build.feature, build.items, build.run, results),
    }
    write_atomic(build.out / STATE_FILE, seal_state(build.out, state))
    write(build.out, outputs(build, ("checklist",), state), force=force)
    return state


def evaluate(items: list[Item], run: RunPlan, root: Path, evidence: Path, approvals: dict[str, ev.Approval],
             log_dir: Path | None, timeout: float = 60.0,
             progress: Callable[[Item, Result], None] | None = None,
             rejected: list[str] | None = None) -> dict[str, Result]:
    """Each item's result. Only evidence this checkout's runs wrote counts (evidence.py); what was
    not produced here, or is dated in the future, is named in ``rejected``."""
    records = ev.all_records(evidence, rejected)
    approval_nodes = {n.id for n in run.nodes if n.approval}
    results: dict[str, Result] = {}
    for item in items:
        check = item.check
        if check.kind == "shell":
            result = _shell(item, root, log_dir, timeout)
        elif check.kind == "approval":
            result = _approval(check.step, approvals)
        elif check.kind == "run":
            rec = records.get(check.step)
            if rec is None:
                awaiting = check.step in approval_nodes and check.step not in approvals
                result = _approval(check.step, approvals) if awaiting else Result("pending", "not run yet")
            elif rec.status in ev.PASSED:
                result = Result("pass", f"passed in run {rec.run_id}")
            elif rec.status == "waiting":
                result = Result("waiting", f"waits for a human: --approve {check.step}")
            else:
                result = Result("fail", f"exit code {rec.exit} in run {rec.run_id}",
                                f"{rec.run_id}/{rec.step}.log")
        else:
            result = Result("manual", f"document: {item.state}")
        results[item.id] = result
        if progress is not None:
            progress(item, result)
    return results


def _approval(gate: str, approvals: dict[str, ev.Approval]) -> Result:
    found = approvals.get(gate)
    if found is None:
        return Result("waiting", f"waits for a human: --approve {gate}")
    return Result("pass", f"approved by {found.who} at {found.when}")


def _shell(item: Item, root: Path, log_dir: Path | None, timeout: float) -> Result:
    try:
        proc = subprocess.run(["bash", "-c", item.check.command], cwd=root, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        code, output = proc.returncode, proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, output = 124, f"timed out after {timeout:g}s\n"
    log = ""
    if log_dir is not None:
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", item.id) + ".log"
        write_atomic(log_dir / name, f"$ {item.check.command}\n{output}== exit {code}\n")
        log = f"{log_dir.name}/{name}"
    if item.kind == "artifact":
        return Result("pass" if code == 0 else "fail", "exists" if code == 0 else "missing", log)
    return Result("pass" if code == 0 else "fail", f"exit code {code}", log)


# --- the validation summary ---------------------------------------------------------------------

_PHASE_KEY = re.compile(r"^phase_?(\d+(?:_\d+)*)_(?:complete|completed|pass|passed|done|ok)$")


def summary_keys(feature: Feature) -> list[str]:
    """The keys of the plan's own summary block (a JSON object of booleans, like the seed's 6.2
    Validation Summary); without one, ``phaseN_complete`` per plan phase, ``hitl_approved``, ``ready``."""
    plan = feature.plan
    if plan is not None:
        for section in walk_sections(plan.sections):
            for code in section.code:
                if code.language != "json":
                    continue
                try:
                    data = json.loads(code.text)
                except ValueError:
                    continue
                if isinstance(data, dict) and data and all(isinstance(v, bool) for v in data.values()):
                    return list(data)
    keys = [f"phase{p.number.replace('.', '_')}_complete" for p in (plan.phases if plan else [])]
    return [*keys, "hitl_approved", "ready"]


def summarize(feature: Feature, items: list[Item], run: RunPlan, results: dict[str, Result]) -> dict[str, bool | None]:
    """Each key derived from the results (docs/build.md):

    - ``phase<N>_complete`` / ``_pass`` / ``_done``: every step and gate of plan phase N (sub-phases
      included) passed; false when the phase has none.
    - ``hitl_approved``, ``*approved``: every step and gate that needs a person was approved.
    - ``ready*``: every other key of the summary is true.
    - any other key: null (speckit cannot derive it).
    """
    node_items = [i for i in items if i.kind in ("step", "gate") and i.check.kind != "manual"]

    def ok(item: Item) -> bool:
        return item.id in results and results[item.id].status == "pass"

    values: dict[str, bool | None] = {}
    keys = summary_keys(feature)
    for key in keys:
        match = _PHASE_KEY.match(key)
        if match:
            phase = match.group(1).replace("_", ".")
            members = [i for i in node_items
                       if i.phase is not None and (i.phase == phase or i.phase.startswith(phase + "."))]
            values[key] = bool(members) and all(ok(i) for i in members)
        elif key.endswith("approved"):
            human = {n.id for n in run.nodes if n.approval}
            members = [i for i in node_items if i.check.step in human]
            values[key] = all(ok(i) for i in members)
        else:
            values[key] = None
    for key in keys:
        if key.startswith("ready"):
            others = [v for k, v in values.items() if not k.startswith("ready")]
            values[key] = bool(others) and all(v is True for v in others)
    return values


def seal_state(out: Path, state: dict[str, Any]) -> str:
    """The state file's text, with ``mac``: the HMAC of the rest under the checkout's secret
    (evidence.py), so a checklist-state.json committed in a pull request is not read as verified."""
    body = {k: v for k, v in state.items() if k != "mac"}
    secret = ev.key(out, create=True)
    assert secret is not None, "a secret speckit did not make"
    body["mac"] = ev.mac(secret, "state", json.dumps(body, sort_keys=True, ensure_ascii=False))
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def load_state(out: Path, rejected: list[str] | None = None) -> dict[str, Any] | None:
    """The last verification (``<out>/checklist-state.json``), or None: also when this checkout
    did not write it (no valid ``mac``; named in ``rejected``). A hand edit breaks the mac too, and a
    wrong shape is read as far as it goes: ``results`` and ``approvals`` come back as objects of
    objects, anything else dropped."""
    path = out / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    given = data.pop("mac", None)
    secret = ev.key(out)
    if not (isinstance(given, str) and secret is not None
            and ev.valid(secret, given, "state", json.dumps(data, sort_keys=True, ensure_ascii=False))):
        if rejected is not None:
            rejected.append(f"{path}: not produced here (or edited since): not counted")
        return None
    for key in ("results", "approvals"):
        entries = data.get(key)
        data[key] = {k: v for k, v in entries.items() if isinstance(v, dict)} if isinstance(entries, dict) else {}
    return data


def stored_results(state: dict[str, Any] | None) -> dict[str, Result]:
    """The results recorded in a state file (``load_state``); an unknown status reads as pending."""
    results: dict[str, dict[str, Any]] = (state or {}).get("results") or {}
    return {k: Result(r["status"] if r.get("status") in get_args(Status) else "pending", str(r.get("detail", "")),
                      str(r.get("log", ""))) for k, r in results.items()}
