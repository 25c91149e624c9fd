"""plan.md -> Plan: sections with their tables, code and checklists; phases, steps, gates,
critical-path chains, validation criteria, SLOs and required artifacts.

Two styles meet here: Spec Kit's (``## Technical Context`` with nine ``**Key**: value`` lines, a
``*GATE: ...*`` constitution check) and the seed's release-procedure style (numbered headings, steps
whose fenced ``bash`` blocks are the commands, ``Layer | Check | Pass Criteria`` tables, a critical
path written with arrows, approval gates marked HITL or automated).
"""

from __future__ import annotations

import re

from speckit.model import (
    Artifact,
    Chain,
    CheckItem,
    Code,
    Criterion,
    Diagnostic,
    Gate,
    Paragraph,
    Plan,
    PlanPhase,
    Row,
    Step,
    Table,
    TaskState,
)
from speckit.model import Section as SectionModel
from speckit.parse import blocks as b
from speckit.parse.common import clean, diag, document_fields, metadata, paragraphs

SHELL = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession"})
# Numbered (Phase 3.5, Phase 2a) and lettered (Phase U, Phase FIN, Phase X: Misc) phases.
PHASE = re.compile(
    r"^(?i:Phase|フェーズ|阶段|段階|Fase|Étape)\s*(\d+(?:\.\d+)*[a-z]?|[A-Z]{1,4}(?![A-Za-z]))(?!\w|\.\d)\s*[:：\-–—.]?\s*(.*)$"
)
GATE_NOUN = re.compile(r"\bgates?\b", re.I)
GATE_WORD = re.compile(r"\b(?:gates?|approvals?|sign[- ]?offs?)\b", re.I)
HUMAN = re.compile(r"\b(?:HITL|human|manual(?:ly)?|approval required|requires approval|sign[- ]?off)\b", re.I)
AUTOMATED = re.compile(r"\b(?:automated|automatic(?:ally)?|CI)\b", re.I)
ARROW_SPLIT = re.compile(r"\s*(?:→|->|⟶|=>)\s*")
CRITICAL = re.compile(r"critical[ -]path|关键路径|クリティカルパス", re.I)
TECH_CONTEXT = re.compile(r"technical context|技術的コンテキスト|技术上下文", re.I)

DONE_WORDS = re.compile(r"✅|✔|☑|\b(?:done|complete[d]?|created|pass(?:ed)?|yes|approved|merged|shipped)\b", re.I)
OPEN_WORDS = re.compile(
    r"⏳|❌|🔄|\b(?:pending|todo|to do|tbd|in progress|creating|wip|blocked|fail(?:ed)?|no|deferred)\b", re.I
)
PARTIAL_WORDS = re.compile(r"🔄|\b(?:in progress|creating|partial|wip)\b", re.I)
CHECKBOX_STATE: dict[str, TaskState] = {" ": "open", "x": "done", "X": "done", "~": "partial", "!": "open"}


def status_state(status: str) -> TaskState:
    """A status cell ("✅ Created", "⏳ Pending", "IN PROGRESS") -> open, partial or done."""
    if PARTIAL_WORDS.search(status):
        return "partial"
    if OPEN_WORDS.search(status):
        return "open"
    if DONE_WORDS.search(status):
        return "done"
    return "open"


def table_kind(headers: list[str]) -> str | None:
    h = [x.lower() for x in headers]
    joined = " | ".join(h)
    if "pass criteria" in joined or ("check" in joined and "criteria" in joined):
        return "validation"
    if any("artifact" in x for x in h) and any("path" in x or "location" in x for x in h):
        return "artifacts"
    if h and (h[0] == "slo" or ("slo" in joined and "target" in joined)):
        return "slo"
    if any(x in ("gate", "approval", "approval gate") for x in h):
        return "gates"
    # Task tables (ID / Task / Depends / Owner / Status) have a Depends column too: test them first.
    if any(x in ("id", "task id", "task") for x in h) and any(x in ("task", "description", "title") for x in h) \
            and h[0] in ("id", "task id", "task", "#"):
        return "tasks"
    if any("depend" in x for x in h):
        return "dependencies"
    if "status" in h and any(x in ("task", "item", "check") for x in h):
        return "checklist"
    return None


