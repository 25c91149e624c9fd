"""Hatch build hook: put Mermaid and Panzoom into the package, fetched from npm when it is built.

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

``@panzoom/panzoom`` (MIT, 10 KB: pan, zoom and pinch on any element through CSS transforms, which is
why it works on the diagrams Material draws into closed shadow roots) is vendored the same way into
``speckit/_vendor/panzoom/`` (``SPECKIT_PANZOOM_TARBALL`` for offline builds).
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
from typing import Any, NamedTuple

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MERMAID_VERSION = "11.12.0"
MERMAID_INTEGRITY = "sha512-ZudVx73BwrMJfCFmSSJT84y6u5brEoV8DOItdHomNLz32uBjNrelm7mg95X7g+C6UoQH/W6mBLGDEDv73JdxBg=="
MEMBER = "package/dist/mermaid.min.js"


class Package(NamedTuple):  # not a dataclass: hatch loads this file without registering it as a module
    """One npm file vendored into speckit/_vendor/<folder>/."""

    name: str
    version: str
    integrity: str
    member: str
    folder: str
    env: str
    """the variable naming a downloaded tarball, for builds with no network"""

    @property
    def url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"

    @property
    def target(self) -> Path:
        return Path("speckit") / "_vendor" / self.folder


MERMAID = Package("mermaid", MERMAID_VERSION, MERMAID_INTEGRITY, MEMBER, "mermaid", "SPECKIT_MERMAID_TARBALL")
PANZOOM = Package("@panzoom/panzoom", "4.6.2",
                  "sha512-Zn3B5/hwa6eYIPRSKX0xf2clv8nviTX8AnAU5kU/EugiTDhG41ya2wlBqYrZJYCWQROr/5XkWObZhIkepi89qw==",
                  "package/dist/panzoom.min.js", "panzoom", "SPECKIT_PANZOOM_TARBALL")
PACKAGES = (MERMAID, PANZOOM)


class MermaidHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist carries this hook, not the files
        for package in PACKAGES:
            folder = Path(self.root) / package.target
            asset = ensure(package, folder, self.app.display_info)
            if version != "editable":
                # The files are gitignored, so hatch would leave them out of the wheel. An editable
                # install reads them from the source tree instead: force-including them there would put
                # a partial speckit/ folder into site-packages that shadows the editable package.
                for path in (asset, folder / "VERSION"):
                    build_data["force_include"][str(path)] = f"{package.target.as_posix()}/{path.name}"


def ensure_mermaid(folder: Path, say: Any = print) -> Path:
    """``folder/mermaid.min.js`` of the pinned version, fetching and verifying it if needed."""
    return ensure(MERMAID, folder, say)


def ensure(package: Package, folder: Path, say: Any = print) -> Path:
    """``folder/<file>`` of ``package``'s pinned version, fetching and verifying it if needed."""
    asset = folder / Path(package.member).name
    stamp = folder / "VERSION"
    if asset.is_file() and stamp.is_file():
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded.get("version") == package.version and recorded.get("sha256") == _sha256(asset.read_bytes()):
            return asset
    tarball = _tarball(package, say)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(package.member)
        if member is None:
            raise RuntimeError(f"{package.name} {package.version}: the tarball has no {package.member}")
        data = member.read()
    folder.mkdir(parents=True, exist_ok=True)
    _write(asset, data)
    _write(stamp, json.dumps({"version": package.version, "sha256": _sha256(data), "source": package.url}) + "\n")
    say(f"speckit: {package.name} {package.version} -> {asset}")
    return asset


def _tarball(package: Package, say: Any) -> bytes:
    supplied = os.environ.get(package.env)
    if supplied:
        return _verified(package, Path(supplied).read_bytes(), supplied)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "speckit-build"
    cached = cache / f"{package.name.replace('/', '+')}-{package.version}.tgz"
    if cached.is_file():
        try:
            return _verified(package, cached.read_bytes(), str(cached))
        except RuntimeError:
            cached.unlink()  # a truncated download: fetch again
    try:
        say(f"speckit: fetching {package.url}")
        with urllib.request.urlopen(package.url, timeout=60) as response:
            data = _verified(package, response.read(), package.url)
    except OSError as error:
        data = _npm_pack(package, error)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        _write(cached, data)
    except OSError:
        pass  # a read-only home: the build still works, it just fetches again next time
    return data


def _npm_pack(package: Package, first_error: OSError) -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"cannot fetch {package.url} ({first_error}) and npm is not on PATH; download it by hand and "
            f"set {package.env}=/path/to/{package.name.rsplit('/', 1)[-1]}.tgz"
        ) from first_error
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"{package.name}@{package.version}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        packed = next(Path(tmp).glob("*.tgz"))
        return _verified(package, packed.read_bytes(), f"npm pack {package.name}@{package.version}")


def _verified(package: Package, data: bytes, source: str) -> bytes:
    algorithm, _, expected = package.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise RuntimeError(f"{source}: integrity check failed for {package.name} {package.version} "
                           f"(expected {package.integrity}, got {algorithm}-{actual})")
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
