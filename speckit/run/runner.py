"""``speckit run``: execute a run plan from Python with the semantics, evidence and state of run.sh.

Same as run.sh: steps run in order (or, with ``jobs`` > 1, as soon as what they need has passed),
each in a fresh ``bash -euo pipefail -c`` from the repository root with standard input closed; the
first failure stops the run with its exit code (steps already running finish); a human gate needs an
approval (``--approve``, ``SPECKIT_APPROVE``, or a yes typed at a terminal) or the run stops with 75;
``--resume`` continues the last run, skipping what passed in it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from speckit.build.steps import Node, RunPlan
from speckit.errors import InputError
from speckit.report import printable
from speckit.run import evidence as ev

WAITING = 75  # EX_TEMPFAIL: come back with an approval


@dataclass(slots=True)
class Options:
    root: Path
    evidence: Path
    dry_run: bool = False
    start: str | None = None
    only: list[str] = field(default_factory=list)
    resume: bool = False
    approve: set[str] = field(default_factory=set)
    run_id: str | None = None
    jobs: int = 1


class Display:
    """What the user sees; the rich live display in display.py, plain lines otherwise. Banners,
    messages and prompts carry document text (titles, commands in --dry-run): they go through
    printable(), so an escape sequence in a title never reaches the terminal. A step's own output
    is the command's, shown as it is (as run.sh's tee does)."""

    def start(self, total: int) -> None: ...
    def step(self, node: Node) -> None:
        print(f"\n== {node.kind} {printable(node.id, line=True)}: {printable(node.title, line=True)}", flush=True)
    def output(self, node: Node, line: str) -> None:
        sys.stdout.write(line)
        sys.stdout.flush()
    def done(self, node: Node, status: str, seconds: int) -> None: ...
    def message(self, text: str) -> None:
        print(printable(text), flush=True)
    def error(self, text: str) -> None:
        print(printable(text), file=sys.stderr, flush=True)
    def confirm(self, prompt: str) -> bool:
        try:
            return input(printable(prompt, line=True)).strip() in ("y", "Y", "yes", "YES")
        except EOFError:
            return False
    def stop(self) -> None: ...


def check_ids(plan: RunPlan, option: str, ids: list[str] | set[str]) -> None:
    known = {n.id for n in plan.nodes}
    for node_id in ids:
        if node_id not in known:
            raise InputError(f"{option}: no step or gate '{node_id}' (see --list)")


def selection(plan: RunPlan, opts: Options) -> list[Node]:
    nodes = list(plan.nodes)
    if opts.start:
        index = next(i for i, n in enumerate(nodes) if n.id == opts.start)
        nodes = nodes[index:]
    if opts.only:
        nodes = [n for n in nodes if n.id in opts.only]
    return nodes


def run(plan: RunPlan, opts: Options, display: Display | None = None,
        interactive: Callable[[], bool] = lambda: sys.stdin.isatty()) -> int:
    display = display or Display()
    check_ids(plan, "--from", [opts.start] if opts.start else [])
    check_ids(plan, "--only", opts.only)
    check_ids(plan, "--approve", opts.approve)
    run_id = opts.run_id
    if opts.resume and not run_id:
        run_id = ev.latest(opts.evidence)
        if run_id is None:
            raise InputError(f"--resume: no earlier run in {opts.evidence}")
    run_id = run_id or ev.new_run_id(opts.evidence)
    if "/" in run_id or run_id in (".", ".."):
        raise InputError(f"bad run id: {run_id}")
    run_dir = opts.evidence / run_id
    if not opts.dry_run:
        try:
            run_dir.mkdir(parents=True, exist_ok=True)
            ev.set_latest(opts.evidence, run_id)
        except OSError as error:
            raise InputError(f"{run_dir}: cannot write evidence there ({error.strerror or error})") from None
    display.message(f"run {run_id} from {opts.root}")
    rejected: list[str] = []
    done = {s for s, r in ev.records(run_dir, rejected).items() if r.status in ev.PASSED} if opts.resume else set()
    for note in rejected:
        display.error(f"speckit: note: {note}")
    todo = [n for n in selection(plan, opts) if n.id not in done]
    for node in selection(plan, opts):
        if node.id in done:
            display.message(f"\n== {node.kind} {node.id}: passed in run {run_id}, skipped")
    display.start(len(todo))
    try:
        code = _schedule(todo, opts, run_dir, run_id, display, interactive)
    finally:
        display.stop()
    if code == 0:
        display.message(f"\nrun {run_id}: done")
    return code


def _schedule(todo: list[Node], opts: Options, run_dir: Path, run_id: str, display: Display,
              interactive: Callable[[], bool]) -> int:
    if opts.jobs <= 1 or opts.dry_run:
        for node in todo:
            code = _one(node, opts, run_dir, run_id, display, interactive, stream=opts.jobs <= 1)
            if code != 0:
                return code
        return 0
    pending = list(todo)
    selected = {n.id for n in todo}
    finished: set[str] = set()
    first_failure = 0
    running: dict[Future[int], Node] = {}
    with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        while pending or running:
            if not first_failure:
                ready = [n for n in pending if all(d in finished or d not in selected for d in n.needs)]
                for node in ready:
                    if len(running) >= opts.jobs:
                        break
                    if node.approval:
                        if running:
                            break  # a gate is a barrier: ask only once what it follows has finished
                        code = _approve(node, opts, run_dir, display, interactive)
                        if code:
                            first_failure = code
                            break
                    pending.remove(node)
                    running[pool.submit(_one, node, opts, run_dir, run_id, display, interactive, False, True)] = node
            if not running:
                break
            complete, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in complete:
                node = running.pop(future)
                code = future.result()
                if code == 0:
                    finished.add(node.id)
                elif not first_failure:
                    first_failure = code
    return first_failure


def _approve(node: Node, opts: Options, run_dir: Path, display: Display, interactive: Callable[[], bool]) -> int:
    if node.id in opts.approve:
        how = "option"
    elif opts.dry_run:
        display.message(f"   would stop here for approval (--approve {node.id})")
        return 0
    elif interactive() and display.confirm(f"Approve {node.id} ({node.title})? [y/N] "):
        how = "terminal"
    else:
        ev.record(run_dir, ev.Record(node.id, "gate", "waiting", WAITING, ev.now(), 0))
        display.error(f"speckit: {node.id} is waiting for a human approval: re-run with --resume --approve {node.id}")
        return WAITING
    if opts.dry_run:
        return 0
    who = os.environ.get("SPECKIT_APPROVER") or _user()
    approval = ev.approve(run_dir, node.id, who, how)
    display.message(f"   approved by {approval.who} at {approval.when}")
    return 0


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _one(node: Node, opts: Options, run_dir: Path, run_id: str, display: Display,
         interactive: Callable[[], bool], stream: bool, approved: bool = False) -> int:
    display.step(node)
    if node.approval and not approved:
        code = _approve(node, opts, run_dir, display, interactive)
        if code:
            return code
    if opts.dry_run:
        text = node.commands.rstrip("\n")
        display.message("\n".join(f"   | {line}" for line in text.split("\n")) if text else "   (no commands)")
        return 0
    if node.kind == "gate" and node.approval:
        ev.record(run_dir, ev.Record(node.id, node.kind, "approved", 0, ev.now(), 0))
        display.done(node, "approved", 0)
        return 0
    log = run_dir / f"{node.file}.log"
    started = ev.now()
    began = time.monotonic()
    with open(log, "w", encoding="utf-8") as handle:
        handle.write(f"== {node.kind} {node.id}: {node.title}\n== run {run_id}, started {started}, in {opts.root}\n")
        handle.write("".join(f"$ {line}\n" for line in node.commands.rstrip("\n").split("\n")))
        handle.write("== output\n")
        handle.flush()
        proc = subprocess.Popen(["bash", "-euo", "pipefail", "-c", node.commands], cwd=opts.root,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            handle.write(line)
            handle.flush()
            if stream:
                display.output(node, line)
        code = proc.wait()
        seconds = int(time.monotonic() - began)
        handle.write(f"== exit {code} after {seconds}s\n")
    status = "pass" if code == 0 else "fail"
    ev.record(run_dir, ev.Record(node.id, node.kind, status, code, started, seconds))
    display.done(node, status, seconds)
    if code != 0:
        display.error(f"speckit: {node.id} failed with exit code {code}; log: {log}")
    return code
