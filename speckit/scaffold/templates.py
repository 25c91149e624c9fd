"""Finding and rendering the document templates.

Each template is looked up file by file, first match wins:

1. the project's own ``templates/<name>`` (jinja2), next to its speckit.yaml;
2. Spec Kit's ``.specify/templates/<kind>-template.md`` (plain Markdown with ``[PLACEHOLDER]``
   tokens): speckit fills the tokens it knows and leaves the rest for ``speckit check`` to report;
3. speckit's defaults: ``speckit/_templates`` in an installed wheel, or the repository's top-level
   ``templates/`` in an editable install.

Spec Kit's ``tasks-template.md`` is never used: its body is a sample task list (``T001`` to
``T0xx`` labelled ``[US1]`` to ``[US3]``) that an AI agent rewrites, so filling its tokens would
write tasks that belong to no story of the feature. ``speckit tasks`` derives the list instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from speckit.errors import InputError
from speckit.parse import read_text
from speckit.scaffold.text import inline

NAMES = ("spec.md", "plan.md", "tasks.md", "speckit.yaml")
SPEC_KIT = {"spec.md": "spec-template.md", "plan.md": "plan-template.md"}
Origin = Literal["project", "spec-kit", "built-in"]


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    path: Path
    origin: Origin


def builtin_dir() -> Path:
    """The default templates: packaged in the wheel, or the repository's ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_templates", package.parent / "templates"):
        if (candidate / "spec.md").is_file():
            return candidate
    raise InputError(f"speckit's default templates are missing (looked in {package / '_templates'} "
                     f"and {package.parent / 'templates'}); reinstall speckit")


def find(name: str, project: Path) -> Template:
    own = project / "templates" / name
    if own.is_file():
        return Template(name, own, "project")
    kit = SPEC_KIT.get(name)
    if kit and (project / ".specify" / "templates" / kit).is_file():
        return Template(name, project / ".specify" / "templates" / kit, "spec-kit")
    return Template(name, builtin_dir() / name, "built-in")


def all_templates(project: Path) -> list[Template]:
    return [find(name, project) for name in NAMES]


def render(template: Template, context: dict[str, Any], tokens: dict[str, str] | None = None) -> str:
    """Render a template: jinja2 for speckit's own, token filling for Spec Kit's."""
    source = read_text(template.path)
    if template.origin == "spec-kit":
        return fill_tokens(source, tokens or {})
    return _jinja(template.path, source, context, markdown=template.name.endswith(".md"))


def fill_tokens(source: str, tokens: dict[str, str]) -> str:
    """Replace the Spec Kit tokens speckit knows (``[FEATURE NAME]``, ``[DATE]``, ``$ARGUMENTS``...);
    every other ``[PLACEHOLDER]`` stays for ``speckit check`` to report as a template leftover."""
    if not tokens:
        return source
    pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True)))
    return pattern.sub(lambda m: tokens[m.group(0)], source)


class Raw(str):
    """Template text that is Markdown already (links, ids): written as it is, never escaped."""


def _finalize(value: Any) -> Any:
    if isinstance(value, (Raw, int, float)) or value is None:
        return value
    return inline(str(value))


def _yaml(value: Any) -> Raw:
    """A value as one line of YAML: JSON is YAML's flow style, and json.dumps quotes safely."""
    import json

    return Raw(json.dumps(value, ensure_ascii=False))


def _jinja(path: Path, source: str, context: dict[str, Any], markdown: bool) -> str:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # A project's templates/ arrive in pull requests like any document, and whoever next runs
    # `speckit plan` renders them: in the sandbox, "{{ cycler.__init__.__globals__.os.system(...) }}"
    # is a SecurityError (no dunder attributes, no mutation of the values passed in), not Python run.
    # Every {{ value }} is escaped as inline Markdown (finalize), so a description holding "<!--",
    # "**" or "[x]" cannot change the document's structure; Raw values opt out.
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True, autoescape=False, finalize=_finalize if markdown else None,
    )
    env.filters["raw"] = Raw
    env.filters["yaml"] = _yaml
    try:
        code = env.compile(source, name=path.name, filename=str(path))
        return env.template_class.from_code(env, code, env.make_globals(None)).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"{path}:{error.lineno}: template syntax error: {error.message}") from None
    except jinja2.UndefinedError as error:
        raise InputError(f"{path}:{_template_line(error, path)}: template error: {error.message}") from None
    except jinja2.TemplateError as error:
        raise InputError(f"{path}:{_template_line(error, path)}: template error: {error}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        # Raised by the template's own expressions ("{{ feature + 1 }}", "{% for x in 5 %}"): a
        # mistake in the template, so name its file and line like a syntax error.
        raise InputError(f"{path}:{_template_line(error, path)}: template error: {error}") from None


def _template_line(error: BaseException, path: Path) -> int:
    """The template line an error was raised at: jinja2 rewrites the traceback so that its frames
    point at the template file and line, as Python's would for a .py file."""
    line = 1
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
