"""The real-repository report: speckit run over public Spec Kit repositories, pinned commit by commit.

What it measures, on the features of the repositories listed in ``benchmarks/realworld/repos.tsv``:

* robustness: every feature through ``speckit show --format json`` and ``speckit check --format json``
  (crashes are exit 3, a timeout, or a traceback / "internal error" on stderr; exit 2 is unreadable
  input, counted apart), plus one ``speckit check`` at each repository root, as a user would run it;
* findings: per rule and severity, per feature (median, mean, p90, max), with the precision of each
  rule from the human verdicts in ``benchmarks/realworld/labels.tsv``;
* recall: a census of the raw files made here, line by line with regular expressions and without
  importing speckit (task ids, user stories, requirement and success-criterion ids, Given/When/Then
  scenarios, task dependencies), compared with what ``show``'s JSON holds; every miss goes to the
  detail file so that the parser's engineers can see what it does not read.

It drives speckit only through its command line and the JSON documented in docs/model.md and
docs/rules.md, so it keeps working while the parser changes. It is a benchmark, not a test: pytest
does not run it.

    python benchmarks/realworld.py                        # everything: materialise, run, report
    python benchmarks/realworld.py --only owner/name --jobs 2
    python benchmarks/realworld.py --markdown-summary     # print only the summary tables
    python benchmarks/realworld.py --sample graph/unknown-ref --n 25 --seed 1   # rows to label

Writes ``<out>.md``, ``<out>.json`` and ``<out>.misses.tsv`` (``--out``, default
``benchmarks/realworld/report``) and prints the summary. Repositories are extracted once per pinned
commit into ``benchmarks/realworld/.corpus/`` (git-ignored, safe to delete). See
benchmarks/realworld/README.md for labelling findings.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import fcntl
import fnmatch
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "realworld"
MANIFEST = DATA / "repos.tsv"
LABELS = DATA / "labels.tsv"
CORPUS = DATA / ".corpus"
MIRRORS = Path("/work/.mirror")
DOCUMENTS = ("spec.md", "plan.md", "tasks.md")
SKIP_DIRS = {".git", "node_modules"}
AGENT_FOLDERS = {"commands", "prompts", "agents", "workflows", "rules"}
FEATURE_TIMEOUT = 60.0
ROOT_TIMEOUT = 120.0
LABEL_COLUMNS = ("repo", "commit", "path", "line", "rule", "verdict", "reason")
VERDICTS = ("true", "false", "debatable")

# Targets printed beside the figures.
ERROR_PRECISION = 0.95
WARNING_PRECISION = 0.80
MEDIAN_FINDINGS = 3.0
RECALL = 0.99
DEPENDENCY_RECALL = 0.95


# --------------------------------------------------------------------------------------------------
# The manifest and the corpus
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Repo:
    """One manifest row, and what materialising it gave."""

    repo: str
    commit: str
    mirror: str
    features: str = ""
    language: str = ""
    note: str = ""
    status: str = "pending"  # ok, missing, error
    detail: str = ""
    root: str = ""  # the materialised tree

    @property
    def key(self) -> str:
        return self.repo.replace("/", "+")


def read_manifest(path: Path) -> list[Repo]:
    """The rows of repos.tsv (header ``repo commit mirror features language note``; ``#`` comments)."""
    if not path.is_file():
        return []
    rows: list[Repo] = []
    header: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        values = dict(zip(header, cells, strict=False))
        if values.get("repo"):
            rows.append(
                Repo(
                    repo=values["repo"],
                    commit=values.get("commit", ""),
                    mirror=values.get("mirror", ""),
                    features=values.get("features", ""),
                    language=values.get("language", ""),
                    note=values.get("note", ""),
                )
            )
    return rows


def mirrors_on_disk() -> list[Repo]:
    """Every mirror under /work/.mirror at its HEAD: the corpus while repos.tsv is empty or missing."""
    rows = []
    for folder in sorted(MIRRORS.iterdir() if MIRRORS.is_dir() else []):
        gitdir = git_dir("", folder.name)
        if "+" in folder.name and gitdir is not None:
            rows.append(
                Repo(repo=folder.name.replace("+", "/", 1), commit="HEAD", mirror=str(gitdir), note="HEAD of a mirror")
            )
    return rows


def git_dir(mirror: str, key: str) -> Path | None:
    """The git directory of a mirror path as the manifest writes it (bare, a repo/ folder, or .git)."""
    candidates = [Path(mirror)] if mirror else [MIRRORS / key / "repo", MIRRORS / key]
    for candidate in candidates:
        for gitdir in (candidate, candidate / ".git", candidate / "repo", candidate / "repo" / ".git"):
            if (gitdir / "HEAD").is_file() and (gitdir / "objects").is_dir():
                return gitdir
    return None


def git(gitdir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", f"--git-dir={gitdir}", *args], capture_output=True, timeout=600, check=False)


def materialise(repo: Repo) -> Repo:
    """Extract the pinned commit's tree into .corpus/<owner>+<name>/ once (a stamp file records it)."""
    gitdir = git_dir(repo.mirror, repo.key)
    if gitdir is None:
        repo.status, repo.detail = "missing", f"no mirror at {repo.mirror or MIRRORS / repo.key}"
        return repo
    resolved = git(gitdir, "rev-parse", "--verify", "--quiet", f"{repo.commit or 'HEAD'}^{{commit}}")
    if resolved.returncode != 0:
        repo.status, repo.detail = "missing", f"commit {repo.commit or 'HEAD'} not in {gitdir}"
        return repo
    commit = resolved.stdout.decode().strip()
    if repo.commit in ("", "HEAD"):
        repo.note = (repo.note + "; " if repo.note else "") + "unpinned: HEAD"
    repo.commit = commit
    repo.root = str(CORPUS / repo.key)
    CORPUS.mkdir(parents=True, exist_ok=True)
    with open(CORPUS / f"{repo.key}.lock", "w") as lock:  # two runs at once extract a repository once
        fcntl.flock(lock, fcntl.LOCK_EX)
        skipped = extract_once(gitdir, commit, CORPUS / repo.key, CORPUS / f"{repo.key}.commit")
    repo.status = "ok"
    if skipped:
        repo.detail = f"{skipped} files absent from the mirror (large files), not extracted"
    return repo


def extract_once(gitdir: Path, commit: str, dest: Path, stamp: Path) -> int:
    """The tree of ``commit`` at ``dest`` unless the stamp says it is there already."""
    if dest.is_dir() and stamp.is_file() and stamp.read_text().split()[:1] == [commit]:
        return int((stamp.read_text().split() + ["0", "0"])[1])
    work = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    skipped = extract(gitdir, commit, work)
    # A .git folder makes the tree its own git top level, as a clone is: speckit's specs root, config
    # search and evidence paths stop here instead of reaching up into this repository.
    subprocess.run(["git", "init", "-q", "--template=", str(work)], capture_output=True, check=True)
    stamp.unlink(missing_ok=True)
    shutil.rmtree(dest, ignore_errors=True)
    work.rename(dest)
    stamp.write_text(f"{commit} {skipped}\n")
    return skipped


def extract(gitdir: Path, commit: str, into: Path) -> int:
    """``git archive COMMIT | tar -x``; when a blob is absent (snapshots lack large files), file by
    file from ``git ls-tree`` instead. Returns how many files could not be extracted."""
    archive = subprocess.Popen(
        ["git", f"--git-dir={gitdir}", "archive", commit], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    untar = subprocess.run(
        ["tar", "-x", "--no-same-owner", "-C", str(into)], stdin=archive.stdout, capture_output=True, check=False
    )
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() == 0 and untar.returncode == 0:
        return 0
    return extract_by_file(gitdir, commit, into)


def extract_by_file(gitdir: Path, commit: str, into: Path) -> int:
    listing = git(gitdir, "ls-tree", "-r", "-z", commit).stdout.decode("utf-8", "surrogateescape")
    skipped = 0
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        mode, kind, sha = meta.split()
        if kind != "blob":
            continue
        target = into / name
        blob = git(gitdir, "cat-file", "blob", sha)
        if blob.returncode != 0:
            skipped += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            try:
                os.symlink(blob.stdout.decode("utf-8", "surrogateescape"), target)
            except OSError:
                skipped += 1
            continue
        target.write_bytes(blob.stdout)
    return skipped


def discover(root: Path) -> list[str]:
    """Repo-relative folders holding spec.md, plan.md or tasks.md directly (not templates)."""
    found = []
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not is_template(f"{rel}/{d}"))
        if rel != "." and any(name in files for name in DOCUMENTS) and not is_template(rel):
            found.append(rel)
        elif rel == "." and any(name in files for name in DOCUMENTS):
            found.append(".")
    return sorted(found)


def is_template(rel: str) -> bool:
    """Template folders, and the agents' command prompts that old Spec Kit named plan.md and tasks.md
    (``.claude/commands/``, ``.cursor/commands/``, ``.claude/prompts/``)."""
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    hidden = any(part.startswith(".") for part in parts[:-1])
    return "templates" in parts or (hidden and bool(parts) and parts[-1] in AGENT_FOLDERS)


# --------------------------------------------------------------------------------------------------
# Running speckit
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Call:
    """One speckit process: its exit code, time and the last line of stderr."""

    rc: int | None
    seconds: float
    stderr: str
    timeout: bool = False
    traceback: bool = False

    @property
    def crash(self) -> bool:
        return self.rc == 3 or self.timeout or self.traceback

    @property
    def unreadable(self) -> bool:
        return self.rc == 2 and not self.crash


def speckit_command() -> list[str]:
    """The speckit entry point beside this interpreter, else ``python -P -m speckit`` (-P: a folder
    named speckit in the repository being checked must not shadow the package)."""
    script = Path(sys.executable).with_name("speckit")
    return [str(script)] if script.is_file() else [sys.executable, "-P", "-m", "speckit"]


def speckit_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECKIT_")}
    env.update(SPECKIT_CACHE="0", SPECKIT_CACHE_DIR=str(cache), NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return env


@dataclass(slots=True)
class Runner:
    command: list[str]
    env: dict[str, str]
    check_flags: list[str]

    def run(self, args: list[str], cwd: Path, timeout: float) -> tuple[Call, str]:
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [*self.command, *args], cwd=cwd, env=self.env, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as expired:
            stderr = (expired.stderr or b"").decode("utf-8", "replace")
            return Call(None, time.perf_counter() - start, last_line(stderr), timeout=True), ""
        seconds = time.perf_counter() - start
        stderr = done.stderr.decode("utf-8", "replace")
        lowered = stderr.lower()
        traced = "traceback (most recent call last)" in lowered or "internal error" in lowered
        return Call(done.returncode, seconds, last_line(stderr), traceback=traced), done.stdout.decode(
            "utf-8", "replace"
        )


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def make_runner(cache: Path) -> Runner:
    command = speckit_command()
    env = speckit_env(cache)
    helptext = subprocess.run(
        [*command, "check", "--help"], capture_output=True, env=env, text=True, check=False
    ).stdout
    return Runner(command, env, ["--no-cache"] if "--no-cache" in helptext else [])


def list_rules(runner: Runner) -> dict[str, str]:
    """rule -> default severity (error, warning, info, off), from ``speckit check --list-rules``."""
    done = subprocess.run(
        [*runner.command, "check", "--list-rules"], capture_output=True, text=True, env=runner.env, check=False
    )
    rules = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and "/" in parts[0]:
            rules[parts[0]] = parts[1].lower()
    return rules


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def diagnostics_of(report: Any) -> list[dict[str, Any]]:
    """check's JSON is {version, diagnostics, summary}; a bare list is accepted too."""
    if isinstance(report, dict):
        report = report.get("diagnostics") or []
    return [d for d in report if isinstance(d, dict)] if isinstance(report, list) else []


def rel_path(path: str | None, root: Path, feature: str) -> str:
    """A finding's path, repo-relative (check prints paths as given, or absolute)."""
    if not path:
        return feature
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return candidate.as_posix()
    return Path(os.path.normpath(path)).as_posix()


# --------------------------------------------------------------------------------------------------
# The census: our own line-by-line reading of the raw files (no speckit import)
# --------------------------------------------------------------------------------------------------

ID_TAIL = r"(?![A-Za-z0-9])"
# T001 T-001 T004a T1.3.10 SET-T001 T-001-P1-002
TASK_ID = r"(?:(?!T-?\d)[A-Z][A-Z0-9]*-)?T(?:-?\d+|-[A-Z]+-\d+)(?:[.-](?!T-?\d)[A-Z0-9]+)*[a-z]?"
TASK_ID_RE = re.compile(TASK_ID + ID_TAIL)
# "T015-T018 (tools) in parallel", "T001, T002: ..." start with an id but name several: a note, not a task.
ID_RUN_RE = re.compile(r"^\s*(?:[-–—~〜,、/&+]|to\b|and\b|\.\.)\s*[`*_~]*" + TASK_ID + ID_TAIL)
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
LIST_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
CHECKBOX_RE = re.compile(r"^\[([ xX~!/>-])\]\s*")
# Emphasis, strike, code marks and status emoji (✅ ⏳ ❌ 🔄 ...) before an item's first word.
DECOR_RE = re.compile(
    r"^(?:\*\*|__|~~|`|\*|_|\s|[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f300-\U0001faff])+"
)
HEADING_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")  # "### - [ ] T022 ...": a task written as a heading
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
TABLE_RE = re.compile(r"^\s*\|")
TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
STORY_HEAD_RE = re.compile(
    r"^(?:(?:user[\s-]+)?story|US-?|ユーザーストーリー|ユーザー・ストーリー|用户故事|用戶故事|使用者故事|histoire\s+utilisateur"
    r"|récit\s+utilisateur|historia\s+de\s+usuario|사용자\s*스토리|benutzergeschichte|user-story)\s*#?\s*(\d+[a-z]?)"
    + ID_TAIL,
    re.IGNORECASE,
)
STORY_ITEM_RE = re.compile(r"^US-?(\d+[a-z]?)" + ID_TAIL)
REQ_ID_RE = re.compile(
    r"^(?P<id>(?P<prefix>[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*)-?(?P<num>\d+(?:\.\d+)*[a-z]?))" + ID_TAIL
)
SEPARATOR_RE = re.compile(r"^(?:\*\*|__|~~|`|\*)*\s*(?:[:：.)|–—]|-\s|$)")
CLOSING_DECOR_RE = re.compile(r"^(?:\*\*|__|~~|`)")
REQUIREMENT_SECTION_RE = re.compile(
    r"requirement|requisito|exigence|anforderung|要件|要求|需求|요구|constraint|制約|约束|restricci|contrainte|regla|rule",
    re.IGNORECASE,
)
# Sections whose ids point at definitions made elsewhere (or are not requirements at all).
NOT_DEFINING_SECTION_RE = re.compile(
    r"traceab|trazab|traçab|matri[xz]|coverage|cobertura|couverture|mapping|gap|dependenc|dependenc|assumption|supuesto"
    r"|hypoth|annahme|前提|假设|edge\s+case|casos?\s+l[íi]mite|risk|riesgo|risque|out\s+of\s+scope|non-goal|notes?\b|review|checklist",
    re.IGNORECASE,
)
SC_SECTION_RE = re.compile(
    r"success\s+criteri|measurable\s+outcome|成功基準|成功基准|成功标准|成功標準|成功指標|critères\s+de\s+(?:succès|réussite)"
    r"|criterios\s+de\s+éxito|성공\s*기준|erfolgskriterien",
    re.IGNORECASE,
)
ACCEPTANCE_SECTION_RE = re.compile(
    r"acceptance\s+(?:scenario|criteri)|受け入れ|受入|验收|驗收|scénarios?\s+d.acceptation|critères\s+d.acceptation"
    r"|escenarios?\s+de\s+aceptación|criterios\s+de\s+aceptación|인수|수용|akzeptanz",
    re.IGNORECASE,
)
GIVEN_RE = re.compile(
    r"\bgiven\b|前提|假设|假設|假如|给定|給定|已知|\bétant\s+donnée?s?\b|\betant\s+donnée?s?\b|\bsoit\b|\bdad[oa]s?\b"
    r"|\bangenommen\b|\bgegeben\b|주어진|전제",
    re.IGNORECASE,
)
WHEN_RE = re.compile(
    r"\bwhen\b|もし|操作|とき|時|当|當|\bquand\b|\blorsqu|\bcuando\b|\bwenn\b|때|경우|언제", re.IGNORECASE
)
THEN_RE = re.compile(
    r"\bthen\b|ならば|期待|結果|那么|那麼|则|則|结果|\balors\b|\bentonces\b|\bdann\b|그러면|결과", re.IGNORECASE
)
ID_TOKEN = r"[`*_~\[]*" + TASK_ID + ID_TAIL + r"[`*_~\]]*"
ID_LIST = (
    ID_TOKEN
    + r"(?:\s*(?:,|、|，|・|/|&|\+|(?i:\band\b|\bor\b|\bund\b|\bet\b|\by\b|\bto\b|\bthrough\b)"
    r"|和|与|및|-|–|—|〜|~|\.\.)\s*"
    + ID_TOKEN
    + r")*"
)
FORWARD_DEP_RE = re.compile(
    r"(?i:\bdepend(?:s|ent|ing)?\s+(?:up)?on|\bdependenc(?:y|ies)[*_\s]*[:：]|\bdeps?[*_\s]*[:：]|\bafter\b|\brequires?\b|\bblocked\s+by"
    r"|\bneeds\b|\bwaits?\s+for|\bprereq(?:uisites?)?[*_\s]*[:：]|\bdependencias[*_\s]*[:：]?|\bdependências[*_\s]*[:：]?|\bdépendances?[*_\s]*[:：]|\babhängigkeit(?:en)?[*_\s]*[:：]?"
    r"|\bprecondici(?:ón|on|ones)[*_\s]*[:：]?|\bprerrequisitos?[*_\s]*[:：]?|\bpré-?requis[*_\s]*[:：]?|\bvoraussetzung(?:en)?[*_\s]*[:：]?|依存(?:関係)?[*_\s]*[:：]?|依赖(?:于)?[*_\s]*[:：]?|依賴[*_\s]*[:：]?|前置[*_\s]*[:：]?"
    r"|\bdépend\s+d[eu]s?|\baprès\b|\bdepende\s+de|\brequiere\b|\bhängt\s+von|\bnach\b|의존(?:성)?[*_\s]*[:：]?|선행[*_\s]*[:：]?)"
    r"[\s*_`:：(\[]*(?i:(?:the\s+)?(?:tasks?|completion\s+of|completing|finishing|タスク|任务|任務|tâches?|tareas?|작업)\s*)?"
    r"(?P<ids>" + ID_LIST + ")"
)
SUBJECT_RE = re.compile(ID_TOKEN + r"\s*(?:\([^)]*\)\s*)?$")
BACKWARD_DEP_RE = re.compile(
    r"(?P<ids>"
    + ID_LIST
    + r")[\s*_`)]*(?:の|が|を)?\s*"
    r"(?:の後|完了後|完了した後|後に|之后|之後|以后|以後|完成后|완료\s*후|이후|후에|에\s*의존|に依存)"
)


@dataclass(slots=True)
class Line:
    no: int
    text: str  # "" for a line inside code or a comment
    indent: int


@dataclass(slots=True)
class Block:
    """A list item, paragraph, heading or table row of the census reader, with its own text."""

    kind: str  # item, para, heading, row
    line: int
    end: int
    indent: int
    text: str
    level: int = 0


@dataclass(slots=True)
class Census:
    """What one feature's raw files hold, by the census's reading."""

    tasks: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (line, text)
    stories: dict[str, tuple[int, str]] = field(default_factory=dict)  # US<n> -> (line, text)
    requirements: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # id -> (shape, line, text)
    criteria: dict[str, tuple[int, str]] = field(default_factory=dict)  # SC id -> (line, text)
    scenarios: list[tuple[int, int, str]] = field(default_factory=list)  # (line, end, text)
    dependencies: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (task, dep) -> (line, text)


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8-sig", "replace")


def visible_lines(text: str) -> list[Line]:
    """The file's lines (LF, CRLF, CR), blanked inside fenced code and HTML comments."""
    lines: list[Line] = []
    fence: str | None = None
    in_comment = False
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        visible = raw
        if fence is not None:
            close = FENCE_RE.match(raw)
            if (
                close
                and close.group(1)[0] == fence[0]
                and len(close.group(1)) >= len(fence)
                and not raw.strip().strip(fence[0])
            ):
                fence = None
            lines.append(Line(number, "", 0))
            continue
        if not in_comment:
            opened = FENCE_RE.match(raw)
            if opened:
                fence = opened.group(1)
                lines.append(Line(number, "", 0))
                continue
        visible, in_comment = strip_comments(raw, in_comment)
        indent = len(visible) - len(visible.lstrip(" \t")) if visible.strip() else 0
        lines.append(Line(number, visible if visible.strip() else "", indent))
    return lines


def strip_comments(raw: str, in_comment: bool) -> tuple[str, bool]:
    out: list[str] = []
    rest = raw
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                return "".join(out), True
            rest, in_comment = rest[end + 3 :], False
        else:
            start = rest.find("<!--")
            if start < 0:
                out.append(rest)
                break
            out.append(rest[:start])
            rest, in_comment = rest[start + 4 :], True
    return "".join(out), in_comment


def blocks_of(lines: list[Line]) -> list[Block]:
    """Headings, list items, table rows and paragraphs; continuation lines join their block."""
    blocks: list[Block] = []
    open_block: Block | None = None
    for line in lines:
        text = line.text
        if not text.strip():
            open_block = None
            continue
        heading = HEADING_RE.match(text)
        if heading:
            blocks.append(Block("heading", line.no, line.no, 0, heading.group(2) or "", level=len(heading.group(1))))
            open_block = None
            continue
        item = LIST_RE.match(text)
        if item:
            open_block = Block("item", line.no, line.no, len(item.group(1).expandtabs(4)), item.group(2))
            blocks.append(open_block)
            continue
        if TABLE_RE.match(text):
            blocks.append(Block("row", line.no, line.no, line.indent, text.strip()))
            open_block = None
            continue
        if open_block is not None:
            open_block.text += " " + text.strip()
            open_block.end = line.no
            continue
        open_block = Block("para", line.no, line.no, line.indent, text.strip())
        blocks.append(open_block)
    return blocks


def children(blocks: list[Block], index: int) -> list[Block]:
    """The blocks nested under the list item at ``index`` (indented deeper, until one that is not)."""
    parent = blocks[index]
    nested = []
    for block in blocks[index + 1 :]:
        if block.kind == "heading" or block.indent <= parent.indent:
            break
        nested.append(block)
    return nested


def undecorate(text: str) -> str:
    return DECOR_RE.sub("", text)


def item_content(text: str) -> tuple[str, bool]:
    """A list item's (or heading's) text without its checkbox and leading emphasis; whether it had a checkbox."""
    text = undecorate(HEADING_ITEM_RE.sub("", text))
    box = CHECKBOX_RE.match(text)
    if box:
        text = text[box.end() :]
    return undecorate(text), box is not None


def first_cell(row: str) -> str | None:
    if TABLE_RULE_RE.match(row):
        return None
    cells = row.strip().strip("|").split("|")
    return undecorate(cells[0].strip()) if cells else None


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:117] + "..."


def census_tasks(blocks: list[Block], census: Census) -> None:
    """Task ids that start a list item or a heading (after a checkbox and emphasis), and the
    dependencies written on the task's own line or its sub-bullets. A task's own line is where it is
    defined: its first checkbox item, else its first heading or item (a later "- T006 depends on T005"
    in a Dependencies section is a note about T006, not T006's line)."""
    defining: dict[str, tuple[int, int, str]] = {}  # id -> (rank, index, rest of the text)
    for index, block in enumerate(blocks):
        if block.kind not in ("item", "heading"):
            continue
        content, checkbox = item_content(block.text)
        match = TASK_ID_RE.match(content)
        if not match or ID_RUN_RE.match(content[match.end() :]):
            continue
        rank = 0 if checkbox else 1
        if match.group(0) not in defining or rank < defining[match.group(0)][0]:
            defining[match.group(0)] = (rank, index, content[match.end() :])
    for task, (_, index, rest) in sorted(defining.items(), key=lambda item: item[1][1]):
        block = blocks[index]
        census.tasks[task] = (block.line, block.text)
        nested = children(blocks, index) if block.kind == "item" else []
        for text, line in [(rest, block.line)] + [(b.text, b.line) for b in nested]:
            for dep, context in dependency_ids(text):
                if dep != task:
                    census.dependencies.setdefault((task, dep), (line, context))


def dependency_ids(text: str) -> list[tuple[str, str]]:
    """(id, the phrase around it) for every task id a dependency phrase names."""
    found: dict[str, str] = {}
    for pattern in (FORWARD_DEP_RE, BACKWARD_DEP_RE):
        for match in pattern.finditer(text):
            if pattern is FORWARD_DEP_RE and SUBJECT_RE.search(text, 0, match.start()):
                continue  # "T008 depends on T007": another task's dependency, written in passing
            context = text[max(0, match.start() - 30) : match.end() + 30]
            for ident in expand_ids(match.group("ids")):
                found.setdefault(ident, ("..." if match.start() > 30 else "") + context)
    return list(found.items())


RANGE_SEP_RE = re.compile(r"^\s*(?:-|–|—|〜|~|to|through|\.\.)\s*$", re.IGNORECASE)
PLAIN_ID_RE = re.compile(r"^(?P<head>(?:[A-Z][A-Z0-9]*-)?T-?)(?P<num>\d+)$")


def expand_ids(span: str) -> list[str]:
    """The ids of ``T001, T003-T005`` as T001, T003, T004, T005."""
    found = list(TASK_ID_RE.finditer(span))
    ids = [m.group(0) for m in found]
    out: list[str] = []
    for i, match in enumerate(found):
        if i and RANGE_SEP_RE.match(re.sub(r"[`*_~\[\]]", "", span[found[i - 1].end() : match.start()])):
            low, high = PLAIN_ID_RE.match(ids[i - 1]), PLAIN_ID_RE.match(ids[i])
            if low and high and low.group("head") == high.group("head"):
                start, stop = int(low.group("num")), int(high.group("num"))
                width = len(low.group("num"))
                if 0 < stop - start <= 500:
                    out.extend(f"{low.group('head')}{n:0{width}d}" for n in range(start + 1, stop))
        out.append(ids[i])
    return out


def census_spec(blocks: list[Block], census: Census) -> None:
    """Stories, requirement and success-criterion ids, and Given/When/Then scenarios of spec.md."""
    section: list[tuple[int, str]] = []  # the heading path: (level, title)
    story_level: int | None = None  # the level of the story (or acceptance) heading we are under
    primary: tuple[int, str] | None = None  # the older template's "### Primary User Story"
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            title = re.sub(r"^[^\w]+", "", undecorate(block.text))
            section = [(lvl, t) for lvl, t in section if lvl < block.level] + [(block.level, title)]
            if story_level is not None and block.level <= story_level:
                story_level = None
            story = STORY_HEAD_RE.match(title)
            if story:
                census.stories.setdefault(story_key(story.group(1)) or "", (block.line, block.text))
                story_level = block.level
            elif story_level is None and ACCEPTANCE_SECTION_RE.search(title):
                story_level = block.level
            elif re.match(r"primary\s+user\s+story", title, re.IGNORECASE):
                primary = primary or (block.line, block.text)
            census_definition(block, title, section[:-1], census)
            continue
        census_story_item(block, census)
        census_definition(block, None, section, census)
        if story_level is not None and block.kind in ("item", "para"):
            census_scenario(blocks, index, census)
    if primary and not census.stories:
        census.stories["US1"] = primary


def census_story_item(block: Block, census: Census) -> None:
    if block.kind == "item":
        match = STORY_ITEM_RE.match(item_content(block.text)[0])
    elif block.kind == "row":
        cell = first_cell(block.text)
        match = STORY_ITEM_RE.match(cell) if cell is not None else None
    else:
        match = None
    if match:
        census.stories.setdefault(story_key(match.group(1)) or "", (block.line, block.text))


def census_definition(block: Block, title: str | None, section: list[tuple[int, str]], census: Census) -> None:
    """A requirement or success-criterion id that starts a heading, list item, table row or paragraph."""
    if block.kind == "heading":
        content = title or ""
        strict = False
    elif block.kind == "item":
        content, strict = item_content(block.text)[0], False
    elif block.kind == "row":
        content, strict = first_cell(block.text) or "", False
    else:
        content, strict = undecorate(block.text), True
    match = REQ_ID_RE.match(content)
    if not match:
        return
    ident, prefix = match.group("id"), match.group("prefix").upper()
    if prefix in ("US", "T") or TASK_ID_RE.fullmatch(ident):
        return
    shape = requirement_shape(prefix, ident)
    rest = content[match.end() :]
    defines = bool(SEPARATOR_RE.match(rest)) or (block.kind == "row" and not rest.strip())
    if (strict or shape in ("R", "other")) and not defines:
        return
    titles = [title for _, title in section]
    innermost = titles[-1] if titles else ""
    in_criteria = any(SC_SECTION_RE.search(t) for t in titles) and not NOT_DEFINING_SECTION_RE.search(innermost)
    if shape == "SC" or (in_criteria and shape == "other"):
        census.criteria.setdefault(ident, (block.line, block.text))
        return
    if shape == "other" and (
        "-" not in ident
        or not any(REQUIREMENT_SECTION_RE.search(t) for t in titles)
        or any(NOT_DEFINING_SECTION_RE.search(t) for t in titles)
    ):
        return  # an XX-001 id counts as a requirement under a Requirements heading (not a traceability one)
    census.requirements.setdefault(ident, (shape, block.line, block.text))


def requirement_shape(prefix: str, ident: str) -> str:
    if prefix == "FR":
        return "FR"
    if prefix == "NFR":
        return "NFR"
    if prefix == "SC":
        return "SC"
    if prefix == "R":
        return "R"
    return "other"


def gwt(text: str) -> bool:
    """Given, then When, then Then, in that order, in one of the languages above."""
    given = GIVEN_RE.search(text)
    if not given:
        return False
    when = WHEN_RE.search(text, given.end())
    return bool(when and THEN_RE.search(text, when.end()))


def census_scenario(blocks: list[Block], index: int, census: Census) -> None:
    block = blocks[index]
    if gwt(block.text):
        census.scenarios.append((block.line, block.end, block.text))
        return
    if block.kind != "item":
        return
    nested = children(blocks, index)
    if nested and not any(gwt(b.text) for b in nested) and gwt(" ".join([block.text, *(b.text for b in nested)])):
        census.scenarios.append((block.line, nested[-1].end, block.text))


def take_census(root: Path, feature: str) -> Census:
    census = Census()
    folder = root / feature
    for name, reader in (("tasks.md", census_tasks), ("spec.md", census_spec)):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            try:
                reader(blocks_of(visible_lines(read_text(path))), census)
            except OSError:
                pass
    return census


# --------------------------------------------------------------------------------------------------
# What the parser found (show's JSON), and the comparison
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Parsed:
    tasks: dict[str, set[str]] = field(default_factory=dict)  # id -> depends_on
    task_lines: dict[str, int] = field(default_factory=dict)
    stories: dict[str, int] = field(default_factory=dict)
    requirements: dict[str, int] = field(default_factory=dict)
    criteria: dict[str, int] = field(default_factory=dict)
    scenarios: dict[int, bool] = field(default_factory=dict)  # line -> given/when/then all non-empty
    spec_path: str = ""
    tasks_path: str = ""


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def story_key(ident: Any) -> str | None:
    """``US<n>`` for US1, US-01, "User Story 1"; a letter suffix is kept (``US1a``)."""
    match = re.search(r"(\d+)([a-z]?)(?![A-Za-z0-9])", str(ident or ""))
    return f"US{int(match.group(1))}{match.group(2)}" if match else None


def parsed_model(show: Any) -> Parsed:
    """The objects of show's JSON that the census counts too; missing keys are empty, never an error."""
    model, parsed = as_dict(show), Parsed()
    spec, task_list = as_dict(model.get("spec")), as_dict(model.get("task_list"))
    parsed.spec_path, parsed.tasks_path = str(spec.get("path") or ""), str(task_list.get("path") or "")
    for task in map(as_dict, as_list(model.get("tasks"))):
        if task.get("id"):
            ident = str(task["id"])
            parsed.tasks.setdefault(ident, set()).update(str(d) for d in as_list(task.get("depends_on")))
            parsed.task_lines.setdefault(ident, int(task.get("line") or 0))
    for story in map(as_dict, as_list(spec.get("stories"))):
        key = story_key(story.get("id"))
        if key:
            parsed.stories.setdefault(key, int(story.get("line") or 0))
        for scenario in map(as_dict, as_list(story.get("acceptance"))):
            line = int(scenario.get("line") or 0)
            split = all(str(scenario.get(k) or "").strip() for k in ("given", "when", "then"))
            parsed.scenarios[line] = parsed.scenarios.get(line, False) or split
    for key, target in (("requirements", parsed.requirements), ("success_criteria", parsed.criteria)):
        for item in map(as_dict, as_list(spec.get(key))):
            if item.get("id"):
                target.setdefault(str(item["id"]), int(item.get("line") or 0))
    return parsed


@dataclass(slots=True)
class Tally:
    census: int = 0
    found: int = 0
    parser: int = 0
    extra: int = 0


@dataclass(slots=True)
class Miss:
    kind: str  # what the census has and the parser lacks ("task"), or "extra:task" for the reverse
    repo: str
    path: str
    line: int
    ident: str
    note: str
    text: str


RECALL_TYPES = (
    "tasks",
    "stories",
    "requirements:FR",
    "requirements:NFR",
    "requirements:R",
    "requirements:other",
    "success_criteria",
    "scenarios",
    "dependencies",
)


def compare(repo: str, feature: str, census: Census, parsed: Parsed) -> tuple[dict[str, Tally], list[Miss]]:
    """Recall (census objects the parser also has) and the reverse figure, per object type."""
    tallies = {kind: Tally() for kind in RECALL_TYPES}
    misses: list[Miss] = []
    tasks_md, spec_md = f"{feature}/tasks.md".removeprefix("./"), f"{feature}/spec.md".removeprefix("./")

    def by_id(kind: str, path: str, wanted: dict[str, tuple[int, str]], have: dict[str, int], note: str) -> None:
        tally = tallies[kind]
        for ident, (line, text) in wanted.items():
            tally.census += 1
            if ident in have:
                tally.found += 1
            else:
                misses.append(Miss(kind, repo, path, line, ident, note, short(text)))
        tally.parser += len(have)
        for ident, line in have.items():
            if ident not in wanted:
                tally.extra += 1
                misses.append(Miss(f"extra:{kind}", repo, path, line, ident, "parser has it, census does not", ""))

    by_id("tasks", tasks_md, census.tasks, parsed.task_lines, "no task with this id")
    by_id("stories", spec_md, census.stories, parsed.stories, "no story with this number")
    by_id("success_criteria", spec_md, census.criteria, parsed.criteria, "not in success_criteria")
    compare_requirements(repo, spec_md, census, parsed, tallies, misses)
    compare_scenarios(repo, spec_md, census, parsed, tallies["scenarios"], misses)
    compare_dependencies(repo, tasks_md, census, parsed, tallies["dependencies"], misses)
    return tallies, misses


def compare_requirements(
    repo: str, path: str, census: Census, parsed: Parsed, tallies: dict[str, Tally], misses: list[Miss]
) -> None:
    for ident, (shape, line, text) in census.requirements.items():
        tally = tallies[f"requirements:{shape}"]
        tally.census += 1
        if ident in parsed.requirements:
            tally.found += 1
        else:
            where = "in success_criteria instead" if ident in parsed.criteria else "not in requirements"
            misses.append(Miss(f"requirements:{shape}", repo, path, line, ident, where, short(text)))
    for ident, line in parsed.requirements.items():
        prefix = REQ_ID_RE.match(ident)
        shape = requirement_shape(prefix.group("prefix").upper(), ident) if prefix else "other"
        shape = "other" if shape == "SC" else shape
        tally = tallies[f"requirements:{shape}"]
        tally.parser += 1
        if ident not in census.requirements:
            tally.extra += 1
            misses.append(
                Miss(f"extra:requirements:{shape}", repo, path, line, ident, "parser has it, census does not", "")
            )


def compare_scenarios(repo: str, path: str, census: Census, parsed: Parsed, tally: Tally, misses: list[Miss]) -> None:
    covered: set[int] = set()
    for line, end, text in census.scenarios:
        tally.census += 1
        inside = [n for n in parsed.scenarios if line <= n <= end]
        covered.update(inside)
        if any(parsed.scenarios[n] for n in inside):
            tally.found += 1
        else:
            note = "read as a scenario but not split into given/when/then" if inside else "no scenario at this line"
            misses.append(Miss("scenarios", repo, path, line, "", note, short(text)))
    split = [n for n, ok in parsed.scenarios.items() if ok]
    tally.parser += len(split)
    for line in split:
        if line not in covered:
            tally.extra += 1
            misses.append(Miss("extra:scenarios", repo, path, line, "", "parser split it, census has none here", ""))


def compare_dependencies(
    repo: str, path: str, census: Census, parsed: Parsed, tally: Tally, misses: list[Miss]
) -> None:
    for (task, dep), (line, text) in census.dependencies.items():
        tally.census += 1
        if dep in parsed.tasks.get(task, set()):
            tally.found += 1
        else:
            have = sorted(parsed.tasks.get(task, set()))
            note = f"{task} depends_on {have}" if task in parsed.tasks else f"no task {task}"
            misses.append(Miss("dependencies", repo, path, line, f"{task}->{dep}", note, short(text)))
    for task, deps in parsed.tasks.items():
        for dep in deps:
            tally.parser += 1
            if (task, dep) not in census.dependencies:
                tally.extra += 1
                misses.append(
                    Miss(
                        "extra:dependencies",
                        repo,
                        path,
                        parsed.task_lines.get(task, 0),
                        f"{task}->{dep}",
                        "parser has it, census does not",
                        "",
                    )
                )


# --------------------------------------------------------------------------------------------------
# One feature, one repository root
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class FeatureResult:
    repo: str
    commit: str
    path: str
    documents: list[str]
    show: Call
    check: Call
    findings: list[dict[str, Any]]
    tallies: dict[str, Tally]
    misses: list[Miss]
    modelled: bool  # show gave a model; recall is measured on these features only


def run_feature(runner: Runner, repo: Repo, feature: str) -> FeatureResult:
    root = Path(repo.root)
    documents = [f"{feature}/{name}".removeprefix("./") for name in DOCUMENTS if (root / feature / name).is_file()]
    show, show_out = runner.run(["show", "--format", "json", feature], root, FEATURE_TIMEOUT)
    check, check_out = runner.run(["check", "--format", "json", *runner.check_flags, feature], root, FEATURE_TIMEOUT)
    findings = []
    for diagnostic in diagnostics_of(load_json(check_out)):
        findings.append(
            {
                "repo": repo.repo,
                "commit": repo.commit,
                "feature": feature,
                "path": rel_path(diagnostic.get("path"), root, feature),
                "line": int(diagnostic.get("line") or 0),
                "rule": str(diagnostic.get("rule") or "?"),
                "severity": str(diagnostic.get("severity") or "?"),
                "message": str(diagnostic.get("message") or ""),
            }
        )
    model = load_json(show_out) if show.rc == 0 and not show.crash else None
    if isinstance(model, dict):
        tallies, misses = compare(repo.repo, feature, take_census(root, feature), parsed_model(model))
    else:  # no model to compare with: the crash or the unreadable input is reported, not a recall of 0
        tallies, misses = {kind: Tally() for kind in RECALL_TYPES}, []
    return FeatureResult(
        repo.repo, repo.commit, feature, documents, show, check, findings, tallies, misses, isinstance(model, dict)
    )


@dataclass(slots=True)
class RootResult:
    repo: str
    call: Call
    findings: int
    features: int | None


def run_root(runner: Runner, repo: Repo) -> RootResult:
    call, out = runner.run(["check", "--format", "json", *runner.check_flags], Path(repo.root), ROOT_TIMEOUT)
    report = load_json(out)
    features = as_dict(as_dict(report).get("summary")).get("features")
    return RootResult(repo.repo, call, len(diagnostics_of(report)), features if isinstance(features, int) else None)


# --------------------------------------------------------------------------------------------------
# Labels and precision
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Label:
    repo: str
    commit: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.repo, self.path, self.line, self.rule)


def read_labels(path: Path) -> list[Label]:
    """labels.tsv rows (columns beyond the seven, as --sample writes them, are ignored)."""
    if not path.is_file():
        return []
    labels = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        cells = raw.split("\t")
        if not raw.strip() or raw.startswith("#") or cells[0] == "repo" or len(cells) < 6:
            continue
        cells += [""] * (7 - len(cells))
        verdict = cells[5].strip().lower()
        if verdict not in VERDICTS:
            continue
        try:
            line = int(cells[3])
        except ValueError:
            continue
        labels.append(
            Label(
                cells[0].strip(), cells[1].strip(), cells[2].strip(), line, cells[4].strip(), verdict, cells[6].strip()
            )
        )
    return labels


def finding_key(finding: dict[str, Any]) -> tuple[str, str, int, str]:
    return (finding["repo"], finding["path"], finding["line"], finding["rule"])


# --------------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------------


def spread(values: list[int]) -> dict[str, float]:
    if not values:
        return {"median": 0.0, "mean": 0.0, "p90": 0.0, "max": 0.0, "n": 0}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]  # nearest rank
    return {
        "median": float(statistics.median(ordered)),
        "mean": round(statistics.fmean(ordered), 2),
        "p90": float(p90),
        "max": float(ordered[-1]),
        "n": len(ordered),
    }


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def aggregate(
    repos: list[Repo], results: list[FeatureResult], roots: list[RootResult], labels: list[Label], rules: dict[str, str]
) -> dict[str, Any]:
    findings = [f for r in results for f in r.findings]
    by_key = {label.key: label for label in labels}
    for finding in findings:
        label = by_key.get(finding_key(finding))
        finding["label"] = label.verdict if label else ""
    included = {r.repo for r in repos if r.status == "ok"}
    current = {finding_key(f) for f in findings}
    pinned = {r.repo: r.commit for r in repos}
    checked = [r for r in results if r.check.rc in (0, 1)]
    return {
        "corpus": corpus_figures(repos, results),
        "crashes": crash_list(results, roots),
        "unreadable": [
            {
                "repo": r.repo,
                "path": r.path,
                "show": r.show.rc,
                "check": r.check.rc,
                "stderr": r.check.stderr or r.show.stderr,
            }
            for r in results
            if r.show.unreadable or r.check.unreadable
        ],
        "roots": [
            {
                "repo": r.repo,
                "rc": r.call.rc,
                "findings": r.findings,
                "features": r.features,
                "seconds": round(r.call.seconds, 2),
                "stderr": r.call.stderr,
                "crash": r.call.crash,
            }
            for r in roots
        ],
        "rules": rule_table(findings, rules),
        "per_feature": spread([len(r.findings) for r in checked]),
        "errors_per_feature": spread([sum(f["severity"] == "error" for f in r.findings) for r in checked]),
        "recall": recall_table(results),
        "recall_excluded": [r.path for r in results if not r.modelled],
        "labels": {
            "total": len(labels),
            "matched": sum(label.key in current for label in labels),
            "stale": sum(label.key not in current and label.repo in included for label in labels),
            "other_commit": sum(
                label.repo in pinned and label.commit not in ("", pinned[label.repo]) for label in labels
            ),
            "not_in_run": sum(label.repo not in included for label in labels),
        },
        "timing": timing(results),
        "findings": findings,
    }


