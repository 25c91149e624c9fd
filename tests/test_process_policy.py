"""The CLI's process policy (speckit/_hotpath.py): pydantic's plugin switch and the collector's policy
hold during a command, are restored after it, and library code never touches the collector. Fast
(in-process, well under a second)."""

from __future__ import annotations

import gc
import os

import pytest
from support import SPECS, invoke

from speckit import _hotpath
from speckit.graph import TaskGraph
from speckit.parse import load_feature


def test_inside_a_command_plugins_are_off_and_full_collections_rare(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_hotpath.PLUGINS, raising=False)
    before = gc.get_threshold()
    with _hotpath.command_process():
        assert os.environ[_hotpath.PLUGINS] == "__all__"
        assert not gc.isenabled()  # paused while the command imports
        _hotpath.commands_imported()
        assert gc.isenabled() and gc.get_threshold() == (before[0], before[1], _hotpath.FULL_RARELY)
    assert gc.isenabled() and gc.get_threshold() == before
    assert _hotpath.PLUGINS not in os.environ


def test_a_users_plugin_choice_and_a_disabled_collector_stand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_hotpath.PLUGINS, "")  # empty: the user keeps every plugin
    gc.disable()
    try:
        with _hotpath.command_process():
            _hotpath.commands_imported()
            assert os.environ[_hotpath.PLUGINS] == ""
            assert not gc.isenabled()  # a host that switched it off keeps it off
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert os.environ[_hotpath.PLUGINS] == ""


def test_main_restores_everything_on_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_hotpath.PLUGINS, raising=False)
    before = gc.get_threshold()
    done = invoke("show", str(SPECS / "001-team-reminders"))
    assert done.returncode == 0, done.stderr
    assert gc.isenabled() and gc.get_threshold() == before and _hotpath.PLUGINS not in os.environ


def test_the_graph_never_touches_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    feature = load_feature(SPECS / "001-team-reminders")

    def refuse() -> None:
        raise AssertionError("library code switched the collector off")

    monkeypatch.setattr(gc, "disable", refuse)
    graph = TaskGraph(feature)
    assert graph.waves() and graph.critical_path()
    graph.cycles()
    graph.ready()
