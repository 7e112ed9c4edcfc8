"""Writing a bundle folder safely: owner-only permissions, every file complete or absent.

Bundles hold biometric samples (face frames, finger images, document portraits), so folders are
created 0700 and files 0600 whatever the umask. Every file is written to a temporary name, flushed
to disk and renamed into place; the manifest is replaced the same way after each step, so a
process killed at any moment leaves the last complete manifest, never a torn one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import cv2
import numpy as np

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; an existing folder keeps its mode."""
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BundleWriter:
    """One bundle folder being written; paths given to it are relative to the folder."""

    def __init__(self, root: Path) -> None:
        if root.exists():
            raise FileExistsError(f"{root} already exists: a recording never overwrites a bundle")
        self.root = private_dir(root)

    def _target(self, rel: str) -> Path:
        path = (self.root / rel).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"{rel} points outside the bundle")
        parent = path.parent
        if not parent.is_dir():
            private_dir(parent)
        return path

    def write_bytes(self, rel: str, data: bytes) -> str:
        """Write a file atomically (temporary name, fsync, rename); returns ``rel``."""
        path = self._target(rel)
        tmp = path.with_name(f".{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        return rel

    def write_image(self, rel: str, image: np.ndarray) -> str:
        """An image as lossless PNG (``rel`` should end in .png): replays see the very pixels the gate saw."""
        ok, encoded = cv2.imencode(".png", image)
        if not ok:
            raise ValueError(f"{rel}: image of shape {image.shape} cannot be encoded")
        return self.write_bytes(rel, encoded.tobytes())

    def copy_file(self, source: Path, rel: str) -> str:
        return self.write_bytes(rel, source.read_bytes())

    def copy_tree(self, source: Path, rel: str) -> str:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.copy_file(path, f"{rel}/{path.relative_to(source).as_posix()}")
        if not (self.root / rel).is_dir():
            private_dir(self.root / rel)
        return rel

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self.write_bytes("manifest.json", (json.dumps(manifest, indent=1, default=str) + "\n").encode("utf-8"))

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
