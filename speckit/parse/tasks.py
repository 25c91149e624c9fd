"""tasks.md -> phases and tasks, with their labels, references, files and dependencies.

A task is a list item with a checkbox, or one that starts with a task id. Checkbox lines inside
code fences and HTML comments are examples, never tasks; template notes such as ``- [P] tasks =
different files`` have neither a checkbox nor an id. Tasks written as table rows (ID / Task /
Depends / Status columns) count too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from speckit.model import Diagnostic, Phase, StoryDependency, Task, TaskList, TaskState
from speckit.parse import blocks as b
from speckit.parse import ids
from speckit.parse.common import META, clean, diag, document_fields, files_in
from speckit.parse.plan import CHECKBOX_STATE, PHASE, SHELL, code_model, status_state, table_kind
from speckit.parse.spec import PRIORITY, SHORT_PRIORITY, STORY_HEADING

LABEL = re.compile(r"^\s*(?:\*\*|__|`)?\[([^\]\n]{1,40})\](?:\*\*|__|`)?")
PHASE_KINDS = (
    ("setup", re.compile(r"\bsetup\b|initiali[sz]ation|セットアップ|设置|準備", re.I)),
    ("foundational", re.compile(r"foundation|blocking prerequisite|基盤|基础", re.I)),
    ("polish", re.compile(r"polish|cross[- ]cutting|仕上げ|完善", re.I)),
)


HEADING_TASK = re.compile(
    rf"^\s*(?:\[(?P<box>[ xX~])\]\s*)?(?:~~)?(?:\*\*|__)?(?P<id>{ids._ID})(?![A-Za-z0-9_]|-\d|\.\d)(?:\*\*|__)?(?:~~)?"
    r"(?:\s*[:.)：—–-]\s*|\s+)(?P<title>.*)$"
)
_DONE_SUFFIX = re.compile(r"\s*(?:✅|✔️?|☑️?|\[[xX✓✔]\]|\((?:done|complete[d]?)\)|\b(?:DONE|COMPLETE)\b)\s*$")
HINT_CONTEXT = re.compile(
    r"suggest|recommend|mvp|strateg|single[- ]pr|\bPRs?\b|order of work|work order|sequenc|incremental|"
    r"推奨|推荐|建议|戦略|策略|順序|顺序|ordre|sugg[ée]r",
    re.I,
)
"""Words of a suggested order of work ('Suggested order', 'MVP scope', 'Single-PR strategy'): the
chains written there are order hints, never constraints."""
DEPENDENCY_SECTION = re.compile(
    r"depend|prerequisite|blocking|依存|依赖|前置|dépendance|dependencia|abhängigkeit|의존", re.I
)
NOT_TASK_SECTION = re.compile(
    r"depend|execution order|parallel|notes?\b|strategy|legend|format|summary|progress|overview|example|"
    r"validation checklist|verification checklist|"
    r"依存|並列|并行|平行|進捗|进度|実行順序|执行顺序|サマリー|概要|注意|備考|备注|例|병렬|의존|예시|참고|요약|"
    r"parall[èe]l|parallelo|paralelo|beispiel|exemple|ejemplo|abh[äa]ngigkeit|d[ée]pendance|dependencia|remarques",
    re.I,
)


def extract(
    parsed: b.Parsed, path: str, ref_prefixes: tuple[str, ...] = ids.REF_PREFIXES
) -> tuple[TaskList, list[Task], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    refs = ids.ref_pattern(ref_prefixes)
    phases: list[Phase] = []
    tasks: list[tuple[Task, list[str]]] = []
    story_deps: list[StoryDependency] = []
    prose: list[Prose] = []
    current: Phase | None = None
    current_level = 0
    ancestors: list[b.Section] = []
    heading_task: tuple[int, int] | None = None  # (index in tasks, level) of a task written as a heading
    table_rows: set[tuple[str | None, int]] = set()
    heading_ids: set[str | None] = set()
    defined: set[str | None] = set()  # ids of the tasks read so far
    for section in parsed.sections()[1:]:
        while ancestors and ancestors[-1].level >= section.level:
            ancestors.pop()
        ancestors.append(section)
        if heading_task is not None and section.level <= heading_task[1]:
            heading_task = None
        as_task = _heading_task(section, current, refs, path, diagnostics)
        if as_task is not None and as_task[0].id in defined:
            as_task = None  # "### T005 — why the wind stays out": a note on a task listed above
        if as_task is not None:
            task, blocked = as_task
            tasks.append((_with_body(task, section, refs, path, diagnostics), blocked))
            heading_task = (len(tasks) - 1, section.level)
            heading_ids.add(task.id)
            defined.add(task.id)
            continue
        phase = _phase(section, refs) if heading_task is None else None
        if phase is not None:
            current, current_level = phase, section.level
            phases.append(phase)
        elif current is not None and section.level <= current_level:
            current = None
        # Below the nearest phase heading (or anywhere, outside phases): a "Parallel example",
        # "Dependencies" or "Notes" heading holds mentions of tasks, not tasks.
        # A story heading under "## 병렬 실행 예시" (parallel examples) is no phase boundary (#11).
        below = ancestors[
            next((i for i in range(len(ancestors) - 1, -1, -1) if PHASE.match(ancestors[i].title)), -1) + 1 :
        ]
        prose_only = any(NOT_TASK_SECTION.search(s.title) for s in below)
        in_dependencies = any(DEPENDENCY_SECTION.search(s.title) for s in below)
        hint = bool(HINT_CONTEXT.search(section.title))
        for block in section.blocks:
            if (
                isinstance(block, b.Para)
                and current is not None
                and re.match(r"^\s*(\*\*|__)?Checkpoint", block.text, re.I)
            ):
                meta = META.match(block.text.strip())
                checkpoint = clean(meta.group(2)) if meta else clean(block.text)
                current = replace(current, checkpoint=checkpoint,
                                  refs=list(dict.fromkeys(current.refs + ids.refs_in(block.text, refs))))
                phases[-1] = current
            elif isinstance(block, b.Para) and current is not None and phases and phases[-1] is current:
                meta = META.match(block.text.strip())
                if meta and re.fullmatch(
                    r"(?i)user stor(?:y|ies)|stor(?:y|ies)|ストーリー|用户故事|스토리", meta.group(1).strip()
                ):
                    named = ids.story_ids(meta.group(2))  # "**User Story**: US1 - title" under the phase heading
                    if named:
                        current = replace(current, stories=list(dict.fromkeys(current.stories + named)), kind="story")
                        phases[-1] = current
                cited = ids.refs_in(block.text, refs)
                if cited:
                    current = replace(current, refs=list(dict.fromkeys(current.refs + cited)))
                    phases[-1] = current
            elif isinstance(block, b.TableBlock):
                kind = table_kind([clean(h) for h in block.headers])
                if kind == "tasks":
                    rows = _table_tasks(block, current, refs)
                    tasks.extend(rows)
                    defined.update(task.id for task, _ in rows)
                    table_rows.update((task.id, task.line) for task, _ in rows)
                elif kind == "dependencies":
                    story_deps.extend(_story_dependencies(block))
            elif isinstance(block, b.Code) and in_dependencies and block.language in DIAGRAM_LANGUAGES:
                prose.extend(Prose(block.line + n, line, True, hint, True)
                             for n, line in enumerate(block.text.split("\n"), start=1) if "T" in line)
        if heading_task is not None:
            index = heading_task[0]
            task, blocked = tasks[index]
            tasks[index] = (_with_body(task, section, refs, path, diagnostics), blocked)
            continue
        for item, text_line, text in _items(section.blocks):
            if text_line in parsed.code_lines or text_line in parsed.comment_lines:
                continue
            found = _task(item, text, current, refs, prose_only, path, diagnostics)
            again = found is not None and found[0].id is not None and found[0].id in defined
            if again and (prose_only or found[0].id in heading_ids or item.checkbox is None):  # type: ignore[index]
                # A task mentioned again (a parallel example, a checklist of heading tasks, a bullet
                # such as "- **T016 und T026 sind Nachweise**"): no second copy.
                found = None
            if found is None:
                prose.append(Prose(text_line, text, in_dependencies, hint))
            else:
                tasks.append(found)
                defined.add(found[0].id)
        prose.extend(
            Prose(blk.line, blk.text, in_dependencies, hint) for blk in section.blocks if isinstance(blk, b.Para)
        )
    task_list = TaskList(**document_fields(parsed, path), phases=phases, story_dependencies=story_deps)
    if table_rows:
        # A summary table (| T003 | file | US1 |) of tasks that the lists define is no second copy.
        listed = {task.id for task, _ in tasks if (task.id, task.line) not in table_rows}
        tasks = [(t, blocked) for t, blocked in tasks if (t.id, t.line) not in table_rows or t.id not in listed]
    final = _other_id_dependencies(_apply_prose_dependencies(tasks, prose))
    diagnostics.extend(_duplicates(final, path))
    return task_list, final, diagnostics


DIAGRAM_LANGUAGES = frozenset({"", "text", "txt", "plain", "plaintext", "mermaid", "ascii"})


@dataclass(slots=True)
class Prose:
    """A paragraph or a list item of tasks.md that is not a task, with where it stands."""

    line: int
    text: str
    in_dependencies: bool
    """Under a Dependencies heading, where statements between tasks are constraints."""
    hint: bool
    """Under a heading of a suggested order ('MVP scope', 'Suggested order'): chains are hints."""
    diagram: bool = False
    """A line of a fenced dependency diagram (``T001 --> T002``)."""


def _heading_task(section: b.Section, phase: Phase | None, refs: re.Pattern[str], path: str,
                  diagnostics: list[Diagnostic]) -> tuple[Task, list[str]] | None:
    """A task written as a heading: ``### T001: title``, ``### [X] T000: title``, ``### T001: title ✅``,
    ``### MSG-T001: title [x]``, ``## T1: title``; its body (``**Depends on**: T1``) is read later."""
    if section.level < 2:
        return None
    title = section.title if section.number is None else f"{section.number} {section.title}"
    match = HEADING_TASK.match(title)
    if not match:
        return None
    rest = match.group("title")
    state: TaskState = CHECKBOX_STATE.get(match.group("box") or " ", "open")
    box_after = re.match(r"\[([ xX~])\]\s*", rest)  # "### T036b [X] Implement ..."
    if box_after:
        state, rest = CHECKBOX_STATE.get(box_after.group(1), "open"), rest[box_after.end() :]
    done = _DONE_SUFFIX.search(rest)
    if done:
        state, rest = "done", rest[: done.start()]
    if title.lstrip().startswith("~~"):
        state = "struck"
    _, labels, pos = _leading(rest)
    parallel, stories, other, ref_ids = _sort_labels(labels, refs)
    body = rest[pos:]
    depends, blocked, _ = ids.dependencies(body)
    task = Task(
        id=match.group("id"),
        title=_title(body),
        text=clean(title),
        state=state,
        parallel=parallel,
        stories=list(dict.fromkeys(stories)),
        labels=other,
        refs=list(dict.fromkeys(ref_ids + ids.refs_in(title, refs))),
        files=files_in(body),
        depends_on=depends,
        phase=_phase_key(phase),
        line=section.line,
        end_line=section.end_line,
    )
    return task, blocked