def corpus_figures(repos: list[Repo], results: list[FeatureResult]) -> dict[str, Any]:
    ok = [r for r in repos if r.status == "ok"]
    languages = Counter((r.language or "unknown") for r in ok)
    return {
        "repos": len(repos),
        "repos_ok": len(ok),
        "repos_missing": [{"repo": r.repo, "detail": r.detail} for r in repos if r.status != "ok"],
        "features": len(results),
        "documents": sum(len(r.documents) for r in results),
        "documents_by_kind": dict(Counter(Path(d).name for r in results for d in r.documents)),
        "languages": dict(languages.most_common()),
        "per_repo": [
            {
                "repo": r.repo,
                "commit": r.commit[:12],
                "language": r.language,
                "manifest_features": r.features,
                "features": sum(x.repo == r.repo for x in results),
                "detail": r.detail,
            }
            for r in repos
        ],
    }


def crash_list(results: list[FeatureResult], roots: list[RootResult]) -> list[dict[str, Any]]:
    crashes = []
    for result in results:
        for command, call in (("show", result.show), ("check", result.check)):
            if call.crash:
                crashes.append(
                    {
                        "repo": result.repo,
                        "path": result.path,
                        "command": command,
                        "rc": call.rc,
                        "timeout": call.timeout,
                        "traceback": call.traceback,
                        "stderr": call.stderr,
                    }
                )
    for root in roots:
        if root.call.crash:
            crashes.append(
                {
                    "repo": root.repo,
                    "path": "(root)",
                    "command": "check",
                    "rc": root.call.rc,
                    "timeout": root.call.timeout,
                    "traceback": root.call.traceback,
                    "stderr": root.call.stderr,
                }
            )
    return crashes


