"""``--target github-actions``: a GitHub Actions workflow that runs the plan from a clean checkout.

The workflow is built as data first (``data``), then written by a small emitter (``emit``) that
JSON-quotes every string, and parsed back to prove the text is exactly that data. Document text
(titles, names) goes into job and step names only, with ``${{`` broken up; ``run:`` lines hold
nothing but paths and step ids, shell-quoted.

run.sh and the rest of ``build/`` are gitignored by ``speckit init``, so a checkout has no run.sh: the
first job, ``build``, installs speckit and runs ``speckit build FEATURE --target sh`` itself, then
hands run.sh to the step jobs as an artifact. The documents in the checkout are the source, as they
are on a laptop (docs/build.md says why this and not committing run.sh).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from speckit import __version__
from speckit.build.checklist import rel
from speckit.build.render import PLACEHOLDER, comment, oneline, seal, shquote, yaml_string, yamlq
from speckit.build.toolchain import Tool, detect
from speckit.errors import InputError

if TYPE_CHECKING:
    from speckit.build import Build

APPROVAL_ENVIRONMENT = "speckit-approval"
ARTIFACT = "speckit-run-sh"
CHECKOUT = "actions/checkout@v4"
SETUP_PYTHON = "actions/setup-python@v5"
UPLOAD = "actions/upload-artifact@v4"
DOWNLOAD = "actions/download-artifact@v4"
SPECKIT_PYTHON = "3.12"


class Expr(str):
    """A value GitHub reads exactly as written here: a fixed ``${{ github.* }}`` expression of this
    module, or a path or command made by ``literal``."""


def literal(text: str) -> Expr:
    """``text`` (a path or a command line holding one) as a value GitHub passes on unchanged:
    ``${{`` would start an expression anywhere in a run line or input, so it becomes the expression
    ``${{ '${{' }}``, which evaluates to those three characters. A folder named
    ``045-${{ secrets.DEPLOY_KEY }}`` stays a folder name."""
    return Expr(text.replace("${{", "${{ '${{' }}"))


def default_install() -> str:
    return f"speckit-compiler=={__version__}"


def ci_out(build: Build) -> str:
    """Where run.sh goes in the job, relative to the repository: ``--out`` when it lies inside the
    repository, else the feature's own ``build/`` (an absolute folder elsewhere means nothing on
    a runner)."""
    try:
        return build.out.resolve().relative_to(build.root.resolve()).as_posix() or "."
    except ValueError:
        return rel(Path(build.feature.feature.path) / "build", build.root)


def data(build: Build, nodes: list[dict[str, Any]], install: str, tools: list[Tool]) -> dict[str, Any]:
    """The workflow as the data GitHub will read."""
    out = ci_out(build)
    run_sh = f"{out}/run.sh"
    feature = rel(build.feature.feature.path, build.root)
    jobs: dict[str, Any] = {}
    if not any(n["commands"].strip() or n["approval"] for n in nodes):
        jobs["no_steps"] = {"name": "no shell steps", "runs-on": "ubuntu-latest", "steps": [
            {"run": literal(f"echo {shquote('::notice::' + _no_steps(build))}")}]}
        return _top(build, jobs)
    jobs["build"] = {"name": "build run.sh", "runs-on": "ubuntu-latest", "steps": [
        {"uses": CHECKOUT},
        {"uses": SETUP_PYTHON, "with": {"python-version": SPECKIT_PYTHON}},
        {"name": "install speckit", "run": literal(f"python -m pip install {shquote(install)}")},
        {"name": "speckit build", "run": literal(f"speckit build {shquote(feature)} --target sh --out {shquote(out)}")},
        {"uses": UPLOAD, "with": {"name": ARTIFACT, "path": literal(run_sh), "if-no-files-found": "error"}},
    ]}
    setup = [step for tool in tools for step in tool.steps]
    for n in nodes:
        job: dict[str, Any] = {"name": _text(f"{n['id']} {n['title']}"), "runs-on": "ubuntu-latest",
                               "needs": list(n["need_jobs"]) or ["build"]}
        if n["approval"]:
            job["environment"] = APPROVAL_ENVIRONMENT
        approve = f" --approve {shquote(n['id'])}" if n["approval"] else ""
        job["steps"] = [
            {"uses": CHECKOUT},
            {"uses": DOWNLOAD, "with": {"name": ARTIFACT, "path": literal(out)}},
            *(setup if n["commands"].strip() else []),
            {"name": _text(f"run {n['id']}"),
             "run": literal(f"bash {shquote(run_sh)} --only {shquote(n['id'])}{approve}"),
             "env": {"SPECKIT_RUN_ID": Expr("${{ github.run_id }}-${{ github.run_attempt }}"),
                     "SPECKIT_APPROVER": Expr("${{ github.actor }}")}},
            {"name": "evidence", "if": Expr("always()"), "uses": UPLOAD,
             "with": {"name": f"evidence-{n['job']}", "path": literal(f"{out}/evidence"),
                      "if-no-files-found": "ignore"}},
        ]
        jobs[n["job"]] = job
    return _top(build, jobs)


def _top(build: Build, jobs: dict[str, Any]) -> dict[str, Any]:
    return {"name": _text(f"speckit run: {build.feature.feature.id}"), "on": {"workflow_dispatch": {}},
            "permissions": {"contents": "read"}, "jobs": jobs}


def _no_steps(build: Build) -> str:
    from speckit.build import no_steps_message

    return no_steps_message(build)


def _text(value: str) -> str:
    return oneline(value).replace("${{", "$ {{")


def render(build: Build, header: str, nodes: list[dict[str, Any]], install: str | None) -> str:
    install = install or default_install()
    if not install.strip() or "\n" in install:
        raise InputError("--install: give one pip requirement, such as speckit-compiler==0.1.0")
    steps = [(n["id"], n["commands"]) for n in nodes if n["commands"].strip()]
    tools = detect(build.root, steps)
    workflow = data(build, nodes, install, tools)
    lines = [f"# {comment(header)}", f"# speckit-hash: sha256:{PLACEHOLDER}", "#"]
    lines += [f"# {comment(line)}" if line else "#" for line in _explain(build, workflow, install, tools)]
    text = "\n".join(lines) + "\n" + "".join(emit(workflow)) + "\n"
    sealed = seal(text)
    _validate(sealed, workflow)
    return sealed


def _explain(build: Build, workflow: dict[str, Any], install: str, tools: list[Tool]) -> list[str]:
    if "no_steps" in workflow["jobs"]:
        return [_no_steps(build) + ". The one job says so."]
    out = ci_out(build)
    lines = [
        f"Runs {build.feature.feature.id} from a clean checkout. run.sh is not in the repository (speckit init",
        "gitignores build/), so the job build installs speckit and generates it from the documents:",
        f"  python -m pip install {shquote(install)}",
        f"  speckit build {shquote(rel(build.feature.feature.path, build.root))} --target sh --out {shquote(out)}",
        f"and hands it to the other jobs as the artifact {ARTIFACT}. One job per step or gate, with",
        "`needs:` from the run plan; each runs its step through run.sh and uploads its evidence. Jobs of",
        f"human gates use the environment {APPROVAL_ENVIRONMENT}: give it required reviewers in the",
        "repository settings, and the job waits for one of them; the approval is logged with the",
        "reviewer who started the run (github.actor). Jobs run on separate machines: steps that hand",
        "files to later steps must do so through artifacts.",
        "",
    ]
    if tools:
        lines.append("Toolchain, detected from the repository and the commands when this file was generated:")
        lines += [f"  - {tool.describe()}" for tool in tools]
    else:
        lines.append("Toolchain: none detected (no package.json, pyproject.toml, go.mod, Cargo.toml or bun.lockb,")
        lines.append("and no step calls node, bun, python, go, cargo or docker); the steps use what ubuntu-latest has.")
    return lines


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _scalar(value: Any) -> str:
    if isinstance(value, Expr):
        return yaml_string(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return yamlq(value)
    raise TypeError(f"no YAML for {type(value).__name__}")


def emit(value: dict[str, Any], indent: int = 0) -> list[str]:
    """Block-style YAML of ``value``: keys are this module's identifiers, every string is quoted."""
    pad = " " * indent
    lines: list[str] = []
    for key, item in value.items():
        if not _PLAIN_KEY.fullmatch(key):
            raise ValueError(f"workflow key {key!r} is not an identifier")
        if isinstance(item, dict) and item:
            lines.append(f"{pad}{key}:\n")
            lines += emit(item, indent + 2)
        elif isinstance(item, dict):
            lines.append(f"{pad}{key}: {{}}\n")
        elif isinstance(item, list) and item and all(isinstance(x, dict) for x in item):
            lines.append(f"{pad}{key}:\n")
            for entry in item:
                first, *rest = emit(entry, indent + 4)
                lines.append(f"{pad}  - {first.lstrip()}")
                lines += rest
        elif isinstance(item, list):
            lines.append(f"{pad}{key}: [{', '.join(_scalar(x) for x in item)}]\n")
        else:
            lines.append(f"{pad}{key}: {_scalar(item)}\n")
    return lines


def _validate(text: str, expected: dict[str, Any]) -> None:
    """The written workflow, parsed, must be exactly the data meant: no name or title may add a key
    (a top-level ``defaults:`` would replace the shell of every step) or change a value."""
    from io import StringIO

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        parsed = YAML(typ="safe", pure=True).load(StringIO(text))
    except YAMLError as error:
        raise InputError(f"workflow.yml: the rendered workflow is not valid YAML ({oneline(error)}); "
                         "nothing written") from None
    if parsed != json.loads(json.dumps(expected)):
        raise InputError("workflow.yml: the rendered workflow does not hold exactly the expected keys and values "
                         "(a name or title broke out of its quotes); nothing written")