def _with_body(task: Task, section: b.Section, refs: re.Pattern[str], path: str, diagnostics: list[Diagnostic]) -> Task:
    """Fold a heading task's own paragraphs and bullets into it: dependencies, files, references."""
    depends = list(task.depends_on)
    lines = dict(task.dependency_lines)
    hints = list(task.order_hints)
    files = list(task.files)
    cited = list(task.refs)
    state = task.state
    parts: list[tuple[int, str]] = [(blk.line, blk.text) for blk in section.blocks if isinstance(blk, b.Para)]
    parts += [(item.line, item.text or "") for item, _, _ in _items(section.blocks)]
    for line, text in parts:
        found, hinted = _dependency_part(text)
        for dep in found:
            if dep not in depends and dep != task.id:
                depends.append(dep)
                lines[dep] = line
        hints.extend(h for h in hinted if h not in hints and h != task.id)
        cited.extend(r for r in ids.refs_in(text, refs) if r not in cited)
        files.extend(f for f in files_in(text) if f not in files)
        meta = META.match(text.strip())
        if meta and re.search(r"status|状態|状态|statut|estado", meta.group(1), re.I) and state == "open":
            state = status_state(meta.group(2))
    boxes = [item.checkbox for item, _, _ in _items(section.blocks) if item.checkbox is not None]
    if state == "open" and boxes and all(box in "xX" for box in boxes):
        state = "done"  # every step of a heading task ticked
    return replace(task, depends_on=depends, dependency_lines=lines, order_hints=hints, files=files, refs=cited,
                   state=state)


