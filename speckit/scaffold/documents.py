"""Template contexts for spec.md and plan.md: what each document says, before a template says how.

Text read back from a parsed document still carries the Markdown escapes it was written with, so
it is unescaped here and escaped again by the template (never twice).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from speckit.config import Config
from speckit.model import Spec, Story
from speckit.scaffold import detect
from speckit.scaffold.templates import Raw
from speckit.scaffold.text import inline, one_line, unescape

_CLAUSE = re.compile(r"\s*(?::\s|\s[-–—]\s|[.;!?]\s|[。：；！？])")
_INPUT = re.compile(r'^(?:User description:\s*)?"(.*)"\s*$', re.S)


def feature_title(description: str) -> str:
    """A short name for the feature: the description's first clause, at most about 60 characters."""
    text = one_line(description).strip(" \"'")
    head = _CLAUSE.split(text, maxsplit=1)[0].strip(" .:;")
    if not head or len(head) > 60:
        words = text.split(" ")
        head = " ".join(words[:8]) if len(words) > 1 else text[:40]
        head = head[:80].strip(" .:;,")
    if not head:
        return "New feature"
    return head[0].upper() + head[1:] if head[0].isascii() else head


def spec_context(description: str, folder: Path, date: str, **parts: Any) -> dict[str, Any]:
    """Context for the spec template. ``parts`` may give stories, requirements, criteria, entities,
    edge_cases and assumptions (lists of dicts or strings); missing ones render as skeletons."""
    context: dict[str, Any] = {
        "feature": feature_title(description), "branch": folder.name, "date": date,
        "description": one_line(description), "stories": [], "requirements": [], "criteria": [],
        "entities": [], "edge_cases": [], "assumptions": [],
    }
    context.update(parts)
    return context


def spec_tokens(context: dict[str, Any]) -> dict[str, str]:
    """Spec Kit's spec-template.md tokens that speckit knows the value of."""
    return {
        "[FEATURE NAME]": inline(context["feature"]),
        "[###-feature-name]": context["branch"],
        "[DATE]": context["date"],
        "$ARGUMENTS": inline(context["description"]),
    }


def plan_tokens(context: dict[str, Any]) -> dict[str, str]:
    """Spec Kit's plan-template.md tokens that speckit knows the value of."""
    return {
        "[FEATURE]": inline(context["feature"]),
        "[FEATURE NAME]": inline(context["feature"]),
        "[###-feature-name]": context["branch"],
        "[DATE]": context["date"],
        "[link]": "[spec.md](./spec.md)",
    }


def priority_rank(priority: str | None) -> int:
    """P0 < P1 < ... < anything else (DEFERRED, Optional) < no priority."""
    if priority is None:
        return 1_000_001
    match = re.fullmatch(r"[Pp]\s*(\d+)", priority.strip())
    return int(match.group(1)) if match else 1_000_000


def ordered_stories(spec: Spec) -> list[Story]:
    return sorted(spec.stories, key=lambda s: (priority_rank(s.priority), s.number or 0, s.line))


def described(spec: Spec) -> str | None:
    """The user's description, from the spec's ``**Input**: User description: "..."`` line."""
    raw = spec.metadata.get("Input")
    if not raw:
        return None
    match = _INPUT.match(raw.strip())
    return unescape(match.group(1) if match else raw).strip() or None


def plan_context(spec: Spec, folder: Path, date: str, config: Config, root: Path) -> dict[str, Any]:
    title = unescape(spec.title or folder.name)
    stories = ordered_stories(spec)
    groups: dict[str, list[Story]] = {}
    for story in stories:
        groups.setdefault(story.priority or "Unprioritised", []).append(story)
    phases = [
        {"number": n, "priority": priority,
         "stories": [{"id": s.id, "title": unescape(s.title), "priority": s.priority or "none"} for s in group]}
        for n, (priority, group) in enumerate(groups.items(), start=1)
    ]
    known = detect.technical_context(root)
    context_rows = [(key, known.get(key, "NEEDS CLARIFICATION")) for key in config.technical_context]
    try:
        spec_path = (folder / "spec.md").resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        spec_path = (folder / "spec.md").as_posix()
    return {
        "feature": title, "branch": folder.name, "date": date, "spec_path": spec_path,
        "summary": _summary(spec, title, stories, len(phases)),
        "stories": [{"id": s.id, "title": unescape(s.title), "priority": s.priority or "none"} for s in stories],
        "technical_context": context_rows,
        "phases": phases,
        "gates": [_gate(name) for name in config.gates],
        "requirements": [{"id": r.id, "text": unescape(r.text)} for r in spec.requirements],
        "criteria": [{"id": r.id, "text": unescape(r.text)} for r in spec.success_criteria],
    }


def _summary(spec: Spec, title: str, stories: list[Story], phases: int) -> str:
    description = described(spec)
    parts = [f'Requested as: "{description}".' if description else f"{title}."]
    if stories:
        listed = "; ".join(f"{s.id} {unescape(s.title)} ({s.priority or 'no priority'})" for s in stories)
        parts.append(f"The plan delivers {len(stories)} user {'story' if len(stories) == 1 else 'stories'} "
                     f"in {phases} {'phase' if phases == 1 else 'phases'}, highest priority first: {listed}.")
    parts.append(f"The spec defines {_count(len(spec.requirements), 'requirement', 'requirements')} and "
                 f"{_count(len(spec.success_criteria), 'success criterion', 'success criteria')}.")
    return " ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _gate(name: str) -> dict[str, str]:
    human = re.search(r"\b(?:HITL|human|manual|sign[- ]?off)\b", name, re.I)
    heading = name if re.search(r"\b(?:gates?|approvals?|sign[- ]?offs?)\b", name, re.I) else f"Gate: {name}"
    text = ("a named person approves before the next phase starts" if human
            else "runs automatically and must pass before the next phase starts")
    return {"heading": heading, "kind": "human" if human else "automated", "text": text}


__all__ = ["Raw", "feature_title", "plan_context", "spec_context"]
