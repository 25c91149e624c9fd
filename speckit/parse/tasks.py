"""tasks.md -> phases and tasks, with their labels, references, files and dependencies.

A task is a list item with a checkbox, or one that starts with a task id. Checkbox lines inside
code fences and HTML comments are examples, never tasks; template notes such as ``- [P] tasks =
different files`` have neither a checkbox nor an id. Tasks written as table rows (ID / Task /
Depends / Status columns) count too.
"""

from __future__ import annotations

import re

from speckit.model import Diagnostic, Phase, StoryDependency, Task, TaskList, TaskState
from speckit.parse import blocks as b
from speckit.parse import ids
from speckit.parse.common import META, clean, diag, document_fields, files_in
from speckit.parse.plan import CHECKBOX_STATE, PHASE, SHELL, code_model, status_state, table_kind
from speckit.parse.spec import PRIORITY, SHORT_PRIORITY, STORY_HEADING

LABEL = re.compile(r"^\s*(?:\*\*|__|`)?\[([^\]\n]{1,40})\](?:\*\*|__|`)?")
NOT_TASK_SECTION = re.compile(r"depend|execution order|parallel (?:example|opportunit)|notes?$|strategy|legend|format", re.I)
PHASE_KINDS = (
    ("setup", re.compile(r"\bsetup\b|initiali[sz]ation|セットアップ|设置|準備", re.I)),
    ("foundational", re.compile(r"foundation|blocking prerequisite|基盤|基础", re.I)),
    ("polish", re.compile(r"polish|cross[- ]cutting|仕上げ|完善", re.I)),
)