_HINT_KEY = re.compile(r"verif|test|validat|accept|checkpoint|note|expect|done when|result|確認|検証|テスト|验证|测试|"
                       r"vérif|prueba|prüf", re.I)
_DEPENDS_KEY = re.compile(
    r"depend|prerequisite|blocked|requires|after|依存|依赖|前置|前提|dépend|prérequis|depende|precondici|"
    r"prerrequisito|abhängig|voraussetzung|의존|선행",
    re.I,
)


def _dependency_part(text: str) -> tuple[list[str], list[str]]:
    """A sub-bullet or paragraph of a task -> (dependencies, order hints).

    ``- **Depends on**: T1``, ``- **依存**: T101, T102`` and ``Dépend de T024.`` are dependencies;
    ``**Verify**: ... passes after T008 lands`` is a test note: its ids are only an order hint."""
    meta = META.match(text.strip())
    if meta:
        key, value = meta.group(1), meta.group(2)
        if _HINT_KEY.search(key) and not _DEPENDS_KEY.search(key):
            return [], ids.dependencies(value)[0]
        if _DEPENDS_KEY.search(key):
            listed = ids.id_list_at(value.strip(), 0)[0] or ids.dependencies(value)[0]
            return listed or [t for t in ids.TASK_ID.findall(value)], []
    return ids.dependencies(text)[0], []


