"""Mermaid text for the site's diagrams: the task graph as a flowchart, phases and waves as a Gantt.

Everything taken from documents goes into Mermaid through ``label()``: task titles are written by
people and agents, and quotes, ``#``, ``;``, ``-->``, ``%%{...}%%``, ``<script>``, emoji and
Japanese all appear in real ones. Node and subgraph ids are never taken from documents (``n0``,
``p0`` ...), so an id such as ``end`` or ``T-1;`` cannot break the syntax either.

Mermaid refuses diagrams over ``maxTextSize`` (50,000 characters) or ``maxEdges`` (500), and a page
cannot raise those limits (they are "secure" keys). Large graphs are therefore drawn per phase
(see ``speckit.site.pages``), and a diagram that still does not fit is reported, not drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_TEXT = 45_000  # below mermaid's maxTextSize of 50,000, with room for directives
MAX_EDGES = 450  # below mermaid's maxEdges of 500
LABEL_LENGTH = 60

# Characters that mean something to a Mermaid parser somewhere (flowchart shapes, gantt's ':'
# separator, '#' comments and entity codes, ';' statement ends, '%%' directives, backtick markdown
# strings, '<' HTML). They are written as Mermaid entity codes (#35; is '#'), which every diagram
# type decodes back into the character.
_SPECIAL = set('"#;<>&`%{}[]|\\:')
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# mermaid strips the ';' after 'style ... #x;' and 'classDef ... #x;' anywhere in the text before
# parsing; an entity for one letter keeps those words from matching.
_KEYWORDS = re.compile(r"style|classDef")

DONE_STYLE = "fill:#e6f4ea,stroke:#1e8e3e,color:#0d3c1b"
CRITICAL_STYLE = "stroke:#e37400,stroke-width:3px"
CYCLE_STYLE = "fill:#fce8e6,stroke:#d93025,stroke-width:2px,color:#a50e0e"
OUTSIDE_STYLE = "fill:#f1f3f4,stroke:#9aa0a6,stroke-dasharray:4 3,color:#5f6368"
CRITICAL_LINK = "stroke:#e37400,stroke-width:3px"
CYCLE_LINK = "stroke:#d93025,stroke-width:3px"


# Markdown that a title carries and a diagram should not show: `code` spans, **bold** and
# __bold__ markers, [text](target) links. Real titles are full of `src/models/user.py`.
_CODE = re.compile(r"`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")


def plain(text: str) -> str:
    """``text`` without the Markdown marks a reader would see as noise in a diagram."""
    return _CODE.sub("", _STRONG.sub(r"\2", _LINK.sub(r"\1", text)))


def label(text: str, limit: int = LABEL_LENGTH) -> str:
    """``text`` as the inside of a double-quoted Mermaid label: plain text on one line, shortened,
    escaped. The one Mermaid escaper of speckit (the site and ``speckit graph --format mermaid``)."""
    text = _CONTROL.sub(" ", plain(text)).strip()
    text = re.sub(r"\s+", " ", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    out = "".join(f"#{ord(ch)};" if ch in _SPECIAL else ch for ch in text)
    return _KEYWORDS.sub(lambda m: m.group(0)[0] + f"#{ord(m.group(0)[1])};" + m.group(0)[2:], out)


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    """the task id (or a synthetic key for a task without one)"""
    text: str
    group: str | None = None
    """key of the cluster (phase) that holds the node"""
    done: bool = False
    outside: bool = False
    """a neighbour from another phase, drawn dashed on a per-phase page"""


@dataclass(frozen=True, slots=True)
class Link:
    before: str
    after: str
    dashed: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class Flow:
    """What a flowchart shows, already chosen: nodes, clusters, links and the marked ones."""

    nodes: Sequence[Node]
    groups: Sequence[tuple[str, str]] = ()
    """(key, title) of each cluster, in order"""
    links: Sequence[Link] = ()
    critical: frozenset[str] = frozenset()
    cycle: frozenset[str] = frozenset()
    critical_links: frozenset[tuple[str, str]] = frozenset()
    cycle_links: frozenset[tuple[str, str]] = frozenset()
    direction: str = "TB"
    group_links: Sequence[Link] = field(default=())
    """links between clusters (implied phase order)"""


class TooLarge(Exception):
    """The diagram would pass Mermaid's size limits."""


