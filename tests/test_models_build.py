"""The model build and the manifest check: idempotent, and a corrupted file is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.config import Config
from models.build import build_all, build_model, set_manifest_sha, verify_all
from models.errors import ModelCorrupt, ModelMissing, ModelUnknown
from models.manifest import load_manifest, sha256_file
from models.sessions import SessionFactory


def _copy_models(config: Config, tmp_path: Path, names: set[str]) -> tuple[Path, Path]:
    manifest = load_manifest(config.models.manifest)
    models_dir = tmp_path / "onnx"
    models_dir.mkdir()
    for entry in manifest.models:
        if entry.name in names:
            shutil.copy(config.models.dir / entry.file, models_dir / entry.file)
    manifest_copy = tmp_path / "manifest.toml"
    shutil.copy(config.models.manifest, manifest_copy)
    return manifest_copy, models_dir


def test_every_model_in_the_manifest_is_built_and_verifies(config: Config, factory: SessionFactory) -> None:
    statuses = verify_all(factory.manifest, factory)
    assert [s.name for s in statuses if not s.ok] == []
    names = {s.name for s in statuses}
    assert {"face_embedder", "mtcnn_pnet", "mtcnn_rnet", "mtcnn_onet", "fingerprint_leader"} <= names


def test_a_second_build_has_nothing_to_do(config: Config) -> None:
    manifest = load_manifest(config.models.manifest)
    statuses = build_all(manifest, config.models.dir, config.models.cache)
    assert {s.action for s in statuses} == {"present"}


def test_manifest_entries_say_where_each_model_comes_from(config: Config) -> None:
    for entry in load_manifest(config.models.manifest).models:
        assert len(entry.sha256) == 64, entry.name
        assert entry.licence, entry.name
        if entry.source.origin in ("installed", "sdist"):
            assert entry.source.package and entry.source.version and entry.source.path, entry.name
        if entry.kind == "onnx":
            assert entry.inputs and entry.outputs, entry.name


def test_a_corrupted_model_is_detected_and_named(config: Config, tmp_path: Path) -> None:
    manifest_path, models_dir = _copy_models(config, tmp_path, {"mtcnn_rnet", "mtcnn_onet"})
    manifest = load_manifest(manifest_path)
    target = models_dir / manifest.get("mtcnn_rnet").file
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit
    target.write_bytes(bytes(data))

    factory = SessionFactory(manifest, models_dir)
    statuses = {s.name: s for s in verify_all(manifest, factory)}
    assert not statuses["mtcnn_rnet"].ok
    assert "mtcnn_rnet" in statuses["mtcnn_rnet"].detail and str(target) in statuses["mtcnn_rnet"].detail
    assert statuses["mtcnn_onet"].ok
    with pytest.raises(ModelCorrupt, match="mtcnn_rnet"):
        factory.session("mtcnn_rnet")


def test_a_missing_model_is_reported_with_the_fix(config: Config, tmp_path: Path) -> None:
    manifest_path, models_dir = _copy_models(config, tmp_path, set())
    factory = SessionFactory(load_manifest(manifest_path), models_dir)
    with pytest.raises(ModelMissing, match="kiosk models build"):
        factory.session("mtcnn_pnet")


def test_build_derives_a_corrupted_file_again_from_its_package(config: Config, tmp_path: Path) -> None:
    manifest_path, models_dir = _copy_models(config, tmp_path, {"fingerprint_leader"})
    entry = load_manifest(manifest_path).get("fingerprint_leader")
    (models_dir / entry.file).write_bytes(b"not a model")
    status = build_model(entry, models_dir, config.models.cache)
    assert status.ok and status.action == "built"
    assert sha256_file(models_dir / entry.file) == entry.sha256


def test_a_derivation_that_changed_is_refused(config: Config, tmp_path: Path) -> None:
    manifest_path, models_dir = _copy_models(config, tmp_path, set())
    set_manifest_sha(manifest_path, "fingerprint_leader", "0" * 64)
    entry = load_manifest(manifest_path).get("fingerprint_leader")
    status = build_model(entry, models_dir, config.models.cache)
    assert not status.ok
    assert "manifest says" in status.detail
    assert not (models_dir / entry.file).exists()


def test_an_unknown_model_name_lists_the_known_ones(factory: SessionFactory) -> None:
    with pytest.raises(ModelUnknown, match="face_embedder"):
        factory.session("no_such_model")