def _duplicates(tasks: list[Task], path: str) -> list[Diagnostic]:
    """Both copies of a duplicated id stay in the model (content never vanishes); say so once per copy."""
    first: dict[str, int] = {}
    out: list[Diagnostic] = []
    for task in tasks:
        if task.id is None:
            continue
        if task.id in first:
            out.append(
                diag(
                    "parse/duplicate-id",
                    f"task id {task.id} is also used on line {first[task.id]}: both are kept",
                    path,
                    task.line,
                )
            )
        else:
            first[task.id] = task.line
    return out


def _phase(section: b.Section, refs: re.Pattern[str] | None) -> Phase | None:
    match = PHASE.match(section.title)
    title = match.group(2).strip() if match else section.title
    story = STORY_HEADING.match(title)
    kind = next((k for k, pattern in PHASE_KINDS if pattern.search(title)), None)
    if match is None and story is None and kind is None:
        return None
    if match is None and section.level > 3:
        return None
    priority = PRIORITY.search(title) or SHORT_PRIORITY.search(title)
    # "Phase 5: Resolver (US1, US2, US3)" is for those stories, as "[US1]" in the title is.
    if story:
        # "User Story 1 + US6 - title" is for both; a story id later in the title is only words.
        joined = re.match(r"(?:\s*(?:\+|&|/|,|and)\s*(?:US|User\s+Story\s*)[-_ ]?\d{1,3}[a-z]?)+", story.group(3), re.I)
        stories = list(
            dict.fromkeys(
                [f"US{int(story.group(1))}{story.group(2)}"]
                + ids.story_ids(re.sub(r"(?i)User\s+Story\s*", "US", joined.group(0)) if joined else "")
            )
        )
    else:
        stories = ids.story_ids(title)  # "Phase 5: Resolver (US1, US2, US3)"
    return Phase(
        number=match.group(1) if match else None,
        title=title,
        kind="story" if stories else (kind or "other"),  # type: ignore[arg-type]
        stories=stories,
        priority=priority.group(1).strip() if priority else None,
        mvp="MVP" in title,
        refs=ids.refs_in(title, refs) if refs is not None else [],
        line=section.line,
        end_line=section.end_line,
    )


