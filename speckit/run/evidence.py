"""The evidence layout shared by ``run.sh``, ``speckit run`` and ``speckit checklist --verify``.

::

    <evidence>/latest                 the id of the last run (a plain file: no symlinks needed)
    <evidence>/<run-id>/<step>.log    banner, commands and output of one step
    <evidence>/<run-id>/summary.tsv   step, kind, status, exit, started (UTC), seconds, mac; one line
                                      per attempt, the last line of a step wins
    <evidence>/<run-id>/approvals.tsv gate, who, when (UTC), how, run, mac

Tab-separated text because run.sh writes it with printf and reads it in bash, needing no Python.
Status is ``pass``, ``fail``, ``approved`` or ``waiting`` (a human gate that got no approval).

Evidence is not a claim in the repository (#16): the files sit in the work tree, where a pull
request can commit a ``summary.tsv`` that says every step passed. So every line carries ``mac``, an
HMAC-SHA256 of the line (with its run id) under a per-checkout secret that is never in the work
tree: ``<git dir>/speckit/secret`` (``git rev-parse --absolute-git-dir`` of the evidence folder;
outside git, ``$XDG_STATE_HOME/speckit/secret``), 64 hex characters, mode 0600, made on the first
run. A line without a valid mac was not produced here and is not counted, nor is one dated in the
future; readers report both. The key is 64 bytes, one SHA-256 block, so HMAC uses it as it is and
run.sh computes the same MAC with printf and sha256sum.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from speckit.fsutil import write_atomic

SUMMARY_HEADER = "step\tkind\tstatus\texit\tstarted\tseconds\tmac\n"
APPROVALS_HEADER = "gate\twho\twhen\thow\trun\tmac\n"
PASSED = frozenset({"pass", "approved"})
SKEW = 300  # seconds a record may lie ahead of this machine's clock (a second machine's run is not counted anyway)
_KEY = re.compile(r"[0-9a-f]{64}")
_keys: dict[Path, bytes] = {}
_key_paths: dict[Path, Path] = {}


@dataclass(frozen=True, slots=True)
class Record:
    step: str
    kind: str
    status: str
    exit: int
    started: str
    seconds: int
    run_id: str = ""


@dataclass(frozen=True, slots=True)
class Approval:
    gate: str
    who: str
    when: str
    how: str
    run_id: str = ""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _future(when: str) -> bool:
    try:
        stamp = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return True  # a time this code never writes: not counted
    return (stamp - datetime.now(UTC)).total_seconds() > SKEW


def key_path(place: Path) -> Path:
    """Where the per-checkout secret of ``place`` (a folder, made or not) lives."""
    import subprocess

    folder = place.absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if folder in _key_paths:
        return _key_paths[folder]
    _key_paths[folder] = _find_key_path(folder, subprocess)
    return _key_paths[folder]


def _find_key_path(folder: Path, subprocess: Any) -> Path:
    try:
        git_dir = subprocess.run(["git", "-C", str(folder), "rev-parse", "--absolute-git-dir"], capture_output=True,
                                 text=True, timeout=30, check=False, stdin=subprocess.DEVNULL)
        if git_dir.returncode == 0 and git_dir.stdout.strip():
            return Path(git_dir.stdout.strip()) / "speckit" / "secret"
    except (OSError, subprocess.SubprocessError):
        pass
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "speckit" / "secret"


def key(place: Path, create: bool = False) -> bytes | None:
    """The per-checkout secret for evidence under ``place``; made (0600) when ``create``."""
    path = key_path(place)
    if path in _keys:
        return _keys[path]
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        if not create:
            return None
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f"secret.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(os.urandom(32).hex() + "\n")
        try:
            os.link(tmp, path)  # atomic, and never over a secret that a concurrent run just made
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        text = path.read_text(encoding="ascii").strip()
    if not _KEY.fullmatch(text):
        return None  # not a secret speckit made: nothing counts rather than something forged
    _keys[path] = text.encode("ascii")
    return _keys[path]


def mac(secret: bytes, *fields: str) -> str:
    import hashlib
    import hmac

    return hmac.new(secret, "\t".join(fields).encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def valid(secret: bytes | None, given: str, *fields: str) -> bool:
    import hmac

    return secret is not None and hmac.compare_digest(given.encode("ascii", "replace"), mac(secret, *fields).encode())


def new_run_id(evidence: Path) -> str:
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return base if not (evidence / base).exists() else f"{base}-{os.getpid()}"


def clean(text: str) -> str:
    """A value safe for one TSV cell."""
    return re.sub(r"[\t\r\n]+", " ", text)


def latest(evidence: Path) -> str | None:
    try:
        value = (evidence / "latest").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def set_latest(evidence: Path, run_id: str) -> None:
    write_atomic(evidence / "latest", run_id + "\n")


def append(path: Path, header: str, line: str) -> None:
    """Append one line (O_APPEND: concurrent writers of short lines do not interleave)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size == 0:
            os.write(fd, header.encode())
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def record(run_dir: Path, rec: Record) -> None:
    fields = (clean(rec.step), rec.kind, rec.status, str(rec.exit), rec.started, str(rec.seconds))
    secret = key(run_dir, create=True)
    assert secret is not None, "a secret speckit did not make"
    append(run_dir / "summary.tsv", SUMMARY_HEADER,
           "\t".join((*fields, mac(secret, "summary", run_dir.name, *fields))) + "\n")


