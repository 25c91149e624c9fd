"""Hatch build hook: put Mermaid into the package, fetched from npm when the package is built.

The docs site (``speckit docs build``) must render its diagrams with no internet, and this repository
must never hold a minified third-party file. So the wheel (and ``pip install -e .``) gets npm's
``mermaid`` package at build time: the tarball is fetched from the npm registry (or made by
``npm pack`` when the registry cannot be reached and npm is on PATH, or read from the file named by
``SPECKIT_MERMAID_TARBALL`` for builds without network), checked against the sha512 pinned below,
and ``package/dist/mermaid.min.js`` is extracted to ``speckit/_vendor/mermaid/`` (gitignored).

Rebuilds fetch nothing: the tarball is cached under ``$XDG_CACHE_HOME/speckit-build`` (default
``~/.cache/speckit-build``), and an extracted file whose recorded digest still matches is kept as is.

To move to another 11.x release: set MERMAID_VERSION and MERMAID_INTEGRITY from
``https://registry.npmjs.org/mermaid/<version>`` (its ``dist.integrity``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MERMAID_VERSION = "11.12.0"
MERMAID_INTEGRITY = "sha512-ZudVx73BwrMJfCFmSSJT84y6u5brEoV8DOItdHomNLz32uBjNrelm7mg95X7g+C6UoQH/W6mBLGDEDv73JdxBg=="
TARBALL_URL = f"https://registry.npmjs.org/mermaid/-/mermaid-{MERMAID_VERSION}.tgz"
MEMBER = "package/dist/mermaid.min.js"
TARGET = Path("speckit") / "_vendor" / "mermaid"


class MermaidHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist carries this hook, not the file
        folder = Path(self.root) / TARGET
        asset = ensure_mermaid(folder, self.app.display_info)
        if version != "editable":
            # The file is gitignored, so hatch would leave it out of the wheel. An editable install
            # reads it from the source tree instead: force-including it there would put a partial
            # speckit/ folder into site-packages that shadows the editable package.
            for path in (asset, folder / "VERSION"):
                build_data["force_include"][str(path)] = f"{TARGET.as_posix()}/{path.name}"


def ensure_mermaid(folder: Path, say: Any = print) -> Path:
    """``folder/mermaid.min.js`` of the pinned version, fetching and verifying it if needed."""
    asset = folder / "mermaid.min.js"
    stamp = folder / "VERSION"
    if asset.is_file() and stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("version") == MERMAID_VERSION and recorded.get("sha256") == _sha256(asset.read_bytes()):
            return asset
    tarball = _tarball(say)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise RuntimeError(f"mermaid {MERMAID_VERSION}: the tarball has no {MEMBER}")
        data = member.read()
    folder.mkdir(parents=True, exist_ok=True)
    _write(asset, data)
    _write(stamp, json.dumps({"version": MERMAID_VERSION, "sha256": _sha256(data), "source": TARBALL_URL}) + "\n")
    say(f"speckit: mermaid {MERMAID_VERSION} -> {asset}")
    return asset


def _tarball(say: Any) -> bytes:
    supplied = os.environ.get("SPECKIT_MERMAID_TARBALL")
    if supplied:
        return _verified(Path(supplied).read_bytes(), supplied)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "speckit-build"
    cached = cache / f"mermaid-{MERMAID_VERSION}.tgz"
    if cached.is_file():
        try:
            return _verified(cached.read_bytes(), str(cached))
        except RuntimeError:
            cached.unlink()  # a truncated download: fetch again
    try:
        say(f"speckit: fetching {TARBALL_URL}")
        with urllib.request.urlopen(TARBALL_URL, timeout=60) as response:  # noqa: S310 - a fixed https URL
            data = _verified(response.read(), TARBALL_URL)
    except OSError as error:
        data = _npm_pack(error)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        _write(cached, data)
    except OSError:
        pass  # a read-only home: the build still works, it just fetches again next time
    return data


def _npm_pack(first_error: OSError) -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"cannot fetch {TARBALL_URL} ({first_error}) and npm is not on PATH; download it by hand and "
            "set SPECKIT_MERMAID_TARBALL=/path/to/mermaid.tgz"
        ) from first_error
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"mermaid@{MERMAID_VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        packed = next(Path(tmp).glob("mermaid-*.tgz"))
        return _verified(packed.read_bytes(), f"npm pack mermaid@{MERMAID_VERSION}")


def _verified(data: bytes, source: str) -> bytes:
    algorithm, _, expected = MERMAID_INTEGRITY.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise RuntimeError(f"{source}: integrity check failed for mermaid {MERMAID_VERSION} "
                           f"(expected {MERMAID_INTEGRITY}, got {algorithm}-{actual})")
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(path: Path, data: str | bytes) -> None:
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