def _items(blocks: list[b.Block]) -> list[tuple[b.Item, int, str]]:
    """Top-level and nested list items of a section body, in order, with the line of their text."""
    return [(block, block.line, block.text or "") for block, _ in b.walk(blocks) if isinstance(block, b.Item)]


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


_STATUS_EMOJI = re.compile(r"^\s*(?:✅|✔️?|☑️?|⏳|❌|🔄|🚧|⚠️?)\s*")
# A checkbox item may number its task without a T: "- [ ] R051 Audit ...", "- [ ] **D011** ...".
OTHER_ID = re.compile(r"(?:~~)?(?:\*\*|__|`)?([A-Z]{1,3}-?\d{2,5}[a-z]?)(?:\*\*|__|`)?(?:~~)?(?:\s*[:.)]\s*|\s+|$)")
NOT_TASK_PREFIXES = frozenset(
    {"FR", "FR-", "SC", "SC-", "NFR", "NFR-", "US", "US-", "CHK", "CHK-", "AC", "AC-", "P", "V"}
)
_MENTION_AFTER_ID = re.compile(
    r"^(?:→|->|⟶|=>|blocks|depends|after|before|and\b|or\b|,|&|\+|/|〜|~|–|—|與|与|和|及|と|は|が|や|・|、|，|"
    r"(?:-|to|through)\s*(?:\*\*)?T?\d)",
    re.I,
)
"""What follows the id of a list item that mentions tasks rather than defining one:
``- T001 + T002: ...``, ``- T055 與 T058 可平行``, ``- T5 は T3, T4 の後``, ``- T012 and T014 can run together``."""