def extract(parsed: b.Parsed, path: str) -> tuple[Plan, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    sections = [_section(child) for child in parsed.root.children]
    flat = parsed.sections()[1:]
    phase_of = _phases_by_section(flat)
    gates, gate_ids = _gates(flat, phase_of)
    steps = _steps(flat, phase_of, gate_ids)
    tech: dict[str, str] = {}
    for section in flat:
        if TECH_CONTEXT.search(section.title):
            for block in section.blocks:
                if isinstance(block, b.Para):
                    tech.update(metadata(block.text))
    tables = [(s, blk) for s in flat for blk in s.blocks if isinstance(blk, b.TableBlock)]
    tables += [(parsed.root, blk) for blk in parsed.root.blocks if isinstance(blk, b.TableBlock)]
    plan = Plan(
        **document_fields(parsed, path),
        technical_context=tech,
        sections=sections,
        phases=_phases(flat),
        steps=steps,
        gates=gates + _table_gates(tables, gate_ids),
        artifacts=_artifacts(tables),
        criteria=_criteria(tables),
        chains=_chains(flat),
    )
    diagnostics.extend(_broken_tables(parsed, path))
    return plan, diagnostics


def _section(section: b.Section) -> SectionModel:
    """Block section -> model section (recursion is bounded: headings nest at most six deep)."""
    checklist: list[CheckItem] = []
    items: list[Paragraph] = []
    tables: list[Table] = []
    code: list[Code] = []
    for block, _ in b.walk(section.blocks):
        if isinstance(block, b.Item):
            if block.checkbox is not None:
                checklist.append(check_item(block))
            elif block.text:
                items.append(Paragraph(text=clean(block.text), line=block.line, end_line=block.end_line))
        elif isinstance(block, b.TableBlock):
            tables.append(table_model(block))
        elif isinstance(block, b.Code):
            code.append(code_model(block))
    return SectionModel(
        level=section.level,
        number=section.number,
        title=section.title,
        anchor=section.anchor,
        line=section.line,
        end_line=section.end_line,
        paragraphs=paragraphs(section),
        items=items,
        tables=tables,
        code=code,
        checklist=checklist,
        children=[_section(child) for child in section.children],
    )


def check_item(item: b.Item) -> CheckItem:
    text = clean(item.text or "")
    state = CHECKBOX_STATE.get(item.checkbox or " ", "open")
    match = re.match(r"^(CHK-?\d+)\s*[-–—:.]?\s*", text)
    # No "[" inside a tag: on a run of "[[[[" the pattern then fails fast (linear, not quadratic).
    tags = [t.strip() for group in re.findall(r"\[([^\[\]]+)\]\s*$", text) for t in group.split(",")]
    return CheckItem(
        id=match.group(1) if match else None,
        text=text[match.end() :] if match else text,
        state=state,
        tags=tags,
        line=item.text_line or item.line,  # where the text (and its id) starts
        end_line=item.end_line,
    )


def table_model(block: b.TableBlock) -> Table:
    return Table(
        headers=[clean(h) for h in block.headers],
        rows=[Row(cells=[clean(c) for c in cells], line=line, end_line=line) for line, cells in block.rows],
        kind=table_kind([clean(h) for h in block.headers]),
        line=block.line,
        end_line=block.end_line,
    )


def code_model(block: b.Code) -> Code:
    return Code(language=block.language, info=block.info, text=block.text, line=block.line, end_line=block.end_line)


def _is_phase(section: b.Section) -> bool:
    """``Phase 2: BUILD`` heads a phase; ``Phase 3.5 Validation Criteria`` (a table about the phase)
    does not. Without a separator after the number, the section must hold commands to count."""
    match = PHASE.match(section.title)
    if match is None or GATE_WORD.search(section.title):
        return False
    if re.match(r"^\S+\s+\d+(?:\.\d+)*[a-z]?\s*(?:[:：\-–—]|\.\s)", section.title):
        return True
    return any(_shell_blocks(s) for s in section.walk())


def _phases(flat: list[b.Section]) -> list[PlanPhase]:
    out: list[PlanPhase] = []
    for section in flat:
        match = PHASE.match(section.title)
        if match and _is_phase(section):
            out.append(PlanPhase(number=match.group(1), title=match.group(2).strip(), section=section.number,
                                 line=section.line, end_line=section.end_line))
    return out


def _phases_by_section(flat: list[b.Section]) -> dict[int, str | None]:
    """Section line -> number of the nearest enclosing (or own) ``Phase N`` heading."""
    out: dict[int, str | None] = {}
    stack: list[tuple[int, str | None]] = []
    for section in flat:
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        match = PHASE.match(section.title)
        inherited = stack[-1][1] if stack else None
        phase = match.group(1) if match and _is_phase(section) else inherited
        stack.append((section.level, phase))
        out[section.line] = phase
    return out


def _shell_blocks(section: b.Section) -> list[b.Code]:
    return [blk for blk in section.blocks if isinstance(blk, b.Code) and blk.language in SHELL]


def _gates(flat: list[b.Section], phase_of: dict[int, str | None]) -> tuple[list[Gate], set[int]]:
    gates: list[Gate] = []
    lines: set[int] = set()
    named_gates = any(GATE_NOUN.search(section.title) for section in flat)
    for section in flat:
        body = " ".join(clean(blk.text) for blk in section.blocks if isinstance(blk, b.Para))
        named = GATE_WORD.search(section.title) or re.match(r"^\*?\s*GATE\s*:", body)
        if not named or any(GATE_WORD.search(child.title) for child in section.children):
            continue
        text = f"{section.title} {body}"
        kind = "human" if HUMAN.search(text) else "automated" if AUTOMATED.search(text) else "unmarked"
        if kind == "unmarked" and _shell_blocks(section):
            continue  # "Phase 2: Gate checks" with commands and no mark is a step
        if (
            not GATE_NOUN.search(section.title)
            and phase_of.get(section.line)
            and (named_gates or _shell_blocks(section))
        ):
            # The seed's "3.1.4 HITL Approval" is a step of Phase 1 (its commands prepare the approval
            # file); the gate it feeds is "8.1 Phase 1 Gate". Counting both would double the gate, so a
            # heading inside a phase that only says "approval" is a human step when it holds commands
            # or when the plan names its gates elsewhere.
            continue
        own = PHASE.search(section.title) or re.search(r"\bPhase\s+(\d+(?:\.\d+)*)", section.title, re.I)
        gates.append(
            Gate(
                id=section.number or b.slugify(section.title),
                title=section.title,
                kind=kind,  # type: ignore[arg-type]
                phase=own.group(1) if own else phase_of.get(section.line),
                text=body,
                line=section.line,
                end_line=section.end_line,
            )
        )
        if kind == "human":
            lines.add(section.line)
    return gates, lines


def _table_gates(tables: list[tuple[b.Section, b.TableBlock]], taken: set[int]) -> list[Gate]:
    out: list[Gate] = []
    for _, table in tables:
        if table_kind([clean(h) for h in table.headers]) != "gates":
            continue
        for line, cells in table.rows:
            name = clean(cells[0]) if cells else ""
            if not name:
                continue
            text = " | ".join(clean(c) for c in cells)
            kind = "human" if HUMAN.search(text) else "automated" if AUTOMATED.search(text) else "unmarked"
            phase = re.search(r"\bPhase\s+(\d+(?:\.\d+)*)", name, re.I)
            out.append(Gate(id=b.slugify(name), title=name, kind=kind, phase=phase.group(1) if phase else None,  # type: ignore[arg-type]
                            text=text, line=line, end_line=line))
    return out


def _steps(flat: list[b.Section], phase_of: dict[int, str | None], gate_lines: set[int]) -> list[Step]:
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for section in flat:
        shell = _shell_blocks(section)
        if not shell or section.line in gate_lines:
            continue
        step_id = section.number or b.slugify(section.title) or f"line-{section.line}"
        if step_id in seen:
            seen[step_id] += 1
            step_id = f"{step_id}-{seen[step_id]}"
        else:
            seen[step_id] = 1
        steps.append(
            Step(id=step_id, title=section.title, phase=phase_of.get(section.line),
                 commands=[code_model(c) for c in shell], line=section.line, end_line=section.end_line,
                 # Human only when it says so: "E3 — Full Check Gate" running 'bun run check' is a
                 # step a machine runs; making it wait for a person stopped run.sh in CI (#11).
                 human=bool(HUMAN.search(section.title)))
        )
    return steps


def _column(headers: list[str], *names: str) -> int | None:
    lowered = [h.lower() for h in headers]
    for name in names:
        for index, header in enumerate(lowered):
            if name in header:
                return index
    return None


def _cell(cells: list[str], index: int | None) -> str:
    return clean(cells[index]) if index is not None and index < len(cells) else ""


def _artifacts(tables: list[tuple[b.Section, b.TableBlock]]) -> list[Artifact]:
    out: list[Artifact] = []
    for _, table in tables:
        headers = [clean(h) for h in table.headers]
        if table_kind(headers) != "artifacts":
            continue
        name, where, status = (
            _column(headers, "artifact"),
            _column(headers, "path", "location"),
            _column(headers, "status"),
        )
        for line, cells in table.rows:
            text = _cell(cells, status)
            out.append(Artifact(name=_cell(cells, name), path=_cell(cells, where).strip("`"), status=text,
                                state=status_state(text), line=line, end_line=line))
    return out


def _criteria(tables: list[tuple[b.Section, b.TableBlock]]) -> list[Criterion]:
    out: list[Criterion] = []
    for _, table in tables:
        headers = [clean(h) for h in table.headers]
        kind = table_kind(headers)
        if kind not in ("validation", "slo"):
            continue
        if kind == "validation":
            check, target = _column(headers, "check"), _column(headers, "pass criteria", "criteria")
        else:
            check, target = _column(headers, "measurement", "method", "check"), _column(headers, "target")
        for line, cells in table.rows:
            out.append(
                Criterion(kind=kind, name=_cell(cells, 0), check=_cell(cells, check), target=_cell(cells, target),  # type: ignore[arg-type]
                          cells={h: _cell(cells, i) for i, h in enumerate(headers)}, line=line, end_line=line)
            )
    return out


def _chains(flat: list[b.Section]) -> list[Chain]:
    out: list[Chain] = []
    for section in flat:
        if not CRITICAL.search(section.title):
            continue
        for line, text in b.blocks_text(section.blocks):
            for offset, raw in enumerate(text.split("\n")):
                nodes = [clean(n).strip("`*_ ") for n in ARROW_SPLIT.split(raw)]
                if len(nodes) > 1 and all(nodes):
                    out.append(Chain(nodes=nodes, line=line + offset, end_line=line + offset))
    return out


def _broken_tables(parsed: b.Parsed, path: str) -> list[Diagnostic]:
    """Pipe rows whose separator row was cut short (``|---|`` under a four-column header): a
    rendered copy, which Markdown then reads as plain paragraphs."""
    out: list[Diagnostic] = []
    lines = parsed.lines
    for index in range(1, len(lines)):
        sep = lines[index].strip()
        head = lines[index - 1].strip()
        if not re.fullmatch(r"\|?\s*:?-{3,}:?\s*\|?", sep) or not head.startswith("|"):
            continue
        columns = head.strip("|").count("|") + 1
        if columns > 1 and index + 1 not in parsed.code_lines:
            out.append(diag("parse/broken-table",
                            f"table separator row has 1 column but the header has {columns}: the table is read as text",
                            path, index + 1))
    return out