def extract(parsed: b.Parsed, path: str, ref_prefixes: tuple[str, ...] = ids.REF_PREFIXES) -> tuple[TaskList, list[Task], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    refs = ids.ref_pattern(ref_prefixes)
    phases: list[Phase] = []
    tasks: list[tuple[Task, list[str]]] = []
    story_deps: list[StoryDependency] = []
    prose: list[tuple[int, str]] = []
    current: Phase | None = None
    current_level = 0
    ancestors: list[b.Section] = []
    for section in parsed.sections()[1:]:
        while ancestors and ancestors[-1].level >= section.level:
            ancestors.pop()
        ancestors.append(section)
        phase = _phase(section)
        if phase is not None:
            current, current_level = phase, section.level
            phases.append(phase)
        elif current is not None and section.level <= current_level:
            current = None
        prose_only = any(NOT_TASK_SECTION.search(s.title) for s in ancestors)
        for block in section.blocks:
            if isinstance(block, b.Para) and current is not None and re.match(r"^\s*(\*\*|__)?Checkpoint", block.text, re.I):
                meta = META.match(block.text.strip())
                checkpoint = clean(meta.group(2)) if meta else clean(block.text)
                current = current.model_copy(update={"checkpoint": checkpoint})
                phases[-1] = current
            elif isinstance(block, b.TableBlock):
                kind = table_kind([clean(h) for h in block.headers])
                if kind == "tasks":
                    tasks.extend(_table_tasks(block, current, refs))
                elif kind == "dependencies":
                    story_deps.extend(_story_dependencies(block))
        for item, text_line, text in _items(section.blocks):
            if text_line in parsed.code_lines or text_line in parsed.comment_lines:
                continue
            found = _task(item, text, current, refs, prose_only, path, diagnostics)
            if found is None:
                prose.append((text_line, text))
            else:
                tasks.append(found)
        prose.extend((blk.line, blk.text) for blk in section.blocks if isinstance(blk, b.Para))
    task_list = TaskList(**document_fields(parsed, path), phases=phases, story_dependencies=story_deps)
    final = _apply_prose_dependencies(tasks, prose)
    diagnostics.extend(_duplicates(final, path))
    return task_list, final, diagnostics


def _duplicates(tasks: list[Task], path: str) -> list[Diagnostic]:
    """Both copies of a duplicated id stay in the model (content never vanishes); say so once per copy."""
    first: dict[str, int] = {}
    out: list[Diagnostic] = []
    for task in tasks:
        if task.id is None:
            continue
        if task.id in first:
            out.append(diag("parse/duplicate-id", f"task id {task.id} is also used on line {first[task.id]}: both are kept",
                            path, task.line, hint="renumber one of them"))
        else:
            first[task.id] = task.line
    return out


def _phase(section: b.Section) -> Phase | None:
    match = PHASE.match(section.title)
    title = match.group(2).strip() if match else section.title
    story = STORY_HEADING.match(title)
    kind = next((k for k, pattern in PHASE_KINDS if pattern.search(title)), None)
    if match is None and story is None and kind is None:
        return None
    if match is None and section.level > 3:
        return None
    priority = PRIORITY.search(title) or SHORT_PRIORITY.search(title)
    stories = [f"US{int(story.group(1))}"] if story else ids.story_ids(" ".join(re.findall(r"\[([^\]]+)\]", title)))
    return Phase(
        number=match.group(1) if match else None,
        title=title,
        kind="story" if stories else (kind or "other"),  # type: ignore[arg-type]
        stories=stories,
        priority=priority.group(1).strip() if priority else None,
        mvp="MVP" in title,
        line=section.line,
        end_line=section.end_line,
    )


def _items(blocks: list[b.Block]) -> list[tuple[b.Item, int, str]]:
    """Top-level and nested list items of a section body, in order, with the line of their text."""
    out: list[tuple[b.Item, int, str]] = []
    stack: list[b.Block] = list(reversed(blocks))
    while stack:
        block = stack.pop()
        if isinstance(block, b.ListBlock):
            stack.extend(reversed(block.items))
        elif isinstance(block, b.Quote):
            stack.extend(reversed(block.blocks))
        elif isinstance(block, b.Item):
            out.append((block, block.line, block.text or ""))
            stack.extend(reversed([c for c in block.blocks if isinstance(c, (b.ListBlock, b.Quote))]))
    return out


def _leading(text: str) -> tuple[str | None, list[str], int]:
    """Read the id and the bracketed labels at the start of a task's text."""
    task_id = None
    labels: list[str] = []
    pos = 0
    while True:
        rest = text[pos:]
        stripped = len(rest) - len(rest.lstrip())
        label = LABEL.match(rest)
        if label and (label.group(1)[:1].isupper() or label.group(1)[:1].isdigit()):
            labels.append(label.group(1).strip())
            pos += label.end()
            continue
        if task_id is None:
            lead = ids.LEADING_ID.match(rest[stripped:])
            if lead:
                task_id = lead.group(1)
                pos += stripped + lead.end()
                continue
        return task_id, labels, pos + stripped


def _task(item: b.Item, text: str, phase: Phase | None, refs: re.Pattern[str], prose_only: bool,
          path: str, diagnostics: list[Diagnostic]) -> tuple[Task, list[str]] | None:
    """A list item -> (task, ids the task says it blocks), or None when the item is not a task."""
    text = b.strip_comments(text)
    task_id, labels, pos = _leading(text)
    if item.checkbox is None:
        rest = text[pos:].lstrip()
        if task_id is None or prose_only or re.match(r"^(?:→|->|⟶|blocks|depends|after|before|and\b|,|&)", rest, re.I):
            return None
    state: TaskState = CHECKBOX_STATE.get(item.checkbox or " ", "open")
    if re.match(r"^\s*~~.+?~~", text):
        state = "struck"
    parallel, stories, other, ref_ids = _sort_labels(labels, refs)
    body = text[pos:]
    extra = _child_text(item)
    full = f"{text}\n{extra}" if extra else text
    depends, blocks, problems = ids.dependencies(full)
    for problem in problems:
        diagnostics.append(diag("parse/dependency-phrase", f"task {task_id or '(no id)'}: {problem}", path, item.line,
                                hint="name the tasks by id, e.g. '(depends on T012, T013)'"))
    ref_ids.extend(refs.findall(full))
    task = Task(
        id=task_id,
        title=_title(body),
        text=clean(text),
        state=state,
        parallel=parallel,
        stories=list(dict.fromkeys(stories)),
        labels=other,
        refs=list(dict.fromkeys(ref_ids)),
        files=files_in(f"{body}\n{extra}" if extra else body),
        depends_on=depends,
        phase=_phase_key(phase),
        commands=[code_model(c) for c in item.blocks if isinstance(c, b.Code) and c.language in SHELL],
        line=item.text_line or item.line,  # where the text (and its id) starts
        end_line=item.end_line,
    )
    return task, blocks


def _sort_labels(labels: list[str], refs: re.Pattern[str]) -> tuple[bool, list[str], list[str], list[str]]:
    """Bracketed labels -> (parallel, story ids, other labels, requirement ids)."""
    parallel = False
    stories: list[str] = []
    other: list[str] = []
    ref_ids: list[str] = []
    for label in labels:
        for part in (p.strip() for p in re.split(r"\]\s*\[", label)):
            if part == "P":
                parallel = True
            elif STORY_LABEL.fullmatch(part):
                stories.extend(ids.story_ids(part))
            elif refs.fullmatch(part):
                ref_ids.append(part)
            else:
                other.append(part)
    return parallel, stories, other, ref_ids


STORY_LABEL = re.compile(r"(?:[A-Z][A-Z0-9]*-)?US[-_ ]?\d+(?:\s*[/,、]\s*(?:[A-Z][A-Z0-9]*-)?US[-_ ]?\d+)*")
_DEP_PAREN = re.compile(
    r"\s*[(（]\s*(?:depends?\s+on|dependent\s+on|deps?\s*:|dependenc(?:y|ies)\s*:|after|blocked\s+by|requires|blocks)"
    r"[^)）]*[)）]",
    re.I,
)


def _phase_key(phase: Phase | None) -> str | None:
    return (phase.number or phase.title) if phase else None


def _title(body: str) -> str:
    """The task's description: dependency parentheses and emphasis removed."""
    body = re.sub(r"~~(.*?)~~", r"\1", body).replace("~~", "")  # struck tasks keep state "struck"
    return clean(_DEP_PAREN.sub("", body)).strip(" :-–—") or clean(body)


def _child_text(item: b.Item) -> str:
    """Text of the item's own sub-bullets and paragraphs (``- **Depends on T009**``), not of subtasks."""
    parts: list[str] = []
    stack: list[b.Block] = list(reversed(item.blocks))
    while stack:
        block = stack.pop()
        if isinstance(block, b.Para):
            parts.append(block.text)
        elif isinstance(block, b.ListBlock):
            stack.extend(reversed(block.items))
        elif isinstance(block, b.Item):
            if block.checkbox is None and not ids.LEADING_ID.match((block.text or "").lstrip()):
                parts.append(block.text or "")
                stack.extend(reversed(block.blocks))
    return "\n".join(b.strip_comments(p) for p in parts)


def _table_tasks(block: b.TableBlock, phase: Phase | None, refs: re.Pattern[str]) -> list[tuple[Task, list[str]]]:
    headers = [clean(h).lower() for h in block.headers]
    col_id = next(i for i, h in enumerate(headers) if h in ("id", "task id"))
    col_title = next((i for i, h in enumerate(headers) if h in ("task", "description", "title")), None)
    col_dep = next((i for i, h in enumerate(headers) if "depend" in h), None)
    col_status = next((i for i, h in enumerate(headers) if h in ("status", "state", "done")), None)
    col_owner = next((i for i, h in enumerate(headers) if h in ("owner", "assignee", "who")), None)
    out: list[tuple[Task, list[str]]] = []
    for line, cells in block.rows:
        if col_id >= len(cells):
            continue
        lead = ids.LEADING_ID.match(clean(cells[col_id]))
        if not lead:
            continue
        def cell(index: int | None) -> str:
            return clean(cells[index]) if index is not None and index < len(cells) else ""
        _, labels, label_end = _leading(cell(col_title))
        title = _title(cell(col_title)[label_end:])
        parallel, stories, other, label_refs = _sort_labels(labels, refs)
        deps_text = cell(col_dep)
        depends = ids.id_list_at(deps_text, 0)[0] if deps_text else []
        depends += [d for d in ids.TASK_ID.findall(deps_text) if d not in depends]
        status = cell(col_status)
        state: TaskState = status_state(status) if status else "open"
        row_text = " | ".join(clean(c) for c in cells)
        task = Task(
            id=lead.group(1), title=title, text=row_text, state=state, parallel=parallel,
            stories=list(dict.fromkeys(stories)), labels=other,
            refs=list(dict.fromkeys(label_refs + refs.findall(row_text))), files=files_in(title),
            depends_on=depends, phase=_phase_key(phase), owner=cell(col_owner) or None, line=line, end_line=line,
        )
        out.append((task, []))
    return out


def _story_dependencies(block: b.TableBlock) -> list[StoryDependency]:
    out: list[StoryDependency] = []
    for line, cells in block.rows:
        if len(cells) < 2:
            continue
        story = ids.story_ids(cells[0]) or re.findall(r"(?:Story|ストーリー|故事)\s*(\d+)", cells[0])
        dep_col = next((i for i, h in enumerate(block.headers) if "depend" in h.lower()), 1)
        if not story or dep_col >= len(cells):
            continue
        deps = ids.story_ids(cells[dep_col]) or [f"US{n}" for n in re.findall(r"(?:Story|US)\s*(\d+)", cells[dep_col])]
        first = story[0] if story[0].startswith("US") else f"US{story[0]}"
        out.append(StoryDependency(story=first, depends_on=deps, line=line, end_line=line))
    return out


def _apply_prose_dependencies(found: list[tuple[Task, list[str]]], prose: list[tuple[int, str]]) -> list[Task]:
    """Fold ``T008 blocks T009`` and arrow chains ``T008 → T009`` into the waiting task's depends_on."""
    extra: dict[str, list[str]] = {}
    for task, blocked in found:
        for other in blocked:
            if task.id:
                extra.setdefault(other, []).append(task.id)
    for _, text in prose:
        for chain in ids.arrow_chains(text):
            for before, after in zip(chain, chain[1:]):
                for waiting in after:
                    extra.setdefault(waiting, []).extend(before)
        for match in re.finditer(rf"({ids._ID})\s+blocks\s+", text):
            for waiting in ids.id_list_at(text, match.end())[0]:
                extra.setdefault(waiting, []).append(match.group(1))
    tasks: list[Task] = []
    for task, _ in found:
        more = [d for d in extra.get(task.id or "", []) if d not in task.depends_on and d != task.id]
        if more:
            task = task.model_copy(update={"depends_on": task.depends_on + list(dict.fromkeys(more))})
        tasks.append(task)
    return tasks