def _task(item: b.Item, text: str, phase: Phase | None, refs: re.Pattern[str], prose_only: bool,
          path: str, diagnostics: list[Diagnostic]) -> tuple[Task, list[str]] | None:
    """A list item -> (task, ids the task says it blocks), or None when the item is not a task."""
    text = b.strip_comments(text)
    text = _STATUS_EMOJI.sub("", text, count=1)  # "- [x] ✅ T018 ...": the emoji repeats the box
    task_id, labels, pos = _leading(text)
    if task_id is None and item.checkbox is not None:
        numbered = OTHER_ID.match(text, pos + len(text[pos:]) - len(text[pos:].lstrip()))
        if numbered and numbered.group(1).rstrip("0123456789-ab") not in NOT_TASK_PREFIXES:
            task_id, pos = numbered.group(1), numbered.end()
            again, more, advance = _leading(text[pos:])
            if again is None:
                labels, pos = labels + more, pos + advance
    rest = text[pos:].lstrip()
    if item.checkbox is None:
        if task_id is None or prose_only or _MENTION_AFTER_ID.match(rest.lstrip("*_ ")):
            return None
    elif task_id is not None and re.match(r"^(?:\+|&|與|与|和|と|、|，)\s*(?:\*\*)?T?-?\d", rest.lstrip("*_ ")):
        return None  # "- [ ] T007 + T008: ..." ticks off a pair of tasks listed elsewhere
    state: TaskState = CHECKBOX_STATE.get(item.checkbox or " ", "open")
    if re.match(r"^\s*~~.+?~~", text):
        state = "struck"
    parallel, stories, other, ref_ids = _sort_labels(labels, refs)
    body = text[pos:]
    depends, blocks, problems = ids.dependencies(body)
    lines: dict[str, int] = {}
    hints: list[str] = []
    extra: list[str] = []
    for line, part in _child_parts(item):
        extra.append(part)
        found, hinted = _dependency_part(part)
        for dep in found:
            if dep not in depends:
                depends.append(dep)
                lines[dep] = line
        hints.extend(h for h in hinted if h not in hints and h not in depends)
        blocks.extend(x for x in ids.dependencies(part)[1] if x not in blocks)
        for problem in ids.dependencies(part)[2]:
            problems.append(problem)
    full = "\n".join([text, *extra])
    for problem in problems:
        diagnostics.append(diag("parse/dependency-phrase", f"task {task_id or '(no id)'}: {problem}", path, item.line))
    ref_ids.extend(ids.refs_in(full, refs))
    task = Task(
        id=task_id,
        title=_title(body),
        text=clean(text),
        state=state,
        parallel=parallel,
        stories=list(dict.fromkeys(stories)),
        labels=other,
        refs=list(dict.fromkeys(ref_ids)),
        files=files_in("\n".join([body, *extra])),
        depends_on=depends,
        dependency_lines=lines,
        order_hints=hints,
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
# Bounded ("[^)]{0,300}"): a line repeating "(after " without ")" was quadratic (#16).
_DEP_PAREN = re.compile(
    r"[ \t]{0,20}[(（][ \t]{0,20}"
    r"(?:depends?\s+on|dependent\s+on|deps?\s*:|dependenc(?:y|ies)\s*:|after|blocked\s+by|requires|"
    r"blocks|d[ée]pend(?:s|ent)?\s+de|apr[èe]s|依存|依赖)"
    r"[^)）\n]{0,300}[)）]",
    re.I,
)


def _phase_key(phase: Phase | None) -> str | None:
    return (phase.number or phase.title) if phase else None


def _title(body: str) -> str:
    """The task's description: dependency parentheses and emphasis removed."""
    body = re.sub(r"~~(.*?)~~", r"\1", body).replace("~~", "")  # struck tasks keep state "struck"
    return clean(_DEP_PAREN.sub("", body)).strip(" :-–—") or clean(body)


def _child_parts(item: b.Item) -> list[tuple[int, str]]:
    """The item's own sub-bullets and paragraphs (``- **Depends on T009**``) with their lines; not
    its subtasks (items with a checkbox or an id of their own)."""
    parts: list[tuple[int, str]] = []
    for block, _ in b.walk(item.blocks, enter=_own_part):
        if isinstance(block, b.Para):
            parts.append((block.line, b.strip_comments(block.text)))
        elif isinstance(block, b.Item) and _own_part(block):
            parts.append((block.text_line or block.line, b.strip_comments(block.text or "")))
    return parts


def _own_part(block: b.Item | b.Quote) -> bool:
    """A sub-item that belongs to its task's text: no checkbox and no id of its own (not a subtask);
    never a quote, which is someone else's words."""
    if not isinstance(block, b.Item) or block.checkbox is not None:
        return False
    return not ids.LEADING_ID.match((block.text or "").lstrip())


def _table_tasks(block: b.TableBlock, phase: Phase | None, refs: re.Pattern[str]) -> list[tuple[Task, list[str]]]:
    headers = [clean(h).lower() for h in block.headers]
    col_id = next((i for i, h in enumerate(headers) if h in ("id", "task id", "#", "task #")), None)
    if col_id is None:
        # "| Task | Depends On | Description |": the Task column holds the ids when its cells start
        # with one; "| Task | What | Why Reverted |" holds none and is no task table (#11: this
        # was a StopIteration that lost the whole feature).
        col_id = next((i for i, h in enumerate(headers) if h == "task"), None)
        if col_id is None or not any(col_id < len(cells) and ids.LEADING_ID.match(clean(cells[col_id]))
                                     for _, cells in block.rows):
            return []
    col_title = next(
        (i for i, h in enumerate(headers) if h in ("task", "description", "title", "what") and i != col_id), None
    )
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
        def cell(index: int | None) -> str:  # called only in this iteration, never kept: cells is the current row
            return clean(cells[index]) if index is not None and index < len(cells) else ""  # noqa: B023
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


def _other_id_dependencies(tasks: list[Task]) -> list[Task]:
    """Dependency phrases that name tasks numbered without a T ("- [ ] **D011** Deploy (after
    D010)"): read once the document's own such ids are known, so "after D010" resolves."""
    other = {t.id for t in tasks if t.id and not ids.TASK_ID.fullmatch(t.id)}
    if not other:
        return tasks
    pattern = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(sorted(map(re.escape, other), key=len, reverse=True))
                         + r")(?![A-Za-z0-9_-])")
    out: list[Task] = []
    for task in tasks:
        found: list[str] = []
        for match in ids.DEPENDENCY_KEYWORD.finditer(task.text):
            pos = match.end()
            while (hit := pattern.match(task.text, pos)) is not None:
                found.append(hit.group(1))
                sep = re.match(r"\s*(?:,|，|、|&|\band\b)\s*", task.text[hit.end() :])
                if not sep:
                    break
                pos = hit.end() + sep.end()
        more = [d for d in dict.fromkeys(found) if d not in task.depends_on and d != task.id]
        out.append(replace(task, depends_on=task.depends_on + more) if more else task)
    return out