def flowchart(flow: Flow) -> str:
    """Mermaid flowchart text for ``flow``. Raises TooLarge past Mermaid's limits."""
    ids = {node.key: f"n{i}" for i, node in enumerate(flow.nodes)}
    group_ids = {key: f"p{i}" for i, (key, _) in enumerate(flow.groups)}
    lines = [f"flowchart {flow.direction}"]
    by_group: dict[str | None, list[Node]] = {}
    for node in flow.nodes:
        by_group.setdefault(node.group if node.group in group_ids else None, []).append(node)
    for key, title in flow.groups:
        members = by_group.get(key, [])
        lines.append(f'  subgraph {group_ids[key]}["{label(title)}"]')
        lines.extend(f'    {ids[n.key]}["{label(n.text)}"]' for n in members)
        if not members:
            lines.append(f'    {group_ids[key]}_empty["{label("(no tasks)")}"]')
        lines.append("  end")
    lines.extend(f'  {ids[n.key]}["{label(n.text)}"]' for n in by_group.get(None, []))

    links = [link for link in flow.links if link.before in ids and link.after in ids]
    drawn = {(link.before, link.after) for link in links}
    # A critical path may run along implied edges that are not drawn: draw those steps thick.
    path_steps = [
        pair for pair in sorted(flow.critical_links) if pair not in drawn and pair[0] in ids and pair[1] in ids
    ]
    group_links = [g for g in flow.group_links if g.before in group_ids and g.after in group_ids]
    rows = _rows(by_group, {k for pair in [*drawn, *path_steps] for k in pair})
    if len(links) + len(path_steps) + len(group_links) + len(rows) > MAX_EDGES:
        raise TooLarge(f"{len(links) + len(path_steps) + len(group_links) + len(rows)} links "
                       "(Mermaid draws at most 500)")
    red: list[int] = []
    orange: list[int] = []
    index = 0
    for link in links:
        arrow = "-.->" if link.dashed else "-->"
        text = f'|"{label(link.text, 40)}"|' if link.text else ""
        lines.append(f"  {ids[link.before]} {arrow}{text} {ids[link.after]}")
        pair = (link.before, link.after)
        if pair in flow.cycle_links:
            red.append(index)
        elif pair in flow.critical_links:
            orange.append(index)
        index += 1
    for before, after in path_steps:
        lines.append(f"  {ids[before]} ==> {ids[after]}")
        orange.append(index)
        index += 1
    for link in group_links:
        text = f'|"{label(link.text, 40)}"|' if link.text else ""
        lines.append(f"  {group_ids[link.before]} -.->{text} {group_ids[link.after]}")
        index += 1
    for before, after in rows:
        lines.append(f"  {ids[before]} ~~~ {ids[after]}")
        index += 1

    lines.append(f"  classDef done {DONE_STYLE}")
    lines.append(f"  classDef critical {CRITICAL_STYLE}")
    lines.append(f"  classDef cycle {CYCLE_STYLE}")
    lines.append(f"  classDef outside {OUTSIDE_STYLE}")
    for name, keys in (
        ("outside", [n.key for n in flow.nodes if n.outside]),
        ("done", [n.key for n in flow.nodes if n.done and not n.outside]),
        ("critical", [n.key for n in flow.nodes if n.key in flow.critical]),
        ("cycle", [n.key for n in flow.nodes if n.key in flow.cycle]),
    ):
        for chunk in _chunks([ids[k] for k in keys], 50):
            lines.append(f"  class {','.join(chunk)} {name}")
    for indexes, style in ((orange, CRITICAL_LINK), (red, CYCLE_LINK)):
        for chunk in _chunks([str(i) for i in indexes], 50):
            lines.append(f"  linkStyle {','.join(chunk)} {style}")
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_TEXT:
        raise TooLarge(f"{len(text)} characters of Mermaid (it draws at most 50,000)")
    return text


def _rows(by_group: dict[str | None, list[Node]], linked: set[str]) -> list[tuple[str, str]]:
    """Invisible links that wrap each cluster's unlinked tasks into rows. Mermaid puts the nodes of
    a cluster that no edge orders side by side: a phase of 20 tasks without dependencies became one
    strip 20 px tall once shrunk to the page. Linking task i to task i + width stacks them in rows
    of ``width`` (about the square root of their number, 3 to 6 across)."""
    out: list[tuple[str, str]] = []
    for members in by_group.values():
        free = [n.key for n in members if n.key not in linked]
        if len(free) <= 3:
            continue
        width = max(3, min(6, math.ceil(math.sqrt(len(free)))))
        out += [(free[i], free[i + width]) for i in range(len(free) - width)]
    return out


@dataclass(frozen=True, slots=True)
class Bar:
    section: str
    text: str
    start: int
    """wave number, 0-based"""
    length: int = 1
    done: bool = False
    critical: bool = False


def gantt(title: str, bars: Iterable[Bar]) -> str:
    """A Gantt chart whose time axis counts waves: wave ``k`` runs from second k to k+1 after the
    epoch, and the axis prints seconds (``%s``), so the ticks read 0, 1, 2 ... and no fake calendar
    dates appear. Times are written in milliseconds (``dateFormat x``): mermaid 11.12 reads the
    end of a bar in seconds (``X``) but not its start, which put every bar at 0."""
    bars = list(bars)
    span = max((b.start + b.length for b in bars), default=1)
    lines = [
        "gantt",
        f"  title {label(title)}",
        "  dateFormat x",
        "  axisFormat %s",
        f"  tickInterval {max(1, span // 20)}second",
        "  todayMarker off",
    ]
    current: str | None = None
    for i, bar in enumerate(bars):
        if bar.section != current:
            current = bar.section
            lines.append(f"  section {label(current)}")
        tags = ["done"] if bar.done else []
        if bar.critical:
            tags.append("crit")
        prefix = ", ".join(tags) + ", " if tags else ""
        lines.append(f"  {label(bar.text)} :{prefix}b{i}, {bar.start * 1000}, {(bar.start + bar.length) * 1000}")
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_TEXT:
        raise TooLarge(f"{len(text)} characters of Mermaid (it draws at most 50,000)")
    return text


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
