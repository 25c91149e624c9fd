"""Files in and out: bytes decoded the one way every reader accepts, and files written safely:
atomically (temp file + rename), and never over a person's file without ``force`` (then a ``.bak``
copy is kept)."""

from __future__ import annotations

import os
from pathlib import Path

from speckit.errors import InputError


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether ``path``'s real location (every link followed) is ``root``'s or lies under it."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def repository_of(path: Path | str) -> Path | None:
    """The git top level above ``path`` as written (no link followed), or None outside any."""
    here = Path(os.path.abspath(path))
    for candidate in here.parents:
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def confine(path: Path, within: Path | None = None) -> None:
    """Refuse (InputError) to write ``path`` when its folder really lies outside ``within`` (default:
    the git repository that holds ``path`` as written). A committed link such as ``.speckit ->
    /home/user`` or ``specs/x/build -> /usr/local/bin`` would otherwise carry speckit's output out of
    the repository. Outside any repository, with no ``within``, the user named the place: no check."""
    root = within if within is not None else repository_of(path)
    if root is not None and not inside(path.parent, root):
        raise InputError(f"{path}: its folder is a link out of {root} (to {os.path.realpath(path.parent)}); "
                         "not written (remove the link)")


def write_atomic(path: Path, data: str | bytes, mode: int | None = None, sync: bool = True,
                 within: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.
    Never through a link out of the repository, or out of ``within`` when given (see ``confine``);
    a link at ``path`` itself is replaced, never written through.

    ``sync=False`` skips the fsync, for files that can be rebuilt (the check cache: an fsync per
    entry cost 0.5 ms here and far more on slow disks, and a torn entry is detected and dropped)."""
    confine(path, within)
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
    confine(path)  # before the backup too: it goes into the same folder
    backup = None
    if path.exists():
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if not force:
            raise InputError(f"{path}: already exists (use --force to overwrite it; a .bak copy is kept)")
        backup = keep_backup(path)
    write_atomic(path, data, mode)
    return backup


def keep_backup(path: Path) -> Path:
    """Copy ``path`` to a backup that did not exist: ``<name>.bak``, else ``<name>.bak.1``, ``.bak.2``
    ... An existing backup is a person's file (an earlier --force's, or their own): never
    overwritten, and never written through (O_EXCL | O_NOFOLLOW: a committed ``run.sh.bak`` that is
    a link out of the repository is skipped like any other existing name)."""
    raw = path.read_bytes()
    info = path.stat()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(1000):
        backup = path.with_name(f"{path.name}.bak" + (f".{n}" if n else ""))
        try:
            fd = os.open(backup, flags, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
            os.chmod(backup, info.st_mode & 0o7777)
            os.utime(backup, ns=(info.st_atime_ns, info.st_mtime_ns))
        except BaseException:
            backup.unlink(missing_ok=True)
            raise
        return backup
    raise InputError(f"{path}: {path.name}.bak to {path.name}.bak.999 all exist; remove some backups first")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