def _apply_prose_dependencies(found: list[tuple[Task, list[str]]], prose: list[Prose]) -> list[Task]:
    """Fold what tasks.md says between tasks outside their own lines into the waiting tasks.

    ``(blocks T017)`` on a task's line, and statements under a Dependencies heading (``T008 blocks
    T009``, ``T003 depends on T002``, ``T006 is a prerequisite for T009``, arrows ``T008 → T009``,
    a fenced ``T001 --> T002`` diagram) are dependencies. The same chains elsewhere, or under a
    suggested order, an MVP scope or a PR strategy, are order hints: they never make a cycle."""
    hard: dict[str, dict[str, int]] = {}
    soft: dict[str, list[str]] = {}
    for task, blocked in found:
        for other in blocked:
            if task.id:
                hard.setdefault(other, {}).setdefault(task.id, task.line)
    for part in prose:
        text = part.text
        if part.diagram:
            text = re.sub(r"\[[^\]\n]{0,200}\]|\([^)\n]{0,200}\)|\{[^}\n]{0,200}\}|\|[^|\n]{0,200}\|", "", text)
        constraint = part.in_dependencies and not part.hint and not HINT_CONTEXT.search(text)
        pairs = [
            (after, before) for chain in ids.arrow_chains(text) for before, after in zip(chain, chain[1:], strict=False)
        ]
        pairs += ids.statements(text) if not part.diagram else []
        for waiting, before in pairs:
            for task_id in waiting:
                if constraint:
                    for dep in before:
                        hard.setdefault(task_id, {}).setdefault(dep, part.line)
                else:
                    soft.setdefault(task_id, []).extend(before)
    # A statement elsewhere never overrules a task's own line: an edge that runs against the tasks'
    # own dependencies ("T006→T004,T005" in a file where T006 says "(depends on T004)", meaning
    # "T006 needs T004, T005") is dropped, not turned into a cycle (#11).
    own = {task.id: task.depends_on for task, _ in found if task.id}

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], {start}
        while stack:
            for nxt in own.get(stack.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    for waiting_id, prerequisites in hard.items():
        for dep in [d for d in prerequisites if reaches(d, waiting_id)]:
            del prerequisites[dep]
    tasks: list[Task] = []
    for task, _ in found:
        key = task.id or ""
        more = {d: line for d, line in hard.get(key, {}).items() if d not in task.depends_on and d != task.id}
        hints = [d for d in dict.fromkeys(soft.get(key, [])) if d not in task.depends_on and d not in more
                 and d != task.id and d not in task.order_hints]
        if more or hints:
            lines = dict(task.dependency_lines)
            lines.update({d: line for d, line in more.items() if line != task.line})
            task = replace(task, depends_on=task.depends_on + list(more), dependency_lines=lines,
                           order_hints=task.order_hints + hints)
        tasks.append(task)
    return tasks
