"""Session bundles: a valid synthetic bundle loads; every kind of damage is refused naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kiosk.replay.bundle import BundleError, load_bundle
from tests.conftest import write_session


@pytest.fixture(scope="module")
def bundle(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(data_root, tmp_path_factory.mktemp("bundles"), "permit_valid", seed=1)


def _copy(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / bundle.name
    shutil.copytree(bundle, target)
    return target


def test_valid_bundle_loads(bundle: Path) -> None:
    loaded = load_bundle(bundle)
    assert loaded.case == "permit_valid" and loaded.expected == "ACCEPT"
    assert [e.event for e in loaded.timeline] == ["document", "enter", "face", "exit"]
    face = loaded.timeline[2]
    assert len(face.frames) == len(face.timestamps_s) >= 2
    assert loaded.enrolment is not None and loaded.enrolment.face is not None
    assert loaded.trust_keys is not None and (loaded.trust_keys / "TEST-ISSUER-1.pem").is_file()


def test_corrupt_frame_is_named(bundle: Path, tmp_path: Path) -> None:
    broken = _copy(bundle, tmp_path)
    (broken / "face/002.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    with pytest.raises(BundleError, match=r"face/002\.jpg is not a readable image"):
        load_bundle(broken)


def test_missing_document_is_named(bundle: Path, tmp_path: Path) -> None:
    broken = _copy(bundle, tmp_path)
    (broken / "permit.png").unlink()
    with pytest.raises(BundleError, match=r"permit\.png is missing"):
        load_bundle(broken)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"manifest\.json is missing"):
        load_bundle(tmp_path)


def test_manifest_not_json(bundle: Path, tmp_path: Path) -> None:
    broken = _copy(bundle, tmp_path)
    (broken / "manifest.json").write_text("{ truncated", encoding="utf-8")
    with pytest.raises(BundleError, match=r"manifest\.json is not valid JSON"):
        load_bundle(broken)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "egate-session/99"}, "format"),
        ({"expected": "MAYBE"}, "expected must be one of"),
        ({"today": "yesterday"}, "is not YYYY-MM-DD"),
        ({"timeline": []}, "timeline must be a non-empty list"),
        ({"timeline": [{"event": "teleport"}]}, "unknown event 'teleport'"),
        ({"timeline": [{"event": "enter", "after_s": -1}]}, "after_s: expected a number >= 0"),
        ({"timeline": [{"event": "document", "file": "../../etc/passwd"}]}, "points outside the bundle"),
    ],
)
def test_manifest_errors(bundle: Path, tmp_path: Path, change: dict[str, object], message: str) -> None:
    broken = _copy(bundle, tmp_path)
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(change)
    (broken / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=message):
        load_bundle(broken)


def test_video_clip_is_read_with_its_frame_times(bundle: Path, tmp_path: Path) -> None:
    import cv2

    target = _copy(bundle, tmp_path)
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    writer = cv2.VideoWriter(str(target / "face.avi"), fourcc, 10.0, (320, 240))
    for k in range(5):
        writer.write(np.full((240, 320, 3), 40 * k, np.uint8))
    writer.release()
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["timeline"][2] = {"event": "face", "after_s": 0.3, "video": "face.avi"}
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    face = load_bundle(target).timeline[2]
    assert len(face.frames) == 5
    assert face.timestamps_s == pytest.approx((0.0, 0.1, 0.2, 0.3, 0.4))
