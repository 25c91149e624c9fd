"""The site's front page: every feature in one table that still reads at 500 features.

Totals first (features, tasks done and open, errors, warnings), then a text filter, a status
filter and grouping by status, all done in the browser by assets/speckit.js on the rows written
here. Each row is built from an index *row*: a few numbers and strings per feature, cached with
the feature's pages, so the index is rewritten without reading any feature again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from speckit.site.history import Point
from speckit.site.markup import Page
from speckit.site.pages import FeatureSite, burndown, counts, progress_bar, status_of, title_of
from speckit.site.text import attr, esc, href

HEADERS = ("Feature", "Title", "Status", "Progress", "Stories", "Requirements", "Diagnostics")
NUMERIC = {"Progress", "Stories", "Requirements", "Diagnostics"}
NO_STATUS = "(no status)"


def row(site: FeatureSite) -> dict[str, Any]:
    """What the index shows of one feature (JSON-able: it is cached with the feature's pages)."""
    feature = site.feature
    found = counts(site.analysis.diagnostics)
    spec = feature.spec
    return {
        "id": feature.feature.id, "page": site.page("index.md"), "title": title_of(feature),
        "status": status_of(feature), "done": sum(t.done for t in feature.tasks), "total": len(feature.tasks),
        "stories": len(spec.stories) if spec else 0, "requirements": len(spec.requirements) if spec else 0,
        "errors": found["error"], "warnings": found["warning"],
    }


def page(rows: list[dict[str, Any]], site_name: str, unreadable: list[str], history: list[Point] | None = None,
         no_history: str = "") -> Page:
    out = Page("index.md")
    done = sum(r["done"] for r in rows)
    total = sum(r["total"] for r in rows)
    errors, warnings = sum(r["errors"] for r in rows), sum(r["warnings"] for r in rows)
    statuses = Counter(r["status"].strip() or NO_STATUS for r in rows)
    options = "".join(f'<option value="{attr(s)}">{attr(s)} ({n})</option>' for s, n in sorted(statuses.items()))
    head = "".join(f'<th{" data-numeric" if h in NUMERIC else ""}><button type="button">{h}</button></th>'
                   for h in HEADERS)
    out.h(1, site_name)
    if unreadable:
        out.admonition("failure", "Features that could not be read",
                       "<ul>" + "".join(f"<li>{esc(message)}</li>" for message in unreadable) + "</ul>")
    out.add("\n".join([
        '<div class="speckit-totals">',
        f"<span><strong>{len(rows)}</strong> features</span>",
        f"<span><strong>{done}</strong> of {total} tasks done, <strong>{total - done}</strong> open</span>",
        f"<span>{progress_bar(done, total)}</span>",
        f"<span><strong>{errors}</strong> errors</span>", f"<span><strong>{warnings}</strong> warnings</span>",
        "</div>",
        '<div class="speckit-filters">',
        ('<input type="search" class="speckit-filter" placeholder="Filter by id, title or status" '
         'aria-label="Filter features">'),
        f'<select class="speckit-status" aria-label="Status"><option value="">every status</option>{options}</select>',
        '<label><input type="checkbox" class="speckit-group"> group by status</label>',
        '<span class="speckit-shown" aria-live="polite"></span>',
        "</div>",
    ]))
    out.p("Select a column heading to sort by it.")
    out.add(f'<table class="speckit-sortable speckit-features"><thead><tr>{head}</tr></thead><tbody>\n'
            + "\n".join(_row(r) for r in rows) + "\n</tbody></table>")
    out.h(2, "Progress over time")
    burndown(out, history or [], no_history)
    return out


def _row(r: dict[str, Any]) -> str:
    problems = r["errors"] + r["warnings"]
    status = r["status"].strip()
    cells = [
        (r["id"], f'<a href="{attr(href("index.md", r["page"]))}">{attr(r["id"])}</a>'),
        (r["title"], attr(r["title"])),
        (status, attr(status)),
        (f"{(r['done'] / r['total'] if r['total'] else 0):.4f}",
         f"{progress_bar(r['done'], r['total'])} {r['done']} / {r['total']}"),
        (str(r["stories"]), str(r["stories"])),
        (str(r["requirements"]), str(r["requirements"])),
        (str(problems), f'{r["errors"]} errors, {r["warnings"]} warnings' if problems else "none"),
    ]
    return (f'<tr data-status="{attr(status or NO_STATUS)}" data-done="{r["done"]}" data-total="{r["total"]}">'
            + "".join(f'<td data-sort="{attr(key)}">{shown}</td>' for key, shown in cells) + "</tr>")