def approve(run_dir: Path, gate: str, who: str, how: str) -> Approval:
    """Record a person's approval of ``gate``: who (from the environment), when, how, and the run
    that asked for it."""
    approval = Approval(clean(gate), clean(who) or "unknown", now(), clean(how), run_dir.name)
    fields = (approval.gate, approval.who, approval.when, approval.how, approval.run_id)
    secret = key(run_dir, create=True)
    assert secret is not None, "a secret speckit did not make"
    append(run_dir / "approvals.tsv", APPROVALS_HEADER, "\t".join((*fields, mac(secret, "approval", *fields))) + "\n")
    return approval


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    except OSError:
        return []
    return [(number, line.split("\t")) for number, line in enumerate(lines[1:], 2) if line.strip()]


def _refused(rejected: list[str] | None, path: Path, number: int, what: str, why: str) -> None:
    if rejected is not None:
        rejected.append(f"{path}:{number}: {what}: {why}: not counted")


def records(run_dir: Path, rejected: list[str] | None = None) -> dict[str, Record]:
    """The last record of each step in one run that this checkout's runs wrote (``mac``); the
    others are left out, and named in ``rejected`` when given."""
    out: dict[str, Record] = {}
    path = run_dir / "summary.tsv"
    secret = key(run_dir)
    for number, cells in _rows(path):
        if len(cells) < 6:
            continue
        what = f"{cells[0]} {cells[2]}"
        if len(cells) < 7 or not valid(secret, cells[6], "summary", run_dir.name, *cells[:6]):
            _refused(rejected, path, number, what, "not produced here")
            continue
        if _future(cells[4]):
            _refused(rejected, path, number, what, f"dated in the future ({cells[4]})")
            continue
        try:
            out[cells[0]] = Record(cells[0], cells[1], cells[2], int(cells[3]), cells[4], int(cells[5]), run_dir.name)
        except ValueError:
            continue
    return out


def all_records(evidence: Path, rejected: list[str] | None = None) -> dict[str, Record]:
    """The most recent record of each step over every run in ``evidence`` (by start time)."""
    out: dict[str, Record] = {}
    for run_dir in _runs(evidence):
        for step, rec in records(run_dir, rejected).items():
            if step not in out or rec.started >= out[step].started:
                out[step] = rec
    return out


def approvals(evidence: Path, rejected: list[str] | None = None) -> dict[str, Approval]:
    """The latest approval of each gate over every run in ``evidence``, counting only those this
    checkout's runs recorded (``mac``, with the run that asked) and none dated in the future."""
    out: dict[str, Approval] = {}
    for run_dir in _runs(evidence):
        path = run_dir / "approvals.tsv"
        secret = key(run_dir)
        for number, cells in _rows(path):
            if len(cells) < 4:
                continue
            what = f"approval of {cells[0]} by {cells[1]}"
            if len(cells) < 6 or cells[4] != run_dir.name or not valid(secret, cells[5], "approval", *cells[:5]):
                _refused(rejected, path, number, what, "not produced here")
                continue
            if _future(cells[2]):
                _refused(rejected, path, number, what, f"dated in the future ({cells[2]})")
                continue
            if cells[0] not in out or cells[2] >= out[cells[0]].when:
                out[cells[0]] = Approval(cells[0], cells[1], cells[2], cells[3], run_dir.name)
    return out


def _runs(evidence: Path) -> list[Path]:
    try:
        return sorted(p for p in evidence.iterdir() if p.is_dir())
    except OSError:
        return []
