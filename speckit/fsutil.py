"""Files in and out: bytes decoded the one way every reader accepts, and files written safely:
atomically (temp file + rename), and never over a person's file without ``force`` (then a ``.bak``
copy is kept)."""

from __future__ import annotations

import os
from pathlib import Path

from speckit.errors import InputError


def write_atomic(path: Path, data: str | bytes, mode: int | None = None, sync: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    ``sync=False`` skips the fsync, for files that can be rebuilt (the check cache: an fsync per
    entry cost 0.5 ms here and far more on slow disks, and a torn entry is detected and dropped)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # A unique name opened with O_EXCL is what tempfile.mkstemp does; importing tempfile (and the
    # shutil, random and compression modules behind it) cost ~10 ms of the commit hook, which
    # writes its cache entries through here.
    tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(path: Path, data: str | bytes, force: bool = False, mode: int | None = None) -> Path | None:
    """Write a file a person may have written or edited: refuse when it exists, unless ``force``,
    and then keep the old one as ``<name>.bak``. Returns the backup path, if one was made."""
    backup = None
    if path.exists():
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if not force:
            raise InputError(f"{path}: already exists (use --force to overwrite it; a .bak copy is kept)")
        import shutil

        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
    write_atomic(path, data, mode)
    return backup


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
