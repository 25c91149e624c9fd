"""The live progress display of ``speckit run`` (rich): one bar for the run, one line per running
step with the last line of its output. Used only on a terminal; elsewhere the plain Display prints
banners and output as run.sh does."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from speckit.build.steps import Node
from speckit.report import printable
from speckit.run.runner import Display

STATUS_STYLE = {"pass": "green", "approved": "green", "fail": "red"}


class LiveDisplay(Display):
    def __init__(self) -> None:
        self.console = Console()
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=self.console)
        self.overall: TaskID | None = None
        self.tasks: dict[str, TaskID] = {}
        self.titles: dict[str, str] = {}

    def start(self, total: int) -> None:
        self.progress.start()
        self.overall = self.progress.add_task("run", total=total)

    def step(self, node: Node) -> None:
        # Titles are document text: escape them so "[bold]" in a heading is shown, not applied.
        self.titles[node.id] = _escape(printable(f"{node.kind} {node.id}: {node.title}", line=True))
        self.tasks[node.id] = self.progress.add_task(self.titles[node.id], total=None)

    def output(self, node: Node, line: str) -> None:
        task = self.tasks.get(node.id)
        if task is not None and line.strip():
            self.progress.update(
                task, description=f"{self.titles[node.id]}  [dim]{_escape(printable(line.strip()[:60], line=True))}[/]"
            )

    def done(self, node: Node, status: str, seconds: int) -> None:
        task = self.tasks.pop(node.id, None)
        if task is not None:
            self.progress.remove_task(task)
        line = Text.assemble(
            (f"{status:>8} ", STATUS_STYLE.get(status, "")),
            printable(f"{node.kind} {node.id}: {node.title}", line=True),
            (f"  {seconds}s", "dim"),
        )
        self.progress.console.print(line, highlight=False)
        if self.overall is not None:
            self.progress.update(self.overall, advance=1)

    def message(self, text: str) -> None:
        self.progress.console.print(Text(printable(text.strip("\n"))), highlight=False)

    def error(self, text: str) -> None:
        self.progress.console.print(Text(printable(text), style="red"), highlight=False)

    def confirm(self, prompt: str) -> bool:
        self.progress.stop()
        try:
            answer: Any = self.console.input(Text(printable(prompt, line=True)))
        except EOFError:
            answer = ""
        self.progress.start()
        return str(answer).strip() in ("y", "Y", "yes", "YES")

    def stop(self) -> None:
        self.progress.stop()


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
