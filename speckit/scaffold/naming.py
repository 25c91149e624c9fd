"""Feature folder names: ``<NNN>-<slug>`` under the specs root, safely.

The slug is always ``[a-z0-9-]``: a description or ``--name`` can never put ``..``, a separator or a
control character into a path. Slugs follow Spec Kit's ``create-new-feature`` script: the first
meaningful words of the description (stop words and words under three letters dropped), three of
them, or four when there are exactly four.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from speckit.errors import InputError
from speckit.parse import walk_features
from speckit.scaffold.text import check_text

STOP_WORDS = frozenset(
    # English, as in Spec Kit's script, plus request verbs that say nothing about the feature.
    "a an and are as at be been being but by can could did do does for from had has have i if in into "
    "is it its let lets me my of on or our should so that the their them then there these this to "
    "under up us was we were what when where which who will with would you your want need needs add "
    "allow allows able make makes new feature support supports via also each every "
    # French, Spanish, German, Portuguese, Italian articles and prepositions (accented Latin text).
    "le la les un une des du de au aux et ou pour par sur dans avec en el los las unos unas del al "
    "y o por para con der die das ein eine einen und oder mit fur von zu im os as um uma dos das e "
    "per il lo gli di da".split()
)
# Scripts written without spaces (Han, kana, Hangul) have no words to pick, and a letter-by-letter
# transliteration of Japanese kanji would read them as Chinese: such text falls back to feature-<n>.
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]+")
_NUMBERED = re.compile(r"^(\d{1,7})(?=[-_]|$)")
_SAFE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: accents and other alphabets transliterated."""
    text = _CJK.sub(" ", unicodedata.normalize("NFKC", text))
    try:
        from anyascii import anyascii
    except ImportError:  # the dependency is declared; this keeps a broken install usable
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    else:
        text = anyascii(text)
    text = text.lower()  # apostrophes separate: "d'équipe" -> "d equipe", "team's" -> "team s"
    return re.findall(r"[a-z0-9]+", text)


def slug_of(description: str, limit: int = 4) -> str | None:
    """2-4 meaningful words of ``description`` as a slug, or None when it has none."""
    words = ascii_words(description)
    meaningful = [w for w in words if w not in STOP_WORDS and (len(w) >= 3 or w.isdigit())]
    if not meaningful:
        meaningful = [w for w in words if w not in STOP_WORDS]
    if not meaningful:
        return None
    count = limit if len(meaningful) == limit else min(3, len(meaningful))
    return "-".join(meaningful[:count])[:60].strip("-") or None


def checked_name(name: str) -> str:
    """A ``--name`` given by a person: refused when it tries to be a path, else made a slug."""
    if "\x00" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InputError("--name contains a control character; use letters, digits and hyphens")
    if "/" in name or "\\" in name or ".." in name or os.path.isabs(name) or name.startswith("~"):
        raise InputError(f"--name {name!r} looks like a path; give a slug such as 'team-reminders'")
    if _SAFE_NAME.match(name):
        return name
    slug = "-".join(ascii_words(name))[:60].strip("-")
    if not slug:
        raise InputError(f"--name {name!r} has no letters or digits to make a slug from")
    return slug


def taken_numbers(root: Path) -> dict[int, list[Path]]:
    """Sequence numbers in use under the specs root (top-level folders and nested features).

    Timestamp and date prefixes (8 digits or more) are not sequence numbers and are left out.
    """
    folders: list[Path] = []
    if root.is_dir():
        folders = [p for p in root.iterdir() if p.is_dir()] + walk_features(root)
    out: dict[int, list[Path]] = {}
    for folder in dict.fromkeys(folders):
        match = _NUMBERED.match(folder.name)
        if match:
            out.setdefault(int(match.group(1)), []).append(folder)
    return out


def number_prefix(number: int) -> str:
    """Zero-padded to three digits; past 999 the number simply grows (1000, 1001, ...)."""
    if number < 0:
        raise InputError(f"--number must be 0 or more, not {number}")
    return f"{number:03d}"


def now() -> datetime:
    """The current time, or SOURCE_DATE_EPOCH when set (reproducible output, golden tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return datetime.fromtimestamp(time.time()).astimezone()


def feature_folder(root: Path, description: str, name: str | None, number: int | None,
                   timestamp: bool) -> tuple[Path, str]:
    """The new feature's folder and its slug. Refuses a number that another feature already uses."""
    check_text(description, "the description")
    taken = taken_numbers(root)
    if timestamp:
        prefix = now().strftime("%Y%m%d-%H%M%S")
        fallback = prefix.replace("-", "")
    else:
        if number is None:
            number = max(taken, default=0) + 1
        elif number in taken:
            others = ", ".join(str(p) for p in taken[number][:3])
            raise InputError(
                f"feature number {number_prefix(number)} is already used by {others}; choose another --number"
            )
        prefix = number_prefix(number)
        fallback = str(number)
    slug = checked_name(name) if name else (slug_of(description) or f"feature-{fallback}")
    folder = root / f"{prefix}-{slug}"
    # The slug is [a-z0-9-] by construction; this guards the invariant, not a likely case.
    if folder.resolve().parent != root.resolve():
        raise InputError(f"{folder}: would lie outside the specs root {root}")
    return folder, slug
