"""The MCP server over stdio, built with the official SDK (``mcp``, v2): tools and resources that
call :class:`speckit.mcp.workspace.Workspace`.

Bad input is a tool error (``isError``) with speckit's one-line message, never a crash of the
server: the SDK validates arguments against each tool's JSON schema, InputError becomes
:class:`ToolError`, and a bug in speckit becomes a tool error that says so. Nothing is printed to
stdout but the protocol (the SDK logs to stderr).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import Resource as MCPResource
from mcp.types import ToolAnnotations
from pydantic import Field

from speckit import __version__
from speckit.errors import InputError
from speckit.mcp.workspace import INDEX_URI, URI_PREFIX, Workspace

T = TypeVar("T")

INSTRUCTIONS = """speckit checks spec-driven-development documents (spec.md, plan.md, tasks.md of GitHub Spec
Kit) deterministically. After writing or editing a feature's documents call `check` with the feature and
fix every error it reports (each finding has path, line, rule and a hint; `explain` tells what a rule
wants). `next` lists the tasks that can start now; `done` ticks finished tasks without touching anything
else in tasks.md. A feature is named by its number (001), slug, folder name or path under the root."""

FeatureArg = Annotated[str, Field(min_length=1, max_length=4096,
                                  description="The feature: its number (001), slug (team-reminders), folder name "
                                              "(001-team-reminders), or a folder or document path relative to the "
                                              "repository root (specs/001-team-reminders/tasks.md).")]
_READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


def build(workspace: Workspace) -> MCPServer[Any]:
    """The server for ``workspace``: six tools, the documents as resources, and an index."""
    lock = threading.Lock()  # the SDK runs sync tools in worker threads; speckit's readers are not meant to race

    def call(fn: Callable[[], T]) -> T:
        with lock:
            try:
                return fn()
            except InputError as error:
                raise ToolError(str(error)) from None
            except OSError as error:
                where = f"{error.filename}: " if error.filename else ""
                raise ToolError(f"{where}{error.strerror or error}") from None
            except RecursionError:
                raise ToolError("speckit: internal error: recursion too deep (a bug: please report it)") from None
            except Exception as error:  # noqa: BLE001 - a bug must not take the session down
                raise ToolError(f"speckit: internal error: {type(error).__name__}: {error} "
                                "(a bug: please report it)") from None

    server: MCPServer[Any] = _Server(workspace, call, name="speckit", version=__version__, instructions=INSTRUCTIONS,
                                     log_level="WARNING")

    @server.tool(annotations=_READ)
    def check(
        feature: Annotated[str | None, Field(max_length=4096, description=(
            "The feature to check (number, slug, folder name or path); omit it to check every feature "
            "under the specs root."))] = None,
        strict: Annotated[bool, Field(description="Count warnings as failures too.")] = False,
    ) -> dict[str, Any]:
        """Check a feature's spec.md, plan.md and tasks.md: the task graph (cycles, unknown or
        duplicate ids), the spec (missing sections, leftovers, open clarifications), INVEST on each
        story, traceability (requirements without tasks) and evidence. Returns every finding with
        rule, severity, message, hint, path and line, a summary, and 'failed' (errors, or warnings
        when strict)."""
        return call(lambda: workspace.check(feature, strict))

    @server.tool(annotations=_READ)
    def show(
        feature: FeatureArg,
        id: Annotated[str | None, Field(max_length=200, description=(
            "An id in the feature: a story (US1), requirement (FR-003), success criterion (SC-001), "
            "task (T012), plan step or gate. Omit it for the whole model."))] = None,
    ) -> dict[str, Any]:
        """The compiled model of a feature (stories, requirements, success criteria, plan, phases,
        tasks with state, dependencies, files and references), or one object by id with what points
        at it (a task's edges in the graph, the tasks that cite a story or requirement)."""
        return call(lambda: workspace.show(feature, id))

    @server.tool(annotations=_READ)
    def graph(feature: FeatureArg) -> dict[str, Any]:
        """A feature's task graph: every task with its state, explicit and implied edges with the
        reason for each, dependency cycles, waves of tasks that can run in parallel, and the
        critical path."""
        return call(lambda: workspace.graph(feature))

    @server.tool(name="next", annotations=_READ)
    def next_tasks(feature: FeatureArg) -> dict[str, Any]:
        """The open tasks of a feature whose dependencies are all done, so they can start now (in
        parallel), with how many wait in later waves and which tasks a dependency cycle leaves out."""
        return call(lambda: workspace.next(feature))

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                             open_world_hint=False))
    def done(
        feature: FeatureArg,
        tasks: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(
            min_length=1, max_length=1000, description="Task ids to tick, e.g. [\"T001\", \"T002\"].")],
    ) -> dict[str, Any]:
        """Tick tasks in the feature's tasks.md ('- [ ]' becomes '- [X]'), changing nothing else in
        the file, byte for byte. Refuses, writing nothing, an unknown or duplicated id, a task
        without a checkbox, or a file that changed while it was being edited."""
        return call(lambda: workspace.done(feature, tasks))

    @server.tool(annotations=_READ)
    def explain(
        rule: Annotated[str, Field(min_length=1, max_length=200, description=(
            "A rule id as reported by check, e.g. graph/cycle or invest/testable."))],
    ) -> dict[str, Any]:
        """What a rule of speckit check looks for, its default severity, an example and the fix."""
        return call(lambda: workspace.explain(rule))

    @server.resource(INDEX_URI, name="features", mime_type="application/json",
                     description="Every feature under the specs root with the URIs of its documents.")
    def features() -> str:
        import json

        return json.dumps(_resource(call, workspace.index), indent=2, ensure_ascii=False)

    @server.resource(URI_PREFIX + "{+path}", name="document", mime_type="text/markdown",
                     description="A feature's document (spec.md, plan.md, tasks.md, checklists/*.md), by its path "
                                 "relative to the repository root.")
    def document(path: str) -> str:
        return _resource(call, lambda: workspace.read(path))

    return server


def _resource(call: Callable[[Callable[[], T]], T], fn: Callable[[], T]) -> T:
    """Resource reads report failures as resource errors (a protocol error carrying the message)."""
    try:
        return call(fn)
    except ToolError as error:
        raise ResourceNotFoundError(str(error)) from None


class _Server(MCPServer[Any]):
    """Lists each feature document as a resource when asked, so features created during a session
    show up (the SDK's static list is fixed at start-up)."""

    def __init__(self, workspace: Workspace, call: Callable[[Callable[[], Any]], Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._workspace = workspace
        self._call = call

    async def list_resources(self) -> list[MCPResource]:
        static = await super().list_resources()
        try:
            documents = self._call(self._workspace.documents)
        except ToolError:  # no specs root yet: the index resource says why when it is read
            return static
        listed = [MCPResource(uri=URI_PREFIX + path.as_posix(), name=path.as_posix(),
                              title=f"{path.name} of {feature}", mime_type="text/markdown")
                  for feature, path in documents]
        return static + listed
