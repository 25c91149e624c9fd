"""``speckit show --format text``: a readable summary of one feature's model."""

from __future__ import annotations

from collections import Counter

from speckit.model import Feature, Plan, Section
from speckit.report import printable


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def summary(feature: Feature) -> str:
    out: list[str] = [f"feature {feature.feature.id}  ({feature.feature.path})"]
    for path in feature.documents:
        out.append(f"  read {path}")
    if feature.spec:
        spec = feature.spec
        out.append("")
        out.append(f"spec: {spec.title or '(untitled)'}")
        out.append(
            f"  {len(spec.stories)} stories, {len(spec.requirements)} requirements, "
            f"{len(spec.success_criteria)} success criteria, {len(spec.clarifications)} clarifications, "
            f"{sum(m.kind == 'clarification' for m in spec.markers)} open clarification markers"
        )
        for story in spec.stories:
            out.append(f"  {story.id} [{story.priority or 'no priority'}] {story.title}  "
                       f"({len(story.acceptance)} scenarios, line {story.line})")
    if feature.plan:
        out.extend(["", *_plan(feature.plan)])
    if feature.task_list or feature.tasks:
        tasks = feature.tasks
        done = sum(t.done for t in tasks)
        out.append("")
        title = feature.task_list.title if feature.task_list else None
        out.append(f"tasks: {title or '(untitled)'}")
        out.append(f"  progress {progress_bar(done, len(tasks))} {done}/{len(tasks)} done")
        by_phase = Counter(t.phase for t in tasks)
        done_by_phase = Counter(t.phase for t in tasks if t.done)
        for phase in feature.task_list.phases if feature.task_list else []:
            key = phase.number or phase.title
            label = f"Phase {phase.number}: {phase.title}" if phase.number else phase.title
            out.append(f"  {label}  {done_by_phase[key]}/{by_phase[key]} done (line {phase.line})")
    for checklist in feature.checklists:
        done = sum(i.done for i in checklist.items)
        out.append(f"checklist {checklist.title or checklist.path}: {done}/{len(checklist.items)} done")
    if feature.diagnostics:
        out.append("")
        out.append(f"{len(feature.diagnostics)} diagnostics while reading:")
        for d in feature.diagnostics:
            out.append(f"  {d.path}:{d.line}: {d.severity}: {d.message} [{d.rule}]")
    return printable("\n".join(out))


def _plan(plan: Plan) -> list[str]:
    out = [f"plan: {plan.title or '(untitled)'}"]
    out.append(f"  {_count_sections(plan.sections)} sections, {len(plan.steps)} steps, {len(plan.gates)} gates")
    if plan.technical_context:
        out.append("  technical context:")
        out.extend(f"    {key}: {value}" for key, value in plan.technical_context.items())
    if plan.phases:
        out.append("  phases:")
        for phase in plan.phases:
            out.append(f"    Phase {phase.number}: {phase.title}  (section {phase.section or '-'}, line {phase.line})")
    if plan.steps:
        out.append("  steps:")
        for step in plan.steps:
            human = "  [human]" if step.human else ""
            out.append(f"    {step.id}  {step.title}{human}  (phase {step.phase or '-'}, line {step.line})")
            for code in step.commands:
                for command in code.text.rstrip("\n").split("\n"):
                    if command.strip() and not command.lstrip().startswith("#"):
                        out.append(f"      $ {command}")
    if plan.critical_path:
        out.append("  critical path:")
        out.extend(f"    {' → '.join(chain)}" for chain in plan.critical_path)
    validation = [c for c in plan.criteria if c.kind == "validation"]
    if validation:
        out.append("  validation criteria:")
        out.extend(f"    {c.name}: {c.check} -> {c.target}" for c in validation)
    slos = [c for c in plan.criteria if c.kind == "slo"]
    if slos:
        out.append("  SLO targets:")
        out.extend(f"    {c.name}: {c.target} ({c.check})" for c in slos)
    if plan.artifacts:
        out.append("  required artifacts:")
        out.extend(f"    [{a.state}] {a.name}: {a.path}  ({a.status or 'no status'})" for a in plan.artifacts)
    if plan.gates:
        out.append("  approval gates:")
        out.extend(f"    {g.id}  {g.title}  [{g.kind}]" + (f" closes phase {g.phase}" if g.phase else "")
                   for g in plan.gates)
    return out


def _count_sections(sections: list[Section]) -> int:
    count = 0
    stack = list(sections)
    while stack:
        section = stack.pop()
        count += 1
        stack.extend(section.children)
    return count
