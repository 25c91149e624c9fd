"""Folder names: slugs from descriptions in several scripts, numbering, and refusing paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from speckit.errors import InputError
from speckit.scaffold import naming


@pytest.mark.parametrize(
    ("description", "slug"),
    [
        ("Team reminders: schedule reminders for a team channel", "team-reminders-schedule"),
        ("Add user authentication", "user-authentication"),
        ("I want to export invoices as PDF", "export-invoices-pdf"),
        ("Allow admins to archive old projects quickly", "admins-archive-old"),
        ("Créer des rappels d'équipe", "creer-rappels-equipe"),
        ("Straße größer machen", "strasse-grosser-machen"),
        ("Отчёт о продажах", "otchet-prodazhakh"),
        ("Slack 通知の設定", "slack"),
        ("OAuth2 login for the API", "oauth2-login-api"),
    ],
)
def test_slug_from_description(description: str, slug: str) -> None:
    assert naming.slug_of(description) == slug


@pytest.mark.parametrize(
    "description", ["チームのリマインダーを設定する", "团队提醒", "팀 알림", "!!! ??? ...", "a to of"]
)
def test_no_words_means_no_slug(description: str) -> None:
    # Text without transliterable words falls back to a numbered slug (feature-<n>) in the caller.
    assert naming.slug_of(description) is None


def test_numbering_takes_highest_prefix_plus_one(tmp_path: Path) -> None:
    for name in ("001-a", "007-b", "archive/012-old", "20260507-161658-stamp", "SPEC-99", "main"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "spec.md").write_text("# Feature Specification: x\n")
    folder, slug = naming.feature_folder(tmp_path, "Export invoices", None, None, False)
    assert folder == tmp_path / "013-export-invoices" and slug == "export-invoices"


def test_numbering_past_999_grows_to_four_digits(tmp_path: Path) -> None:
    (tmp_path / "999-last").mkdir()
    folder, _ = naming.feature_folder(tmp_path, "Next one", None, None, False)
    assert folder.name == "1000-next-one"
    assert naming.number_prefix(5) == "005"


def test_explicit_number_and_taken_number(tmp_path: Path) -> None:
    (tmp_path / "004-x").mkdir()
    assert naming.feature_folder(tmp_path, "Later work", None, 42, False)[0].name == "042-later-work"
    with pytest.raises(InputError, match="already used by"):
        naming.feature_folder(tmp_path, "Clash", None, 4, False)


def test_timestamp_prefix_uses_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")
    folder, _ = naming.feature_folder(tmp_path, "Stamp me", None, None, True)
    assert folder.name == "20260301-000000-stamp"


def test_fallback_slug_is_numbered(tmp_path: Path) -> None:
    folder, slug = naming.feature_folder(tmp_path, "チームのリマインダー", None, None, False)
    assert (folder.name, slug) == ("001-feature-1", "feature-1")


@pytest.mark.parametrize("name", ["../escape", "/etc", "a/b", "a\\b", "..", "x\x00y", "tab\tname", "~root"])
def test_names_that_are_paths_are_refused(name: str) -> None:
    with pytest.raises(InputError):
        naming.checked_name(name)


@pytest.mark.parametrize(("name", "slug"), [("team-reminders", "team-reminders"), ("Team Reminders!", "team-reminders"),
                                            ("Équipe_Rappels", "equipe-rappels")])
def test_names_become_slugs(name: str, slug: str) -> None:
    assert naming.checked_name(name) == slug


@pytest.mark.parametrize("description", ["bad\x00nul", "bell\x07", "escape \x1b[31m red"])
def test_control_characters_in_descriptions_are_refused(tmp_path: Path, description: str) -> None:
    with pytest.raises(InputError, match="control character"):
        naming.feature_folder(tmp_path, description, None, None, False)
