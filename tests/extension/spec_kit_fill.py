"""Fill Spec Kit's own templates (spec-template.md, plan-template.md, tasks-template.md, as
``specify init`` installs them) the way its agent commands ask an agent to: every placeholder
replaced with concrete content, the sample tasks replaced by real ones in the same format, the
``ACTION REQUIRED`` comments and the example lines removed, headings and order kept.

The template text is read at test time from the installed specify-cli, never copied here. A
placeholder this filler does not know is left in place, so that a new template release shows up as
a leftover the test names instead of passing unnoticed.
"""

from __future__ import annotations

import re

FEATURE = "001-team-export"
TITLE = "Team Reminder Export"
DATE = "2026-03-01"

STORIES = [
    ("Export the team's reminders", "P1",
     "As a team admin, I want to export every reminder of my team to a CSV file, so that I can audit them offline.",
     "Audits are due every quarter and today they are done by hand.",
     "Export a team with 3 reminders and find 3 rows in the downloaded file.",
     [("a team with 3 reminders", "the admin exports the team", "the file holds 3 rows within 5 seconds"),
      ("a team with no reminders", "the admin exports the team", "the file holds only the header row")]),
    ("Import reminders from a file", "P2",
     "As a team admin, I want to import reminders from a CSV file, so that a moving team keeps its reminders.",
     "Teams move between workspaces twice a year and lose their reminders.",
     "Import a file with 2 rows into an empty team and list 2 reminders.",
     [("an empty team", "the admin imports a file with 2 rows", "the team lists 2 reminders")]),
    ("Schedule a weekly export", "P3",
     "As a team admin, I want a weekly export mailed to me, so that the audit trail builds up without effort.",
     "Useful once export works, but nobody is blocked without it.",
     "Turn on the weekly export and receive one mail with the file after the scheduler runs.",
     [("a team with the weekly export turned on", "the weekly scheduler runs",
       "the admin receives one mail with the file attached")]),
]

REQUIREMENTS = [
    "System MUST export every reminder of a team as one CSV row with its text, time and author.",
    "System MUST refuse an export to anyone who is not an admin of the team.",
    "Users MUST be able to import a CSV file with the export's columns into a team.",
    "System MUST reject an import file with a malformed row and name the row's number.",
    "System MUST send the weekly export to the admin who turned it on.",
]

CRITERIA = [
    "An export of 1,000 reminders completes within 5 seconds.",
    "An import of 1,000 rows completes within 10 seconds.",
    "9 of 10 admins in the pilot export a team on their first attempt.",
    "Support requests about lost reminders after a move drop by 50% in the first quarter.",
]

EDGE_CASES = [
    "What happens when a reminder's text holds a comma, a quote or a line break? It is quoted as CSV requires.",
    "How does the system handle an import file that is not UTF-8? It is refused with the first bad byte's offset.",
]

ENTITIES = [
    "**Reminder**: a message the team is reminded of; text, time, author, team.",
    "**Export**: one file made from a team's reminders; team, time made, number of rows.",
]

ASSUMPTIONS = [
    "Admins use a desktop browser to download and upload files.",
    "Mobile export is out of scope for this feature.",
    "The existing reminder store is reused; no new storage is added.",
    "Mail goes through the existing notification service.",
]

TECHNICAL = {
    "Language/Version": "Python 3.12",
    "Primary Dependencies": "FastAPI, the standard csv module",
    "Storage": "the existing PostgreSQL reminder tables",
    "Testing": "pytest",
    "Target Platform": "Linux server",
    "Project Type": "web-service",
    "Performance Goals": "export 1,000 reminders in under 5 s",
    "Constraints": "files up to 10 MB",
    "Scale/Scope": "about 2,000 teams",
}

TREE = """```text
src/
├── export/
│   ├── rows.py
│   ├── writer.py
│   ├── reader.py
│   └── schedule.py
└── api/
    └── export_routes.py

tests/
├── contract/
├── integration/
└── unit/
```"""