def rule_table(findings: list[dict[str, Any]], rules: dict[str, str]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for rule in sorted(set(rules) | {f["rule"] for f in findings}):
        mine = [f for f in findings if f["rule"] == rule]
        verdicts = Counter(f["label"] for f in mine)
        default = rules.get(rule, "?")
        precision = ratio(verdicts["true"], verdicts["true"] + verdicts["false"])
        target = ERROR_PRECISION if default == "error" else WARNING_PRECISION if default == "warning" else None
        status = (
            "—"
            if target is None or not mine
            else "no labels"
            if precision is None
            else "PASS"
            if precision >= target
            else "FAIL"
        )
        table[rule] = {
            "default": default,
            "severities": dict(Counter(f["severity"] for f in mine)),
            "total": len(mine),
            "labelled": len(mine) - verdicts[""],
            "unlabelled": verdicts[""],
            "true": verdicts["true"],
            "false": verdicts["false"],
            "debatable": verdicts["debatable"],
            "precision": precision,
            "target": target,
            "status": status,
        }
    return table


def recall_table(results: list[FeatureResult]) -> dict[str, dict[str, Any]]:
    table = {}
    for kind in RECALL_TYPES:
        census = sum(r.tallies[kind].census for r in results)
        found = sum(r.tallies[kind].found for r in results)
        parser = sum(r.tallies[kind].parser for r in results)
        extra = sum(r.tallies[kind].extra for r in results)
        target = DEPENDENCY_RECALL if kind == "dependencies" else RECALL
        recall = ratio(found, census)
        status = "—" if recall is None else "PASS" if recall >= target else "FAIL"
        table[kind] = {
            "census": census,
            "found": found,
            "recall": recall,
            "parser": parser,
            "extra": extra,
            "target": target,
            "status": status,
        }
    return table


def timing(results: list[FeatureResult]) -> dict[str, float]:
    shows = [r.show.seconds for r in results]
    checks = [r.check.seconds for r in results]
    return {
        "show_median": round(statistics.median(shows), 3) if shows else 0.0,
        "check_median": round(statistics.median(checks), 3) if checks else 0.0,
        "show_max": round(max(shows), 2) if shows else 0.0,
        "check_max": round(max(checks), 2) if checks else 0.0,
    }


def targets(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, figure, goal, PASS/FAIL) rows."""
    rows = [("crashes", str(len(report["crashes"])), "0", "PASS" if not report["crashes"] else "FAIL")]
    for severity, goal in (("error", ERROR_PRECISION), ("warning", WARNING_PRECISION)):
        judged = {rule: row for rule, row in report["rules"].items() if row["default"] == severity and row["total"]}
        failing = sorted(rule for rule, row in judged.items() if row["status"] == "FAIL")
        unknown = sorted(rule for rule, row in judged.items() if row["status"] == "no labels")
        status = "FAIL" if failing else "PASS" if judged and not unknown else "INCOMPLETE" if unknown else "—"
        figure = (
            f"{len(judged) - len(failing) - len(unknown)} of {len(judged)} rules met"
            + (f"; failing {', '.join(failing)}" if failing else "")
            + (f"; {len(unknown)} unlabelled" if unknown else "")
        )
        rows.append((f"{severity}-rule precision", figure, f">= {goal:.0%} each", status))
    median = report["per_feature"]["median"]
    rows.append(
        (
            "median findings per feature",
            f"{median:g}",
            f"<= {MEDIAN_FINDINGS:g}",
            "PASS" if median <= MEDIAN_FINDINGS else "FAIL",
        )
    )
    for kind, row in report["recall"].items():
        rows.append((f"recall {kind}", percent(row["recall"]), f">= {row['target']:.0%}", row["status"]))
    return rows


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def md_table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_markdown(report: dict[str, Any]) -> str:
    corpus, out = report["corpus"], []
    languages = ", ".join(f"{k} {v}" for k, v in corpus["languages"].items()) or "—"
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(corpus["documents_by_kind"].items()))
    out.append("### Corpus\n")
    out.append(
        md_table(
            ["repositories", "features", "documents", "languages"],
            [
                [
                    f"{corpus['repos_ok']} of {corpus['repos']} (missing {len(corpus['repos_missing'])})",
                    corpus["features"],
                    f"{corpus['documents']} ({kinds})",
                    languages,
                ]
            ],
        )
    )
    for missing in corpus["repos_missing"]:
        out.append(f"\nMissing: {missing['repo']} ({missing['detail']}).")
    out.append("\n### Targets\n")
    out.append(md_table(["target", "figure", "goal", "status"], targets(report)))
    out.append("\n### Crashes (exit 3, timeouts, tracebacks)\n")
    if report["crashes"]:
        out.append(
            md_table(
                ["repo", "feature", "command", "exit", "stderr"],
                [
                    [c["repo"], c["path"], c["command"], "timeout" if c["timeout"] else c["rc"], c["stderr"][:120]]
                    for c in report["crashes"]
                ],
            )
        )
    else:
        out.append("None.")
    out.append(f"\nUnreadable input (exit 2): {len(report['unreadable'])} feature runs.")
    out.append("\n### `speckit check` at each repository root\n")
    codes = Counter(str(r["rc"]) for r in report["roots"])
    out.append(md_table(["exit code", "repositories"], sorted(codes.items())))
    out.append("\n### Findings per rule\n")
    out.append(rule_markdown(report["rules"]))
    out.append("\n### Findings per feature (default settings)\n")
    pf, ef = report["per_feature"], report["errors_per_feature"]
    out.append(
        md_table(
            ["", "features", "median", "mean", "p90", "max"],
            [
                ["findings", pf["n"], f"{pf['median']:g}", pf["mean"], f"{pf['p90']:g}", f"{pf['max']:g}"],
                ["errors", ef["n"], f"{ef['median']:g}", ef["mean"], f"{ef['p90']:g}", f"{ef['max']:g}"],
            ],
        )
    )
    out.append("\n### Recall of the parser against the census\n")
    out.append(
        md_table(
            ["object", "census", "found", "recall", "target", "status", "parser has", "census lacks"],
            [
                [
                    k,
                    r["census"],
                    r["found"],
                    percent(r["recall"]),
                    f">= {r['target']:.0%}",
                    r["status"],
                    r["parser"],
                    r["extra"],
                ]
                for k, r in report["recall"].items()
            ],
        )
    )
    if report["recall_excluded"]:
        out.append(
            f"\nRecall leaves out {len(report['recall_excluded'])} features whose `show` gave no model"
            " (crashes and unreadable input above)."
        )
    labels = report["labels"]
    out.append(
        f"\nLabels: {labels['total']} ({labels['matched']} match a current finding, {labels['stale']} stale, "
        f"{labels['other_commit']} at another commit, {labels['not_in_run']} of repositories not in this run)."
    )
    return "\n".join(out) + "\n"


def rule_markdown(rules: dict[str, dict[str, Any]]) -> str:
    rows = []
    for rule, row in sorted(rules.items(), key=lambda item: (-item[1]["total"], item[0])):
        if not row["total"] and row["default"] == "off":
            continue
        sev = row["severities"]
        rows.append(
            [
                rule,
                row["default"],
                sev.get("error", 0),
                sev.get("warning", 0),
                sev.get("info", 0),
                row["total"],
                f"{row['labelled']} / {row['unlabelled']}",
                f"{row['true']} / {row['false']} / {row['debatable']}",
                percent(row["precision"]),
                row["status"],
            ]
        )
    return md_table(
        [
            "rule",
            "default",
            "error",
            "warning",
            "info",
            "total",
            "labelled / unlabelled",
            "true / false / debatable",
            "precision",
            "status",
        ],
        rows,
    )


def detail_markdown(report: dict[str, Any], misses: list[Miss]) -> str:
    out = ["\n## Detail\n", "### Repositories\n"]
    roots = {r["repo"]: r for r in report["roots"]}
    out.append(
        md_table(
            [
                "repo",
                "commit",
                "language",
                "features (manifest / found)",
                "root check exit",
                "root findings",
                "note (root check stderr)",
            ],
            [
                [
                    p["repo"],
                    p["commit"],
                    p["language"],
                    f"{p['manifest_features'] or '?'} / {p['features']}",
                    roots.get(p["repo"], {}).get("rc", "—"),
                    roots.get(p["repo"], {}).get("findings", "—"),
                    "; ".join(x for x in (p["detail"], roots.get(p["repo"], {}).get("stderr", "")[:120]) if x),
                ]
                for p in report["corpus"]["per_repo"]
            ],
        )
    )
    if report["unreadable"]:
        out.append("\n### Unreadable features (exit 2)\n")
        out.append(
            md_table(
                ["repo", "feature", "show", "check", "stderr"],
                [[u["repo"], u["path"], u["show"], u["check"], u["stderr"][:120]] for u in report["unreadable"]],
            )
        )
    out.append("\n### Misses by shape (first 15 per object type; all in the .misses.tsv file)\n")
    for kind in RECALL_TYPES:
        mine = [m for m in misses if m.kind == kind]
        if mine:
            out.append(f"\n#### {kind}: {len(mine)} missed\n")
            out.append(
                md_table(
                    ["repo", "path:line", "id", "note", "text"],
                    [
                        [m.repo, f"{m.path}:{m.line}", m.ident, m.note, f"`{m.text}`" if m.text else ""]
                        for m in mine[:15]
                    ],
                )
            )
    t = report["timing"]
    out.append(
        f"\nTiming: show median {t['show_median']} s (max {t['show_max']}), "
        f"check median {t['check_median']} s (max {t['check_max']}); "
        f"wall {report.get('wall_seconds', 0)} s with {report.get('jobs')} jobs."
    )
    return "\n".join(out) + "\n"


def timing_line(report: dict[str, Any]) -> str:
    start, end = report["load"]
    return (
        f"Wall time {report['wall_seconds']} s with {report['jobs']} jobs; the speckit processes used "
        f"{report['cpu_seconds']} s of CPU (an idle machine with {report['jobs']} cores needs about "
        f"{report['cpu_seconds'] / max(1, report['jobs']):.0f} s); load average {start} at the start, {end} at the end."
    )


def write_outputs(base: Path, report: dict[str, Any], misses: list[Miss]) -> str:
    base.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"# speckit on real repositories\n\nGenerated {report['generated']} by `python benchmarks/realworld.py` "
        f"(speckit {report['speckit']}, commit {report['commit']}). {timing_line(report)}\n\n"
    )
    summary = summary_markdown(report)
    Path(f"{base}.md").write_text(head + summary + detail_markdown(report, misses), encoding="utf-8")
    Path(f"{base}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(f"{base}.misses.tsv", "w", encoding="utf-8") as handle:
        handle.write("kind\trepo\tpath\tline\tid\tnote\ttext\n")
        handle.writelines(
            "\t".join([m.kind, m.repo, m.path, str(m.line), m.ident, m.note, m.text.replace("\t", " ")]) + "\n"
            for m in sorted(misses, key=lambda m: (m.kind.startswith("extra:"), m.kind, m.repo, m.path, m.line))
        )
    return summary


# --------------------------------------------------------------------------------------------------
# Sampling findings to label
# --------------------------------------------------------------------------------------------------


def source_line(repo: str, path: str, line: int) -> str:
    target = CORPUS / repo.replace("/", "+") / path
    try:
        lines = re.split(r"\r\n|\r|\n", read_text(target))
    except OSError:
        return ""
    return short(lines[line - 1]) if 0 < line <= len(lines) else ""


def print_sample(findings: list[dict[str, Any]], rule: str, n: int, seed: int) -> None:
    """Unlabelled findings of RULE as labels.tsv rows (verdict and reason empty), then the message and
    the source line as two extra columns that the label reader ignores."""
    pool = [f for f in findings if fnmatch.fnmatch(f["rule"], rule) and not f.get("label")]
    pool.sort(key=lambda f: (f["repo"], f["path"], f["line"], f["rule"], f["message"]))
    chosen = random.Random(seed).sample(pool, min(n, len(pool)))
    print(
        f"# {len(chosen)} of {len(pool)} unlabelled findings of {rule}; fill verdict (true|false|debatable) and reason",
        file=sys.stderr,
    )
    print("\t".join([*LABEL_COLUMNS, "message", "source"]))
    for f in sorted(chosen, key=lambda f: (f["repo"], f["path"], f["line"])):
        print(
            "\t".join(
                [
                    f["repo"],
                    f["commit"],
                    f["path"],
                    str(f["line"]),
                    f["rule"],
                    "",
                    "",
                    f["message"].replace("\t", " "),
                    source_line(f["repo"], f["path"], f["line"]),
                ]
            )
        )


# --------------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------------


def select(repos: list[Repo], only: list[str] | None) -> list[Repo]:
    if not only:
        return repos
    chosen = [r for r in repos if any(fnmatch.fnmatch(r.repo, pattern) or r.key == pattern for pattern in only)]
    if not chosen:
        raise SystemExit(f"--only {' '.join(only)}: no such repository in the manifest")
    return chosen


def progress(done: int, total: int, started: float) -> None:
    if sys.stderr.isatty() or done == total or done % 50 == 0:
        print(
            f"\r  {done}/{total} jobs, {time.perf_counter() - started:.0f} s",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )


def run_all(runner: Runner, repos: list[Repo], jobs: int) -> tuple[list[FeatureResult], list[RootResult]]:
    """Every feature and every root through speckit, --jobs processes at a time (threads only wait)."""
    results: list[FeatureResult] = []
    roots: list[RootResult] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for repo in pool.map(materialise, repos):
            print(f"  {repo.repo}: {repo.status} {repo.detail}".rstrip(), file=sys.stderr)
        ready = [r for r in repos if r.status == "ok"]
        futures: list[concurrent.futures.Future[Any]] = [pool.submit(run_root, runner, r) for r in ready]
        futures += [pool.submit(run_feature, runner, r, f) for r in ready for f in discover(Path(r.root))]
        started = time.perf_counter()
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            value = future.result()
            (roots if isinstance(value, RootResult) else results).append(value)
            progress(done, len(futures), started)
    results.sort(key=lambda r: (r.repo, r.path))
    roots.sort(key=lambda r: r.repo)
    return results, roots


def speckit_version(runner: Runner) -> str:
    done = subprocess.run([*runner.command, "--version"], capture_output=True, text=True, env=runner.env, check=False)
    return done.stdout.strip().rsplit(" ", 1)[-1] if done.returncode == 0 else "?"


def head_commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "?"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_report(args: argparse.Namespace) -> tuple[dict[str, Any], list[Miss]]:
    started, cpu, load = time.perf_counter(), children_cpu(), os.getloadavg()[0]
    repos = read_manifest(Path(args.manifest))
    if not repos:
        repos = mirrors_on_disk()
        print(f"{args.manifest}: no rows yet; using the {len(repos)} mirrors under {MIRRORS} at HEAD", file=sys.stderr)
    repos = select(repos, args.only)
    with tempfile.TemporaryDirectory(prefix="speckit-realworld-") as cache:
        runner = make_runner(Path(cache))
        rules = list_rules(runner)
        results, roots = run_all(runner, repos, args.jobs)
        version = speckit_version(runner)
    report = aggregate(repos, results, roots, read_labels(Path(args.labels)), rules)
    report.update(
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        speckit=version,
        commit=head_commit(),
        jobs=args.jobs,
        only=args.only or [],
        wall_seconds=round(time.perf_counter() - started, 1),
        cpu_seconds=round(children_cpu() - cpu, 1),  # speckit's (and git's) processes, user + system
        load=[round(load, 2), round(os.getloadavg()[0], 2)],  # 1-minute load average at start and end
        features=[feature_row(r) for r in results],
        repos=[asdict(r) for r in repos],
    )
    return report, [m for r in results for m in r.misses]


def feature_row(result: FeatureResult) -> dict[str, Any]:
    return {
        "repo": result.repo,
        "path": result.path,
        "documents": result.documents,
        "show": asdict(result.show),
        "check": asdict(result.check),
        "findings": len(result.findings),
        "errors": sum(f["severity"] == "error" for f in result.findings),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="See the module docstring and benchmarks/realworld/README.md."
    )
    parser.add_argument("--only", nargs="+", metavar="REPO", help="only these repositories (owner/name, or a glob)")
    parser.add_argument("--jobs", type=int, default=2, help="speckit processes at once (default 2)")
    parser.add_argument(
        "--out", default=str(DATA / "report"), help="output base: writes BASE.md, BASE.json, BASE.misses.tsv"
    )
    parser.add_argument("--manifest", default=str(MANIFEST), help="repos.tsv (default: %(default)s)")
    parser.add_argument("--labels", default=str(LABELS), help="labels.tsv (default: %(default)s)")
    parser.add_argument("--markdown-summary", action="store_true", help="print only the summary tables")
    parser.add_argument(
        "--sample", metavar="RULE", help="print unlabelled findings of RULE (a glob) as labels.tsv rows"
    )
    parser.add_argument("--n", type=int, default=25, help="with --sample: how many (default 25)")
    parser.add_argument("--seed", type=int, default=1, help="with --sample: the random seed (default 1)")
    parser.add_argument("--fresh", action="store_true", help="with --sample: run first, even if BASE.json exists")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = Path(args.out)
    if args.sample and not args.fresh and Path(f"{base}.json").is_file():
        report = json.loads(Path(f"{base}.json").read_text(encoding="utf-8"))
        labels = {label.key: label.verdict for label in read_labels(Path(args.labels))}
        for finding in report["findings"]:
            finding["label"] = labels.get(finding_key(finding), "")
        print_sample(report["findings"], args.sample, args.n, args.seed)
        return 0
    report, misses = build_report(args)
    summary = write_outputs(base, report, misses)
    if args.sample:
        print_sample(report["findings"], args.sample, args.n, args.seed)
        return 0
    if args.markdown_summary:
        print(summary, end="")
    else:
        print(
            f"# speckit on real repositories\n\n{summary}\n{timing_line(report)}\n"
            f"Wrote {base}.md, {base}.json, {base}.misses.tsv"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