def fill_spec(template: str) -> str:
    text = _common(_drop_action_comments(template))
    text = text.replace('"$ARGUMENTS"', '"Let team admins export and import their reminders"')
    out: list[str] = []
    story = -1
    scenario = 0
    lines = text.split("\n")
    for line in lines:
        heading = re.match(r"### User Story (\d+) - \[Brief Title\] \(Priority: (P\d+)\)$", line)
        if heading:
            story = int(heading.group(1)) - 1
            scenario = 0
            title, priority = STORIES[story][0], STORIES[story][1]
            out.append(f"### User Story {story + 1} - {title} (Priority: {priority})")
            continue
        if line == "[Describe this user journey in plain language]":
            out.append(STORIES[story][2])
        elif line.startswith("**Why this priority**: ["):
            out.append(f"**Why this priority**: {STORIES[story][3]}")
        elif line.startswith("**Independent Test**: ["):
            out.append(f"**Independent Test**: {STORIES[story][4]}")
        elif re.match(r"\d+\. \*\*Given\*\* \[initial state\]", line):
            given, when, then = STORIES[story][5][min(scenario, len(STORIES[story][5]) - 1)]
            if scenario < len(STORIES[story][5]):
                out.append(f"{scenario + 1}. **Given** {given}, **When** {when}, **Then** {then}")
            scenario += 1
        elif line.startswith("[Add more user stories"):
            continue
        elif line.startswith(("- What happens when [", "- How does system handle [")):
            out.append(f"- {EDGE_CASES[0 if line.startswith('- What') else 1]}")
        elif re.match(r"- \*\*FR-00[1-5]\*\*: ", line):
            number = int(line[7:10])
            out.append(f"- **FR-{number:03d}**: {REQUIREMENTS[number - 1]}")
        elif re.match(r"- \*\*FR-00[6-9]\*\*: .*NEEDS CLARIFICATION", line) or line.startswith("*Example of marking"):
            continue  # the template's examples of open questions: an agent resolves or deletes them
        elif line.startswith("- **[Entity "):
            out.append(f"- {ENTITIES[int(line[12]) - 1]}")
        elif re.match(r"- \*\*SC-00\d\*\*: \[", line):
            number = int(line[7:10])
            out.append(f"- **SC-{number:03d}**: {CRITERIA[number - 1]}")
        elif re.match(r"- \[(Assumption|Dependency) ", line):
            out.append(f"- {ASSUMPTIONS[sum(1 for o in out if o.startswith('- ') and o[2:] in ASSUMPTIONS)]}")
        else:
            out.append(line)
    return _squeeze("\n".join(out))


def fill_plan(template: str) -> str:
    text = _common(_drop_action_comments(template))
    text = text.replace("**Spec**: [link]", "**Spec**: [spec.md](spec.md)")
    text = re.sub(r"\[Extract from feature spec:[^\]\n]*\]",
                  "Admins export a team's reminders to CSV and import them back (FR-001 to FR-004); a weekly "
                  "job mails the export (FR-005). One module, src/export/, behind the existing API.", text)
    for key, value in TECHNICAL.items():
        text = re.sub(rf"(\*\*{re.escape(key)}\*\*: )\[[^\n]*\]", lambda m, v=value: m.group(1) + v, text)
    text = text.replace("[Gates determined based on constitution file]",
                        "Passes: one module in the existing service, no new storage, tests first.")
    text = re.sub(r"```text\n# \[REMOVE IF UNUSED\] Option 1.*?\n```", lambda _: TREE, text, flags=re.DOTALL)
    text = re.sub(r"\*\*Structure Decision\*\*: \[[^\]]*\]",
                  "**Structure Decision**: a single project; the feature lives in src/export/ and its routes in "
                  "src/api/export_routes.py.", text)
    table = re.compile(r"\| Violation \| Why Needed .*?(?=\n\n|\Z)", re.DOTALL)
    text = table.sub("No violations: nothing to justify.", text)
    return _squeeze(text)


def fill_tasks(template: str) -> str:
    text = _common(template)
    out: list[str] = []
    numbers = iter(range(29, 100))
    story_tasks: dict[str, list[str]] = {}
    story = ""
    goals = {f"User Story {n + 1}": s for n, s in enumerate(STORIES)}
    for line in text.split("\n"):
        phase = re.match(r"## Phase (\d+|N): (User Story (\d+) - )?(\[Title\]|.*?)( \(Priority: P\d\).*)?$", line)
        if phase and phase.group(3):
            story = phase.group(3)
            out.append(f"## Phase {phase.group(1)}: User Story {story} - {STORIES[int(story) - 1][0]}"
                       f"{phase.group(5) or ''}")
            continue
        if phase and phase.group(1) == "N":
            out.append(line.replace("Phase N", "Phase 6"))
            story = ""
            continue
        if phase:
            story = ""
        task = re.match(r"- \[ \] (T\d{3}|TXXX)( \[P\])?( \[US\d\])? (.*)$", line)
        if task:
            number = task.group(1) if task.group(1) != "TXXX" else f"T{next(numbers):03d}"
            depends = re.search(r" \(depends on [^)]*\)$", task.group(4))
            description = _TASKS[int(number[1:])]
            story_tasks.setdefault(story, []).append(description)
            out.append(f"- [ ] {number}{task.group(2) or ''}{task.group(3) or ''} {description}"
                       f"{depends.group(0) if depends else ''}")
            continue
        if line.startswith("**Goal**: [") and story:
            out.append(f"**Goal**: {goals[f'User Story {story}'][2]}")
        elif line.startswith("**Independent Test**: [") and story:
            out.append(f"**Independent Test**: {goals[f'User Story {story}'][4]}")
        elif line.startswith("[Add more user story phases"):
            continue
        elif line.startswith('Task: "'):
            out.append(f'Task: "{story_tasks["1"][sum(1 for o in out if o.startswith("Task: "))]}"')
        else:
            out.append(line)
    return _squeeze("\n".join(out))


_TASKS = {
    1: "Create the src/export/ package in src/export/__init__.py",
    2: "Initialize Python project with FastAPI dependencies in pyproject.toml",
    3: "Configure ruff linting and formatting in ruff.toml",
    4: "Add the export audit table migration in migrations/0042_export_audit.py",
    5: "Check team admin rights for export routes in src/api/admin_guard.py (FR-002)",
    6: "Mount the export routes in src/api/routes.py",
    7: "Create the row format shared by export and import in src/export/rows.py (FR-001, FR-003)",
    8: "Log export and import failures in src/export/errors.py",
    9: "Read the export settings in src/export/settings.py",
    10: "Contract test for GET /teams/{id}/export in tests/contract/test_export_route.py (FR-001)",
    11: "Integration test for exporting a team in tests/integration/test_export.py (SC-001)",
    12: "Create the ExportRow model in src/export/models.py (FR-001)",
    13: "Create the ExportFile model in src/export/files.py (FR-001)",
    14: "Implement the exporter in src/export/writer.py (FR-001, SC-001)",
    15: "Implement the export route in src/api/export_routes.py (FR-001, FR-002)",
    16: "Validate the team id of an export in src/api/export_routes.py (FR-002)",
    17: "Log each export with its row count in src/export/writer.py",
    18: "Contract test for POST /teams/{id}/import in tests/contract/test_import_route.py (FR-003)",
    19: "Integration test for importing a file in tests/integration/test_import.py (SC-002)",
    20: "Create the ImportReport model in src/export/import_report.py (FR-004)",
    21: "Implement the importer in src/export/reader.py (FR-003, FR-004)",
    22: "Implement the import route in src/api/import_routes.py (FR-003)",
    23: "Reuse the row format of User Story 1 in src/export/reader.py (FR-003)",
    24: "Contract test for the weekly export job in tests/contract/test_schedule.py (FR-005)",
    25: "Integration test for the weekly mail in tests/integration/test_schedule.py (FR-005)",
    26: "Create the ScheduledExport model in src/export/schedule_model.py (FR-005)",
    27: "Implement the weekly scheduler in src/export/schedule.py (FR-005)",
    28: "Mail the export through the notification service in src/export/mailer.py (FR-005)",
    29: "Document export and import in docs/export.md",
    30: "Remove the old manual export script in scripts/export_legacy.py",
    31: "Stream large exports in src/export/writer.py (SC-001)",
    32: "Unit tests for the row format in tests/unit/test_rows.py",
    33: "Limit import files to 10 MB in src/api/import_routes.py (FR-004)",
    34: "Run the quickstart.md validation in specs/001-team-export/quickstart.md (SC-003, SC-004)",
}


def _common(text: str) -> str:
    return (text.replace("[FEATURE NAME]", TITLE).replace("[FEATURE]", TITLE).replace("[###-feature-name]", FEATURE)
            .replace("[###-feature]", FEATURE).replace("[DATE]", DATE))


def _drop_action_comments(text: str) -> str:
    """The ``<!-- ACTION REQUIRED ... -->`` notes tell the agent to replace a section; filled, they go."""
    return re.sub(r"<!--\s*ACTION REQUIRED.*?-->\n?", "", text, flags=re.DOTALL)


def _squeeze(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
